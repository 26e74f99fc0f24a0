"""The rules of an amount and a fiscal year that targets and results share: checked by the
models' ``clean()`` and, so that they show at once, by the data-entry grid's cells."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .choices import Unit

ERR_PERCENT_RANGE = _("A percent lies between 0 and 100.")
ERR_YES_NO = _("A yes/no value is 1 (yes) or 0 (no).")
ERR_NEGATIVE = _("The value cannot be negative.")
ERR_COUNT_WHOLE = _("A count is a whole number.")
ERR_YEAR_OUTSIDE_COMPACT = _("FY{year} is outside the compact's fiscal years ({span}).")
ERR_NUMERATOR_ABOVE_DENOMINATOR = _("The numerator cannot be larger than the denominator.")
ERR_COMPACT_NO_DATES = _("The compact has no start and end dates yet, so no fiscal year is open.")


def unit_value_errors(unit: str, value: Decimal | None) -> list[str]:
    """What is wrong with ``value`` as an amount in ``unit`` (targets and results alike)."""
    if value is None:
        return []
    if unit == Unit.PERCENT and not (0 <= value <= 100):
        return [ERR_PERCENT_RANGE]
    if unit == Unit.YES_NO and value not in (0, 1):
        return [ERR_YES_NO]
    if value < 0:
        return [ERR_NEGATIVE]
    if unit == Unit.COUNT and value != value.to_integral_value():
        return [ERR_COUNT_WHOLE]
    return []


def fiscal_year_errors(compact, fiscal_year: int | None) -> list[str]:
    """Targets and results exist only for fiscal years in which the compact is active."""
    if fiscal_year is None or compact is None:
        return []
    years = compact.fiscal_years()
    if not years:
        return [ERR_COMPACT_NO_DATES]
    if fiscal_year not in years:
        return [ERR_YEAR_OUTSIDE_COMPACT.format(year=fiscal_year,
                                                span=f"FY{years[0]}-FY{years[-1]}")]
    return []


def indicator_year_keys(record) -> set[tuple[int, int]]:
    """(compact, fiscal year) of a target or a result, as it is and as it is stored."""
    keys = set()
    if record.indicator_id and record.fiscal_year:
        keys.add((record.indicator.compact_id, record.fiscal_year))
    stored = record.stored_values("indicator_id", "fiscal_year")
    if stored:
        compact_id = (record.indicator.compact_id if stored["indicator_id"] == record.indicator_id
                      else record._meta.get_field("indicator").related_model.objects
                      .filter(pk=stored["indicator_id"])
                      .values_list("compact_id", flat=True).first())
        keys.add((compact_id, stored["fiscal_year"]))
    return keys


def result_errors(indicator, *, fiscal_year, value, numerator, denominator) -> dict:
    """What is wrong with a result's year and figures, by field."""
    errors = {}
    if year_errors := fiscal_year_errors(indicator.compact, fiscal_year):
        errors["fiscal_year"] = year_errors
    if value_errors := unit_value_errors(indicator.unit, value):
        errors["value"] = value_errors
    if numerator is not None and denominator is not None and numerator > denominator:
        errors["numerator"] = [ERR_NUMERATOR_ABOVE_DENOMINATOR]
    if numerator is not None and numerator < 0:
        errors["numerator"] = [ERR_NEGATIVE]
    return errors
