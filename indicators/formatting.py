"""How indicator figures read on the pages: amounts in their unit, and the words shown where a
figure is missing (never a 0 or $0 that was not reported)."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy

from cpc import numbers

from .models import Unit

NOT_REPORTED = gettext_lazy("not reported")
NOT_TRACKED = gettext_lazy("not tracked")


def _number(value: Decimal, places: int) -> str:
    """Grouped and with the decimal mark of the active language: 1,250.5 in English."""
    return number_format(value, places, use_l10n=True, force_grouping=True)


def amount(value: Decimal | None, unit: str) -> str:
    """An amount as people read it in the unit: 1,250 · 48.5% · $250,000 · Yes; "" for none."""
    if value is None:
        return ""
    value = numbers.figure(value)  # the one rounding rule (baselines too)
    if unit == Unit.YES_NO:
        return gettext("Yes") if value >= 1 else gettext("No")
    if value == value.to_integral_value():
        text = _number(value, 0)
    elif unit == Unit.USD:
        text = _number(value, 2)
    else:
        text = _number(value, 2).rstrip("0")
    if unit == Unit.PERCENT:
        return f"{text}%"
    return f"${text}" if unit == Unit.USD else text


def plain(value: Decimal | None) -> str | None:
    """``100.0000`` as ``100`` and ``12.5000`` as ``12.5``, for an input's initial value."""
    if value is None:
        return None
    value = value.normalize()
    return format(value, "f")


def reported(value: Decimal | None, unit: str) -> str:
    """An amount in its unit, or "not reported" when there is none."""
    return str(NOT_REPORTED) if value is None else amount(value, unit)
