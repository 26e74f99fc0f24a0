"""Number formats of the oversight reports: fixed, not locale-dependent, so the bytes of a
report depend only on its data."""


from django import template
from django.utils.safestring import mark_safe

from cpc import numbers

register = template.Library()


@register.filter
def usd(value) -> str:
    if value is None or value == "":
        return "—"
    return f"${numbers.whole_dollars(value):,}"


@register.filter
def figure(value, missing: str = "—") -> str:
    """A target, actual or baseline: thousands separated, no trailing zeros; ``missing``
    (``{{ value|figure:"not reported" }}``) when there is none."""
    if value is None or value == "":
        return missing
    value = numbers.figure(value)  # baselines too: the one rounding rule
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value.normalize():,f}"


@register.filter
def percent(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{numbers.percent(value):,}%"


@register.filter
def item(mapping, key):
    return mapping.get(key, key)


@register.filter
def css_string(value) -> str:
    """Text safe inside a double-quoted CSS string in a <style> element (the running
    header): CSS escapes, not HTML entities, which a style element does not decode."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return mark_safe(text.replace("<", "\\3c "))


@register.filter
def usd_reported(value) -> str:
    """A dollar figure that may be missing: "not reported", never $0 or a dash."""
    if value is None or value == "":
        return "not reported"
    return usd(value)


@register.filter
def unit_phrase(label: str) -> str:
    """A unit inside a sentence: lower case, except abbreviations ("U.S. dollars")."""
    return " ".join(word if "." in word or word.isupper() else word.lower()
                    for word in str(label).split(" "))


@register.filter
def share(count: int, reliability) -> str:
    return reliability.share(count)
