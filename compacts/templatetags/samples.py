"""Template filters for sample figures (cpc/samples.py)."""

from django import template

register = template.Library()


@register.filter
def any_sample(records, attribute: str = "is_sample") -> bool:
    """Whether any of ``records`` has ``attribute`` true: whether a list of records shows a
    sample figure, and so carries the note that explains the Sample tag."""
    return any(getattr(record, attribute, False) for record in records or ())
