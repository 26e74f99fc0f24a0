"""``{% load indicator_format %}``: indicator figures in their unit, "not reported" when
missing (targets, actuals, figures as they stood at a dialogue)."""

from django import template

from indicators.formatting import reported as reported_amount

register = template.Library()


@register.filter
def reported(value, unit: str = "") -> str:
    """``{{ target|reported:indicator.unit }}``: 1,250 · 48.5% · $250,000, or "not reported"."""
    if value == "":
        value = None
    return reported_amount(value, unit)
