"""Progress of indicators against their targets: the ONE place with the status thresholds.

For each indicator and fiscal year we report the target, the actual, the percent of target and
a status (``on_track``, ``at_risk``, ``off_track``, ``no_target``, ``no_data``). Only
**approved** results count. The rules are documented in ``docs/indicators.md``; in short:

* **non_cumulative** - the year's actual is that year's value; the year's target is that
  year's target.
* **cumulative** - targets are annual amounts; for a year's status the running total of
  approved values up to that year is compared with the running total of targets up to that
  year (a year without a target of its own has ``no_target``).
* **latest** - the most recent approved value up to that year stands.
* **percent** indicators are computed from summed numerators and denominators, never by
  averaging percents; percent targets are never summed (a cumulative percent indicator
  compares the pooled percent with that year's target).
* **yes_no** indicators: 1 is yes; the target is met when actual >= target. They are never
  summed (a cumulative yes/no indicator behaves like ``latest``).
* **direction** - for ``decrease`` indicators lower is better: percent of target is
  target / actual * 100, and an actual of 0 means the target is fully met.
* **status** - percent >= 100: on track; >= 100 - tolerance: at risk; otherwise off track.
* **due years** - a fiscal year is judged only once it is *due*: it has ended, or it has an
  approved result of its own. A current or future year without one reads ``no_data`` (shown
  as "not due yet") whatever its target, so targets of years to come never make an active
  compact read off track.
* **same basis** - sums (running totals and the life of compact) start at the indicator's
  first year with a target: values of years before targets were set are never compared with
  targets that do not cover them; before that year a cumulative indicator shows each year's
  own value. A tracked year inside the span without a target of its own leaves the sum
  without a target (``no_target``). ``Progress.since`` names the first year summed.
* **rounding** - the one rule for every output (pages, CSV, XLSX, PDF, IATI, API): targets
  and actuals to at most two decimal places, percent of target to a whole percent, both
  half-up; the status reads the percent as shown, so "85 %" never reads off track beside a
  15 % tolerance.

Life-of-compact figures follow the cumulation mode over the due years from the first year
with a target (the compact to date): summed targets and actuals for count and USD indicators
that are non-cumulative or cumulative, pooled numerators / denominators against the last due
target for percent indicators, and the last due target and most recent value for ``latest``
(and yes/no) indicators. Before any year is due the row reads ``no_data``.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpc import numbers
from cpc.fiscal import fiscal_year_bounds

from .models import Cumulation, Direction, Indicator, Result, ResultStatus, Target, Unit

ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
NO_TARGET = "no_target"
NO_DATA = "no_data"
STATUSES = (ON_TRACK, AT_RISK, OFF_TRACK, NO_TARGET, NO_DATA)
STATUS_LABELS = {
    ON_TRACK: _("On track"),
    AT_RISK: _("At risk"),
    OFF_TRACK: _("Off track"),
    NO_TARGET: _("No target"),
    NO_DATA: _("No data"),
}
NOT_DUE_LABEL = _("Not due yet")

FULLY_MET = Decimal("100")
HUNDRED = Decimal("100")
# The one rounding rule of every figure shown (cpc.numbers).
rounded = numbers.figure
rounded_percent = numbers.percent


@dataclass(frozen=True)
class Progress:
    """One row of the indicator performance tracking table (a year or the whole compact)."""

    fiscal_year: int | None  # None for the life-of-compact row
    target: Decimal | None
    actual: Decimal | None
    percent_of_target: Decimal | None
    status: str
    # False for a year not yet ended and without an approved result of its own (and for a
    # life-of-compact row before any year is due): it is not judged yet.
    due: bool = True
    # The first fiscal year a running total or life-of-compact sum covers (the indicator's
    # first year with a target) when earlier years of the indicator are left out of it;
    # None for a figure of one year or a sum from the indicator's first year.
    since: int | None = None

    def as_dict(self) -> dict:
        return {
            "fiscal_year": self.fiscal_year,
            "target": self.target,
            "actual": self.actual,
            "percent_of_target": self.percent_of_target,
            "status": self.status,
        }


@dataclass(frozen=True)
class IndicatorProgress:
    indicator: Indicator
    years: list[Progress] = field(default_factory=list)
    life_of_compact: Progress | None = None

    def for_year(self, fiscal_year: int) -> Progress | None:
        return next((p for p in self.years if p.fiscal_year == fiscal_year), None)


def status_label(row: "Progress | None") -> str:
    """What a person reads for a row's status: "Not due yet" for a year still to come."""
    if row is None:
        return str(STATUS_LABELS[NO_TARGET])
    if row.status == NO_DATA and not row.due:
        return str(NOT_DUE_LABEL)
    return str(STATUS_LABELS[row.status])


def year_has_ended(fiscal_year: int, today: dt.date) -> bool:
    return fiscal_year_bounds(fiscal_year)[1] < today


def percent_of_target(*, target: Decimal, actual: Decimal, direction: str) -> Decimal | None:
    """How much of the target the actual achieves, in percent (direction-aware).

    None when the target is zero for an increase indicator: any actual meets it, but no
    percent of zero can be stated.
    """
    if direction == Direction.DECREASE:
        if actual == 0:
            return FULLY_MET
        return target / actual * HUNDRED
    if target == 0:
        return None
    return actual / target * HUNDRED


def status_for(
    *, target: Decimal | None, actual: Decimal | None, percent: Decimal | None,
    tolerance_percent: Decimal, unit: str,
) -> str:
    """The thresholds. Nowhere else in the code decides on track / at risk / off track."""
    if target is None:
        return NO_TARGET
    if actual is None:
        return NO_DATA
    if unit == Unit.YES_NO:
        return ON_TRACK if actual >= target else OFF_TRACK
    if percent is None:  # an increase target of zero: met by any actual
        return ON_TRACK
    if percent >= FULLY_MET:
        return ON_TRACK
    if percent >= FULLY_MET - tolerance_percent:
        return AT_RISK
    return OFF_TRACK


def _row(indicator: Indicator, fiscal_year, target, actual, *, due: bool = True,
         since: int | None = None) -> Progress:
    target, actual = rounded(target), rounded(actual)
    if not due:
        # Not judged yet: the target is shown, the status waits for the year to end or for
        # its approved result (a ``latest`` indicator's standing value is still shown).
        return Progress(fiscal_year, target, actual, None,
                        NO_TARGET if target is None else NO_DATA, due=False, since=since)
    if target is not None and actual is not None:
        if indicator.unit == Unit.YES_NO:
            percent = FULLY_MET if actual >= target else Decimal("0")
        else:
            percent = percent_of_target(
                target=target, actual=actual, direction=indicator.direction
            )
    else:
        percent = None
    percent = rounded_percent(percent)
    status = status_for(
        target=target, actual=actual, percent=percent,
        tolerance_percent=indicator.tolerance_percent, unit=indicator.unit,
    )
    return Progress(fiscal_year, target, actual, percent, status, since=since)


def _pooled_percent(results: Iterable[Result]) -> Decimal | None:
    results = [r for r in results if r.denominator]
    if not results:
        return None
    numerator = sum((r.numerator or Decimal("0") for r in results), Decimal("0"))
    denominator = sum((r.denominator for r in results), Decimal("0"))
    return numerator / denominator * HUNDRED


def _mode(indicator: Indicator) -> str:
    # A yes/no answer cannot be summed: the latest answer stands.
    if indicator.unit == Unit.YES_NO and indicator.cumulation == Cumulation.CUMULATIVE:
        return Cumulation.LATEST
    return indicator.cumulation


@dataclass
class _Series:
    """One indicator's targets and approved results by fiscal year, and the years they
    cover: what every row of its progress is computed from."""

    indicator: Indicator
    mode: str
    target_by_year: dict[int, Decimal]
    approved: list[Result]  # by fiscal year
    tracked: set[int]
    years: list[int]
    due_years: set[int]

    def __post_init__(self):
        self.result_by_year = {r.fiscal_year: r for r in self.approved}
        # Sums start at the first year with a target: the same years on both sides.
        self.since = min(self.target_by_year) if self.target_by_year else None

    def basis(self, upto: int) -> list[int]:
        return [y for y in self.years if self.since is not None and self.since <= y <= upto]

    def summed_target(self, upto: int) -> Decimal | None:
        span = self.basis(upto)
        if not span or any(y not in self.target_by_year for y in span if y in self.tracked):
            return None  # a tracked year of the span without a target: nothing to compare
        return sum((self.target_by_year[y] for y in span if y in self.target_by_year),
                   Decimal("0"))

    def in_basis(self, upto: int) -> list[Result]:
        return [r for r in self.approved
                if self.since is not None and self.since <= r.fiscal_year <= upto]

    def latest_value(self, upto: int) -> Decimal | None:
        """The latest approved value up to ``upto``: it stands for a ``latest`` indicator."""
        values = [r.value for r in self.approved if r.fiscal_year <= upto]
        return values[-1] if values else None

    def year_row(self, year: int) -> Progress:
        due = year in self.due_years
        if self.mode == Cumulation.LATEST:
            return _row(self.indicator, year, self.target_by_year.get(year),
                        self.latest_value(year), due=due)
        if (self.mode == Cumulation.CUMULATIVE and self.since is not None
                and year >= self.since):
            return self.running_row(year)
        # Each year on its own (and a cumulative indicator's years before its targets).
        this_year = self.result_by_year.get(year)
        return _row(self.indicator, year, self.target_by_year.get(year),
                    this_year.value if this_year else None, due=due)

    def running_row(self, year: int) -> Progress:
        """A cumulative indicator's year: the running totals since the first target (a
        percent pools its parts), compared when the year has its own target and result."""
        reported = year in self.result_by_year
        if self.indicator.unit == Unit.PERCENT:
            target = self.target_by_year.get(year)
            actual = _pooled_percent(self.in_basis(year)) if reported else None
        else:
            target = self.summed_target(year) if year in self.target_by_year else None
            actual = (sum((r.value for r in self.in_basis(year)), Decimal("0"))
                      if reported else None)
        return _row(self.indicator, year, target, actual, due=year in self.due_years,
                    since=self.since if self.since > self.years[0] else None)


def compute_indicator_progress(
    indicator: Indicator,
    *,
    targets: Iterable[Target],
    results: Iterable[Result],
    fiscal_years: Sequence[int] | None = None,
    today: dt.date | None = None,
) -> IndicatorProgress:
    """Progress of one indicator from its targets and results (already loaded; no queries
    unless ``fiscal_years`` is omitted and the compact's extensions are not prefetched).

    ``fiscal_years`` are narrowed to the years the indicator is tracked in; ``today`` (the
    local date by default) decides which years have ended."""
    today = today or timezone.localdate()
    target_by_year = {t.fiscal_year: t.value for t in targets}
    approved = sorted(
        (r for r in results if r.status == ResultStatus.APPROVED), key=lambda r: r.fiscal_year
    )
    reported = {r.fiscal_year for r in approved}
    if fiscal_years is None:
        fiscal_years = indicator.compact.fiscal_years()
    tracked = {year for year in fiscal_years if indicator.is_tracked_in(year)}
    years = sorted(tracked | set(target_by_year) | reported)
    series = _Series(
        indicator=indicator, mode=_mode(indicator), target_by_year=target_by_year,
        approved=approved, tracked=tracked, years=years,
        due_years={y for y in years if y in reported or year_has_ended(y, today)})
    return IndicatorProgress(
        indicator=indicator,
        years=[series.year_row(year) for year in years],
        life_of_compact=_life_of_compact(series),
    )


def _life_of_compact(series: _Series) -> Progress:
    """The compact to date, on one basis: the due years from the first year with a target,
    their targets against the approved values of the same years."""
    indicator, target_by_year = series.indicator, series.target_by_year
    if not series.due_years:
        return Progress(None, None, None, None, NO_DATA if target_by_year else NO_TARGET,
                        due=False)
    if not target_by_year:  # nothing to compare with: the values to date, no target
        return _row(indicator, None, None, _to_date(indicator, series.mode, series.approved))
    since = series.since
    span = sorted(y for y in series.due_years if y >= since)
    if not span:  # the first target is for a year still to come
        return Progress(None, None, None, None, NO_DATA, due=False)
    target, actual = _span_figures(series, span)
    left_out = (series.mode != Cumulation.LATEST and bool(series.years)
                and since > series.years[0])
    return _row(indicator, None, target, actual, since=since if left_out else None)


def _span_figures(series: _Series, span: list[int]) -> tuple[Decimal | None, Decimal | None]:
    """The target and the actual of the life of compact over ``span`` (its due years from
    the first target): the latest of each, a pooled percent, or the sums."""
    target_by_year = series.target_by_year
    in_span = [r for r in series.approved if r.fiscal_year in span]
    last_target = next((target_by_year[y] for y in reversed(span) if y in target_by_year),
                       None)
    if series.mode == Cumulation.LATEST:
        return last_target, series.latest_value(span[-1])
    if series.indicator.unit == Unit.PERCENT:
        return last_target, _pooled_percent(in_span)
    complete = all(y in target_by_year for y in span if y in series.tracked)
    target = (sum((target_by_year[y] for y in span if y in target_by_year), Decimal("0"))
              if complete else None)
    actual = sum((r.value for r in in_span), Decimal("0")) if in_span else None
    return target, actual


def _to_date(indicator, mode, approved) -> Decimal | None:
    if not approved:
        return None
    if mode == Cumulation.LATEST:
        return approved[-1].value
    if indicator.unit == Unit.PERCENT:
        return _pooled_percent(approved)
    return sum((r.value for r in approved), Decimal("0"))


def progress_for_indicators(
    indicators: Sequence[Indicator], *, fiscal_years: Sequence[int] | None = None,
    today: dt.date | None = None,
) -> dict[int, IndicatorProgress]:
    """Progress of many indicators at once, keyed by indicator id.

    Uses the ``targets`` and ``results`` prefetched on the indicators when they are there
    (see ``selectors.indicators_with_progress_data``); otherwise loads all of them in two
    queries, never one per indicator.
    """
    indicators = list(indicators)
    if not indicators:
        return {}
    prefetched = all(
        {"targets", "results"} <= set(getattr(i, "_prefetched_objects_cache", {}))
        for i in indicators
    )
    if prefetched:
        targets_of = {i.pk: list(i.targets.all()) for i in indicators}
        results_of = {i.pk: list(i.results.all()) for i in indicators}
    else:
        ids = [i.pk for i in indicators]
        targets_of, results_of = defaultdict(list), defaultdict(list)
        for target in Target.objects.filter(indicator_id__in=ids):
            targets_of[target.indicator_id].append(target)
        for result in Result.objects.filter(indicator_id__in=ids, status=ResultStatus.APPROVED):
            results_of[result.indicator_id].append(result)
    years_of_compact: dict[int, list[int]] = {}
    progress = {}
    for indicator in indicators:
        years = fiscal_years
        if years is None:
            if indicator.compact_id not in years_of_compact:
                years_of_compact[indicator.compact_id] = indicator.compact.fiscal_years()
            years = years_of_compact[indicator.compact_id]
        progress[indicator.pk] = compute_indicator_progress(
            indicator,
            targets=targets_of[indicator.pk],
            results=results_of[indicator.pk],
            fiscal_years=years,
            today=today,
        )
    return progress


def indicator_progress(indicator: Indicator, *, today: dt.date | None = None
                       ) -> IndicatorProgress:
    return progress_for_indicators([indicator], today=today)[indicator.pk]
