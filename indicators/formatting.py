"""How indicator figures read on the pages: amounts in their unit, and the words shown where a
figure is missing (never a 0 or $0 that was not reported)."""

from decimal import Decimal

from .models import Unit

NOT_REPORTED = "not reported"
NOT_TRACKED = "not tracked"


def amount(value: Decimal | None, unit: str) -> str:
    """An amount as people read it in the unit: 1,250 · 48.5% · $250,000 · Yes; "" for none."""
    if value is None:
        return ""
    if unit == Unit.YES_NO:
        return "Yes" if value >= 1 else "No"
    if value == value.to_integral_value():
        text = f"{value:,.0f}"
    elif unit == Unit.USD:
        text = f"{value:,.2f}"
    else:
        text = f"{value:,.2f}".rstrip("0")
    if unit == Unit.PERCENT:
        return f"{text}%"
    return f"${text}" if unit == Unit.USD else text


def reported(value: Decimal | None, unit: str) -> str:
    """An amount in its unit, or "not reported" when there is none."""
    return NOT_REPORTED if value is None else amount(value, unit)
