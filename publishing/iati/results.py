"""An indicator as an IATI ``result`` (``docs/iati.md``)."""

from lxml import etree

from cpc.fiscal import fiscal_year_bounds
from indicators.models import Direction, Indicator, ResultStatus, Unit
from indicators.progress import compute_indicator_progress

from .common import SAMPLE_DATA, number
from .common import sub as _sub

RESULT_TYPE_OTHER = "9"  # ResultType: the records do not class indicators as output/outcome
# IndicatorMeasure: 1 Unit, 2 Percentage, 3 Nominal (a yes/no indicator: 1 yes, 0 no).
INDICATOR_MEASURE = {Unit.COUNT: "1", Unit.USD: "1", Unit.PERCENT: "2", Unit.YES_NO: "3"}
INDICATOR_VOCABULARY_REPORTING_ORG = "99"  # IndicatorVocabulary: the reporting organisation


def result(indicator: Indicator) -> etree._Element:
    """One indicator as a ``result`` with one ``indicator``: its baseline when both year and
    value are recorded, and a period per fiscal year that has a target or an approved actual.
    Only approved results are prefetched (``indicators_with_progress_data``); the status is
    checked here again so that nothing else can reach the file as an actual."""
    element = etree.Element("result", type=RESULT_TYPE_OTHER)
    _sub(element, "title", indicator.name)
    if indicator.shows_sample_figures:
        _sub(element, "description",
             SAMPLE_DATA.format(what="the baseline, targets and actuals of this result"))
    measured = _sub(element, "indicator", measure=INDICATOR_MEASURE[indicator.unit],
                    ascending="1" if indicator.direction == Direction.INCREASE else "0")
    _sub(measured, "title", f"{indicator.code} {indicator.name}")
    description = indicator.definition.strip()
    if indicator.unit == Unit.YES_NO:
        description = " ".join(filter(None, [description, "Values: 1 is yes, 0 is no."]))

    if description:
        _sub(measured, "description", description)
    _sub(measured, "reference", vocabulary=INDICATOR_VOCABULARY_REPORTING_ORG,
         code=indicator.code)
    if indicator.baseline_year is not None and indicator.baseline_value is not None:
        baseline = _sub(measured, "baseline", year=str(indicator.baseline_year),
                        value=number(indicator.baseline_value))
        _sub(baseline, "comment", f"U.S. fiscal year {indicator.baseline_year}.")
    # The figures of every other output (indicators.progress): the same rounding, and for a
    # cumulative indicator the same running totals from its first year with a target.
    targets = list(indicator.targets.all())
    approved = [r for r in indicator.results.all() if r.status == ResultStatus.APPROVED]
    own = {r.fiscal_year: r for r in approved}
    progress = compute_indicator_progress(indicator, targets=targets, results=approved)
    for row in progress.years:
        target_set = any(t.fiscal_year == row.fiscal_year for t in targets)
        if not (target_set or row.fiscal_year in own):
            continue
        first_day, last_day = fiscal_year_bounds(row.fiscal_year)
        period = _sub(measured, "period")
        _sub(period, "period-start", iso_date=first_day.isoformat())
        _sub(period, "period-end", iso_date=last_day.isoformat())
        basis = (f"Running total since FY{row.since}, the first year with a target."
                 if row.since is not None else None)
        if row.target is not None:
            target = _sub(period, "target", value=number(row.target))
            if basis:
                _sub(target, "comment", basis)
        if row.fiscal_year in own and row.actual is not None:
            actual = _sub(period, "actual", value=number(row.actual))
            comment = " ".join(filter(None, [basis, own[row.fiscal_year].source.strip()]))
            if comment:
                _sub(actual, "comment", comment)
    return element
