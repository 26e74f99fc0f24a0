"""The figures a dialogue discusses: an indicator's target and approved actual as they stand
for the dialogue's year (stamped on each discussion), and the recent years the preparation
pack shows. Reads only."""

from dataclasses import dataclass
from decimal import Decimal

from indicators.models import Indicator, ResultStatus
from indicators.progress import compute_indicator_progress


@dataclass(frozen=True)
class IndicatorFigures:
    """An indicator's data as it stands for a dialogue: the dialogue year's target and the
    latest approved actual up to that year, with the year that actual is for."""

    target: Decimal | None
    actual: Decimal | None
    actual_fiscal_year: int | None


def indicator_figures(indicator: Indicator, fiscal_year: int) -> IndicatorFigures:
    """The figures a dialogue of ``fiscal_year`` discusses, as they stand now.

    Both follow the indicator's cumulation mode, as the progress table does (a cumulative
    indicator's target and actual are running totals). The actual is that of the latest
    fiscal year, up to ``fiscal_year``, with an approved result; submitted and returned
    results never count. Uses the indicator's prefetched targets and results when present.
    """
    results = list(indicator.results.all())
    approved_years = sorted(
        {r.fiscal_year for r in results
         if r.status == ResultStatus.APPROVED and r.fiscal_year <= fiscal_year},
        reverse=True,
    )
    progress = compute_indicator_progress(
        indicator, targets=indicator.targets.all(), results=results,
        fiscal_years=[fiscal_year, *approved_years],
    )
    row = progress.for_year(fiscal_year)
    target = row.target if row else None
    for year in approved_years:
        actual = progress.for_year(year).actual
        if actual is not None:
            return IndicatorFigures(target, actual, year)
    return IndicatorFigures(target, None, None)


@dataclass(frozen=True)
class YearFigures:
    """One fiscal year of an indicator as the preparation pack shows it: the year's target
    and its approved actual (None when no result of that year is approved)."""

    fiscal_year: int
    target: Decimal | None
    actual: Decimal | None


def indicator_recent_years(indicator: Indicator, fiscal_year: int,
                           years: int = 2) -> list[YearFigures]:
    """The last ``years`` fiscal years up to ``fiscal_year``, oldest first, from the
    indicator's prefetched targets and results (no queries when they are prefetched). Both
    follow the cumulation mode, as the progress table does."""
    wanted = list(range(fiscal_year - years + 1, fiscal_year + 1))
    results = list(indicator.results.all())
    approved = {r.fiscal_year for r in results if r.status == ResultStatus.APPROVED}
    progress = compute_indicator_progress(indicator, targets=indicator.targets.all(),
                                          results=results, fiscal_years=wanted)
    rows = []
    for year in wanted:
        row = progress.for_year(year)
        rows.append(YearFigures(
            fiscal_year=year, target=row.target if row else None,
            actual=row.actual if row and year in approved else None))
    return rows
