"""What the report's data-reliability section counts for each compact and fiscal year, read
from the records and their change history as of the report's data-as-of time (the counts are
listed in :mod:`reports.reliability`, beside the rule that judges them)."""

import datetime as dt
from collections import defaultdict

from django.db.models import F, Window
from django.db.models.functions import Lag, RowNumber
from django.utils import timezone

from compacts.models import Compact, FiscalYearLock, GuidanceDocument, YearLockState
from contributions.models import Contribution, SustainabilityPlan
from cpc.fiscal import fiscal_year_bounds, fiscal_year_of
from dialogues.models import Dialogue, Discussion
from indicators.models import Result, ResultStatus, Target
from oversight.compliance import DISCUSSION_RECORDED_WITHIN_DAYS, window_closes

from .reliability import (
    CONTRIBUTION_FIGURE_FIELDS,
    DIALOGUE_OUTCOME_FIELDS,
    KINDS,
    RESULT_FIGURE_FIELDS,
    CompactReliability,
    Counts,
    GuidanceYears,
    ReliabilityCounts,
    Unlock,
    YearRow,
    judge,
)


class _Tally:
    """The records of one compact's fiscal year, by kind and id, as the queries find them."""

    def __init__(self):
        self.on_file: set[tuple[str, int]] = set()
        self.late: set[tuple[str, int]] = set()
        self.discussions_late: set[int] = set()
        self.results_changed: set[int] = set()
        self.contributions_changed: set[int] = set()
        self.verified: set[int] = set()
        self.self_verified: set[int] = set()
        self.unverified: set[int] = set()
        self.unlocks = 0

    def counts(self) -> Counts:
        flagged = (self.late | {("discussions", pk) for pk in self.discussions_late}
                   | {("results", pk) for pk in self.results_changed}
                   | {("contributions", pk) for pk in (self.contributions_changed
                                                       | self.self_verified | self.unverified)})
        records = self.on_file | flagged
        late = defaultdict(int)
        for kind, _pk in self.late:
            late[kind] += 1
        return Counts(
            records=len(records),
            results=sum(1 for kind, _pk in records if kind == "results"),
            contributions=sum(1 for kind, _pk in records if kind == "contributions"),
            **{f"late_{kind}": late[kind] for kind in KINDS},
            discussions_recorded_late=len(self.discussions_late),
            results_changed_after_approval=len(self.results_changed),
            contributions_changed_after_verification=len(self.contributions_changed),
            contributions_verified=len(self.verified),
            contributions_self_verified=len(self.self_verified),
            contributions_unverified=len(self.unverified),
            unlocks=self.unlocks,
            flagged=len(flagged),
        )


def _after(day: dt.date) -> dt.datetime:
    """The first moment (in the app's time zone) after ``day``: a record stamped at or after
    it was recorded after that day, as the checks compare local days."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _targets_due(fiscal_year: int) -> dt.datetime:
    return _after(fiscal_year_bounds(fiscal_year)[1])


def _figures_due(fiscal_year: int) -> dt.datetime:
    return _after(window_closes(fiscal_year))


def _previous(*names: str) -> dict:
    """Each history version with the previous version's fields (``prev_<name>``) and the
    previous version's id (None for the first)."""
    order = [F("history_date").asc(), F("history_id").asc()]
    return {f"prev_{name}": Window(Lag(name), partition_by=[F("id")], order_by=order)
            for name in (*names, "history_id")}


def _as_of(model, data_as_of: dt.datetime, names: tuple[str, ...], **filters) -> list[tuple]:
    """Each record as it stood at ``data_as_of``: the fields ``names`` of its latest version
    in the change history up to then; records deleted by then are left out."""
    latest = Window(RowNumber(), partition_by=[F("id")],
                    order_by=[F("history_date").desc(), F("history_id").desc()])
    rows = (model.history.filter(history_date__lte=data_as_of, **filters)
            .annotate(latest=latest).filter(latest=1).order_by()
            .values_list("history_type", *names))
    # Deleted ones are dropped here: a filter on the type would apply before the window.
    return [row[1:] for row in rows if row[0] != "-"]


class _Years:
    """The tallies of the report's compacts, one a compact's fiscal year up to the report's
    year, filled by each reader below."""

    def __init__(self, compacts: list[Compact], fiscal_year: int, data_as_of: dt.datetime):
        self.compacts = compacts
        self.ids = [c.pk for c in compacts]
        self.fiscal_year = fiscal_year
        self.data_as_of = data_as_of
        self.years_of = {c.pk: [y for y in c.fiscal_years() if y <= fiscal_year]
                         for c in compacts}
        self.tallies: dict[tuple[int, int], _Tally] = defaultdict(_Tally)
        self.unlocks: list[Unlock] = []

    def tally(self, compact_id: int, year: int | None) -> _Tally | None:
        if year in self.years_of.get(compact_id, ()):
            return self.tallies[compact_id, year]
        return None

    def counts(self, compact_id: int, year: int) -> Counts:
        tally = self.tallies.get((compact_id, year))
        return tally.counts() if tally is not None else Counts()


def reliability_counts(compacts: list[Compact], fiscal_year: int,
                       data_as_of: dt.datetime) -> ReliabilityCounts:
    """The counts of every compact's fiscal years up to ``fiscal_year``, as of
    ``data_as_of``: each record as it stood then, judged late by the server time it was
    recorded; changes and unlocks from the history up to then. A fixed number of queries,
    whatever the number of compacts and records (one per year for the guidance)."""
    years = _Years(compacts, fiscal_year, data_as_of)
    for read in (_targets_and_results, _contributions, _discussions, _dialogue_records,
                 _plan_requests, _results_changed, _contributions_changed, _unlocks):
        read(years)
    rows_of = []
    for compact in compacts:
        rows = []
        for year in years.years_of[compact.pk]:
            counts = years.counts(compact.pk, year)
            rows.append(YearRow(year, counts, judge(counts)))
        total = sum((r.counts for r in rows), Counts())
        rows_of.append(CompactReliability(compact, rows, YearRow(None, total, judge(total))))
    grand = sum((c.total.counts for c in rows_of), Counts())
    years.unlocks.sort(key=lambda u: (u.compact.country.name, u.fiscal_year, u.at))
    all_years = sorted({y for ys in years.years_of.values() for y in ys})
    return ReliabilityCounts(rows_of, YearRow(None, grand, judge(grand)), years.unlocks,
                             _guidance(all_years, data_as_of))


def _targets_and_results(years: _Years) -> None:
    """Targets and results as they stood at the moment, by the time their figures were last
    recorded."""
    for kind, model, due in (("targets", Target, _targets_due), ("results", Result, _figures_due)):
        for pk, compact_id, year, recorded_at in _as_of(
                model, years.data_as_of,
                ("id", "indicator__compact_id", "fiscal_year", "recorded_at"),
                indicator__compact_id__in=years.ids):
            if (t := years.tally(compact_id, year)) is not None:
                t.on_file.add((kind, pk))
                if recorded_at >= due(year):
                    t.late.add((kind, pk))


def _contributions(years: _Years) -> None:
    """Partner contributions as they stood: when recorded (``created_at``, the API's
    ``recorded_at``) and whether verified, and by whom."""
    for (pk, compact_id, year, recorded_at, verified, verifier, recorder,
         changer) in _as_of(Contribution, years.data_as_of,
                            ("id", "compact_id", "fiscal_year", "created_at", "verified",
                             "verified_by_id", "recorded_by_id", "value_changed_by_id"),
                            compact_id__in=years.ids):
        if (t := years.tally(compact_id, year)) is None:
            continue
        t.on_file.add(("contributions", pk))
        if recorded_at >= _figures_due(year):
            t.late.add(("contributions", pk))
        if not verified:
            t.unverified.add(pk)
        elif verifier in {recorder, changer}:
            t.self_verified.add(pk)
        else:
            t.verified.add(pk)


def _discussions(years: _Years) -> None:
    """Discussions at the year's dialogue: late for the year, and late for the dialogue."""
    for pk, compact_id, year, recorded_at, held_on in _as_of(
            Discussion, years.data_as_of,
            ("id", "dialogue__compact_id", "dialogue__fiscal_year", "recorded_at",
             "dialogue__held_on"),
            dialogue__compact_id__in=years.ids):
        if (t := years.tally(compact_id, year)) is None:
            continue
        t.on_file.add(("discussions", pk))
        if recorded_at >= _figures_due(year):
            t.late.add(("discussions", pk))
        if held_on and recorded_at >= _after(
                held_on + dt.timedelta(days=DISCUSSION_RECORDED_WITHIN_DAYS)):
            t.discussions_late.add(pk)


def _dialogue_records(years: _Years) -> None:
    """The dialogue's record of what was discussed (held, sustainability, contributions):
    from its history, a version after the window that changed it is a late entry."""
    for row in (Dialogue.history.filter(compact_id__in=years.ids,
                                        fiscal_year__lte=years.fiscal_year,
                                        history_date__lte=years.data_as_of)
                .annotate(**_previous(*DIALOGUE_OUTCOME_FIELDS))
                .order_by("history_date", "history_id")
                .values("id", "compact_id", "fiscal_year", "history_date", "history_type",
                        *DIALOGUE_OUTCOME_FIELDS,
                        *(f"prev_{name}" for name in (*DIALOGUE_OUTCOME_FIELDS,
                                                      "history_id")))):
        if (t := years.tally(row["compact_id"], row["fiscal_year"])) is None:
            continue
        if row["history_type"] == "-":
            t.on_file.discard(("dialogues", row["id"]))
            continue
        t.on_file.add(("dialogues", row["id"]))
        changed = row["prev_history_id"] is None or any(
            row[name] != row[f"prev_{name}"] for name in DIALOGUE_OUTCOME_FIELDS)
        if changed and row["history_date"] >= _figures_due(row["fiscal_year"]):
            t.late.add(("dialogues", row["id"]))


def _plan_requests(years: _Years) -> None:
    """Sustainability plan requests, in the fiscal year of the day typed for the request."""
    for pk, compact_id, requested_on, requested_at in _as_of(
            SustainabilityPlan, years.data_as_of,
            ("id", "compact_id", "requested_on", "requested_at"),
            compact_id__in=years.ids):
        if requested_on is None or requested_at is None:
            continue
        year = fiscal_year_of(requested_on)
        if (t := years.tally(compact_id, year)) is not None:
            t.on_file.add(("plans", pk))
            if requested_at >= _figures_due(year):
                t.late.add(("plans", pk))


def _results_changed(years: _Years) -> None:
    """Approved results whose figures changed afterwards (or that were deleted)."""
    for row in (Result.history.filter(indicator__compact_id__in=years.ids,
                                      history_date__lte=years.data_as_of)
                .annotate(**_previous("status", *RESULT_FIGURE_FIELDS))
                .filter(prev_status=ResultStatus.APPROVED).order_by()
                .values("id", "indicator__compact_id", "history_type", *RESULT_FIGURE_FIELDS,
                        *(f"prev_{name}" for name in RESULT_FIGURE_FIELDS))):
        changed = row["history_type"] == "-" or any(
            row[name] != row[f"prev_{name}"] for name in RESULT_FIGURE_FIELDS)
        if changed and (t := years.tally(row["indicator__compact_id"],
                                         row["prev_fiscal_year"])) is not None:
            t.results_changed.add(row["id"])


def _contributions_changed(years: _Years) -> None:
    """Verified contributions whose figures or evidence changed afterwards (or deleted)."""
    for row in (Contribution.history.filter(compact_id__in=years.ids,
                                            history_date__lte=years.data_as_of)
                .annotate(**_previous("verified", *CONTRIBUTION_FIGURE_FIELDS))
                .filter(prev_verified=True).order_by()
                .values("id", "history_type", *CONTRIBUTION_FIGURE_FIELDS,
                        *(f"prev_{name}" for name in CONTRIBUTION_FIGURE_FIELDS))):
        changed = row["history_type"] == "-" or any(
            row[name] != row[f"prev_{name}"] for name in CONTRIBUTION_FIGURE_FIELDS)
        if changed and (t := years.tally(row["prev_compact_id"],
                                         row["prev_fiscal_year"])) is not None:
            t.contributions_changed.add(row["id"])


def _unlocks(years: _Years) -> None:
    """Unlocks: each version of a year's lock record that opened it."""
    compact_of = {c.pk: c for c in years.compacts}
    for row in (FiscalYearLock.history.filter(compact_id__in=years.ids,
                                              fiscal_year__lte=years.fiscal_year,
                                              history_date__lte=years.data_as_of)
                .annotate(**_previous("state")).order_by("history_date", "history_id")
                .values("compact_id", "fiscal_year", "state", "prev_state", "reason",
                        "history_date", "changed_by__username")):
        if row["state"] != YearLockState.UNLOCKED or row["prev_state"] == YearLockState.UNLOCKED:
            continue
        if (t := years.tally(row["compact_id"], row["fiscal_year"])) is not None:
            t.unlocks += 1
            years.unlocks.append(Unlock(compact_of[row["compact_id"]], row["fiscal_year"],
                                        row["changed_by__username"] or "unknown",
                                        row["history_date"], row["reason"]))


def _guidance(years: list[int], data_as_of: dt.datetime) -> list[GuidanceYears]:
    """The guidance version in force in each year (``GuidanceDocument.in_force_during``, the
    version check 4 reads) and whether its passage on targets was confirmed by a second staff
    member by ``data_as_of``; consecutive years with the same answer share a line."""
    lines: list[GuidanceYears] = []
    for year in years:
        version = GuidanceDocument.in_force_during(year)
        if version is None:
            text = "no guidance version in force"
        elif version.confirmed_at is not None and version.confirmed_at <= data_as_of:
            text = (f"{version}: its passage on targets confirmed by a second TIP Office staff "
                    f"member on {timezone.localdate(version.confirmed_at).isoformat()}")
        else:
            text = (f"{version}: its passage on targets not confirmed by a second TIP Office "
                    "staff member")
        if lines and lines[-1].text == text and lines[-1].last_year == year - 1:
            lines[-1] = GuidanceYears(lines[-1].first_year, year, text)
        else:
            lines.append(GuidanceYears(year, year, text))
    return lines
