"""Data reliability: what the report's data-reliability section counts for each compact and
fiscal year, and the one rule that turns those counts into its conclusion.

The counts (:func:`reliability_counts`), as of the report's data-as-of time: each record as
it stood then (its latest version in the change history up to that moment), and the change
history up to it.

* the records of the year on file: targets, results, partner contributions, discussions at
  the year's dialogue, the dialogue's own record, sustainability plan requests;
* those *entered late*: recorded (server time) after their deadline, a target after its
  fiscal year ended (check 3 reads it so), everything else after the year's dialogue window
  closed (``oversight.compliance.window_closes``; the day after, the year locks by itself);
* discussions recorded more than ``DISCUSSION_RECORDED_WITHIN_DAYS`` after the dialogue was
  held (check 2 does not count them);
* contributions verified by a TIP Office staff member other than the person who entered or
  last changed them, verified by that person, and not verified;
* unlocks of the year (``compacts.year_locks``), each with who, when and why;
* approved results changed afterwards and verified contributions changed afterwards (from
  the change history);
* the guidance version in force in each year and whether a second staff member confirmed its
  passage on targets.

:func:`judge` is the rule; :data:`RULE` and :data:`RULE_TERMS` say the same in words, printed
beside the conclusion in the report and stated in docs/compliance.md ("Data reliability").
Nothing reads "sufficiently reliable" by default: a year with no result and no contribution
has no data to judge.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.db.models import F, Window
from django.db.models.functions import Lag, RowNumber
from django.utils import timezone

from compacts.models import Compact, FiscalYearLock, GuidanceDocument, YearLockState
from contributions.models import Contribution, SustainabilityPlan
from cpc.fiscal import fiscal_year_bounds, fiscal_year_of
from dialogues.models import DIALOGUE_DAYS_AFTER_FISCAL_YEAR, Dialogue, Discussion
from indicators.models import Result, ResultStatus, Target
from oversight.compliance import DISCUSSION_RECORDED_WITHIN_DAYS, window_closes

SUFFICIENT, LIMITED, NOT_SUFFICIENT, NO_DATA = (
    "sufficient", "limited", "not_sufficient", "no_data")
LABELS = {
    SUFFICIENT: "Sufficiently reliable",
    LIMITED: "Reliable with limitations",
    NOT_SUFFICIENT: "Not sufficiently reliable",
    NO_DATA: "No data to judge",
}
# "Reliable with limitations" at most: flagged records up to this share of the year's records.
LIMITATIONS_MAX_SHARE = Decimal("0.10")

# The kinds of record counted, in the order they are named.
KINDS = ("results", "targets", "contributions", "discussions", "dialogues", "plans")
KIND_NAMES = {
    "results": ("indicator result", "indicator results"),
    "targets": ("target", "targets"),
    "contributions": ("partner contribution", "partner contributions"),
    "discussions": ("discussion", "discussions"),
    "dialogues": ("dialogue record", "dialogue records"),
    "plans": ("plan request", "plan requests"),
}
# The dialogue's own record of what was discussed, whose late change counts as a late entry.
DIALOGUE_OUTCOME_FIELDS = ("held_on", "sustainability_discussed", "sustainability_notes",
                           "contributions_discussed", "contributions_notes")
RESULT_FIGURE_FIELDS = ("fiscal_year", "value", "numerator", "denominator")
CONTRIBUTION_FIGURE_FIELDS = ("compact_id", "fiscal_year", "kind", "amount_local", "currency",
                              "amount_usd", "personnel_count", "evidence")

# The rule in words (the report prints it beside the conclusion; docs/compliance.md states
# it): each level with what it needs, the levels excluding one another.
RULE_INTRO = ("Each compact's fiscal year, and the report as a whole (all its rows added up), "
              "is judged on its counts, as of the data-as-of time:")
RULE = (
    (NO_DATA, "when no indicator result and no partner contribution of the year is on record, "
              "whatever else is."),
    (SUFFICIENT, "when there is data, no record is flagged and the year was never unlocked."),
    (LIMITED, f"when records are flagged but at most {LIMITATIONS_MAX_SHARE:.0%} of the "
              f"year's records, or none is flagged but the year was unlocked; each count is "
              f"named."),
    (NOT_SUFFICIENT, f"when more than {LIMITATIONS_MAX_SHARE:.0%} of the year's records are "
                     f"flagged; each count is named."),
)
RULE_TERMS = (
    f"A record is flagged when it was entered late, is a discussion recorded late, is an "
    f"approved result or verified contribution changed afterwards, or is a partner "
    f"contribution not verified by a TIP Office staff member other than the person who "
    f"entered or last changed it; a record flagged on several counts is one record. A record "
    f"is entered late when the system recorded it after its deadline: a target after its "
    f"fiscal year ended (as check 3 reads it); a result, partner contribution, discussion, "
    f"plan request or the dialogue's record of what was discussed after the year's dialogue "
    f"window closed ({DIALOGUE_DAYS_AFTER_FISCAL_YEAR} days after the year ends, when the year "
    f"locks by itself). A discussion is recorded late more than "
    f"{DISCUSSION_RECORDED_WITHIN_DAYS} days after its dialogue was held (as check 2 reads "
    f"it). The guidance confirmation is shown but not judged here: check 4 reads it."
)


def _named(count: int, kind: str) -> str:
    singular, plural = KIND_NAMES[kind]
    return f"{count} {singular if count == 1 else plural}"


def _plural(count: int, singular: str) -> str:
    return f"{count} {singular if count == 1 else singular + 's'}"


@dataclass(frozen=True)
class Counts:
    """One compact's fiscal year (or the sum of several): every figure the rule reads."""

    records: int = 0
    results: int = 0
    contributions: int = 0
    # Records entered late, by kind (in the order of KINDS).
    late_results: int = 0
    late_targets: int = 0
    late_contributions: int = 0
    late_discussions: int = 0
    late_dialogues: int = 0
    late_plans: int = 0
    discussions_recorded_late: int = 0
    results_changed_after_approval: int = 0
    contributions_changed_after_verification: int = 0
    contributions_verified: int = 0  # by a second person
    contributions_self_verified: int = 0  # by the person who entered or last changed it
    contributions_unverified: int = 0
    unlocks: int = 0
    # Distinct records flagged by any of the counts above (a record late and changed after
    # approval is one record).
    flagged: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(**{f.name: getattr(self, f.name) + getattr(other, f.name)
                         for f in fields(self)})

    @property
    def entered_late(self) -> int:
        return sum(getattr(self, f"late_{kind}") for kind in KINDS)

    @property
    def late_by_kind(self) -> list[str]:
        return [_named(getattr(self, f"late_{kind}"), kind) for kind in KINDS
                if getattr(self, f"late_{kind}")]

    @property
    def changed_after_review(self) -> int:
        return self.results_changed_after_approval + self.contributions_changed_after_verification

    @property
    def contributions_not_second_verified(self) -> int:
        return self.contributions_self_verified + self.contributions_unverified


@dataclass(frozen=True)
class Judgement:
    level: str
    why: str

    @property
    def label(self) -> str:
        return LABELS[self.level]


def _reasons(counts: Counts) -> list[str]:
    """Each count that keeps the year from reading sufficiently reliable, in words."""
    reasons = []
    if counts.entered_late:
        reasons.append(f"{counts.entered_late} entered late ({', '.join(counts.late_by_kind)})")
    if counts.discussions_recorded_late:
        reasons.append(f"{_plural(counts.discussions_recorded_late, 'discussion')} recorded "
                       f"more than {DISCUSSION_RECORDED_WITHIN_DAYS} days after the dialogue")
    if counts.results_changed_after_approval:
        reasons.append(f"{_plural(counts.results_changed_after_approval, 'approved result')} "
                       "changed afterwards")
    if counts.contributions_changed_after_verification:
        changed = _plural(counts.contributions_changed_after_verification,
                          "verified contribution")
        reasons.append(f"{changed} changed afterwards")
    if counts.contributions_not_second_verified:
        parts = []
        if counts.contributions_unverified:
            parts.append(f"{counts.contributions_unverified} not verified")
        if counts.contributions_self_verified:
            parts.append(f"{counts.contributions_self_verified} verified by the person who "
                         "entered or last changed it")
        reasons.append(f"{_plural(counts.contributions_not_second_verified, 'contribution')} "
                       f"without a second person's verification ({', '.join(parts)})")
    return reasons


def judge(counts: Counts) -> Judgement:
    """The rule (:data:`RULE`): the conclusion follows from the counts, never by default."""
    if not counts.results and not counts.contributions:
        return Judgement(NO_DATA, "No indicator result and no partner contribution is on "
                                  "record: there is no data to judge.")
    reasons = _reasons(counts)
    unlocked = _plural(counts.unlocks, "unlock") if counts.unlocks else ""
    if not reasons and not counts.unlocks:
        return Judgement(SUFFICIENT, f"None of the {counts.records} records is flagged, and "
                                     "there was no unlock.")
    share = Decimal(counts.flagged) / Decimal(counts.records)
    flagged = (f"{counts.flagged} of {counts.records} records ({share:.0%}) flagged: "
               f"{'; '.join(reasons)}" if counts.flagged else "no record flagged")
    why = f"{flagged}{'; ' + unlocked if unlocked else ''}."
    why = why[0].upper() + why[1:]
    return Judgement(LIMITED if share <= LIMITATIONS_MAX_SHARE else NOT_SUFFICIENT, why)


@dataclass(frozen=True)
class YearRow:
    fiscal_year: int | None  # None: the compact's years added up
    counts: Counts
    judgement: Judgement


@dataclass(frozen=True)
class Unlock:
    compact: Compact
    fiscal_year: int
    by: str
    at: dt.datetime
    reason: str


@dataclass(frozen=True)
class CompactReliability:
    compact: Compact
    rows: list[YearRow]
    total: YearRow

    @property
    def first_year(self) -> int | None:
        return self.rows[0].fiscal_year if self.rows else None

    @property
    def last_year(self) -> int | None:
        return self.rows[-1].fiscal_year if self.rows else None


@dataclass(frozen=True)
class GuidanceYears:
    first_year: int
    last_year: int
    text: str


@dataclass(frozen=True)
class ReliabilityCounts:
    compacts: list[CompactReliability]
    total: YearRow
    unlocks: list[Unlock]
    guidance: list[GuidanceYears] = field(default_factory=list)

    @property
    def rule(self) -> list[tuple[str, str]]:
        return [(LABELS[level], text) for level, text in RULE]

    @property
    def rule_intro(self) -> str:
        return RULE_INTRO

    @property
    def rule_terms(self) -> str:
        return RULE_TERMS


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


def reliability_counts(compacts: list[Compact], fiscal_year: int,
                       data_as_of: dt.datetime) -> ReliabilityCounts:
    """The counts of every compact's fiscal years up to ``fiscal_year``, as of
    ``data_as_of``: each record as it stood then, judged late by the server time it was
    recorded; changes and unlocks from the history up to then. A fixed number of queries,
    whatever the number of compacts and records (one per year for the guidance)."""
    ids = [c.pk for c in compacts]
    years_of = {c.pk: [y for y in c.fiscal_years() if y <= fiscal_year] for c in compacts}
    tallies: dict[tuple[int, int], _Tally] = defaultdict(_Tally)

    def tally(compact_id: int, year: int | None) -> _Tally | None:
        return tallies[compact_id, year] if year in years_of.get(compact_id, ()) else None

    # Targets and results as they stood at the moment, by the time their figures were last
    # recorded.
    for kind, model, due in (("targets", Target, _targets_due), ("results", Result, _figures_due)):
        for pk, compact_id, year, recorded_at in _as_of(
                model, data_as_of, ("id", "indicator__compact_id", "fiscal_year", "recorded_at"),
                indicator__compact_id__in=ids):
            if (t := tally(compact_id, year)) is not None:
                t.on_file.add((kind, pk))
                if recorded_at >= due(year):
                    t.late.add((kind, pk))

    # Partner contributions as they stood: when recorded (``created_at``, the API's
    # ``recorded_at``) and whether verified, and by whom.
    for (pk, compact_id, year, recorded_at, verified, verifier, recorder,
         changer) in _as_of(Contribution, data_as_of,
                            ("id", "compact_id", "fiscal_year", "created_at", "verified",
                             "verified_by_id", "recorded_by_id", "value_changed_by_id"),
                            compact_id__in=ids):
        if (t := tally(compact_id, year)) is None:
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

    # Discussions at the year's dialogue: late for the year, and late for the dialogue.
    for pk, compact_id, year, recorded_at, held_on in _as_of(
            Discussion, data_as_of, ("id", "dialogue__compact_id", "dialogue__fiscal_year",
                                     "recorded_at", "dialogue__held_on"),
            dialogue__compact_id__in=ids):
        if (t := tally(compact_id, year)) is None:
            continue
        t.on_file.add(("discussions", pk))
        if recorded_at >= _figures_due(year):
            t.late.add(("discussions", pk))
        if held_on and recorded_at >= _after(
                held_on + dt.timedelta(days=DISCUSSION_RECORDED_WITHIN_DAYS)):
            t.discussions_late.add(pk)

    # The dialogue's record of what was discussed (held, sustainability, contributions): from
    # its history, a version after the window that changed it is a late entry.
    for row in (Dialogue.history.filter(compact_id__in=ids, fiscal_year__lte=fiscal_year,
                                        history_date__lte=data_as_of)
                .annotate(**_previous(*DIALOGUE_OUTCOME_FIELDS))
                .order_by("history_date", "history_id")
                .values("id", "compact_id", "fiscal_year", "history_date", "history_type",
                        *DIALOGUE_OUTCOME_FIELDS,
                        *(f"prev_{name}" for name in (*DIALOGUE_OUTCOME_FIELDS,
                                                      "history_id")))):
        if (t := tally(row["compact_id"], row["fiscal_year"])) is None:
            continue
        if row["history_type"] == "-":
            t.on_file.discard(("dialogues", row["id"]))
            continue
        t.on_file.add(("dialogues", row["id"]))
        changed = row["prev_history_id"] is None or any(
            row[name] != row[f"prev_{name}"] for name in DIALOGUE_OUTCOME_FIELDS)
        if changed and row["history_date"] >= _figures_due(row["fiscal_year"]):
            t.late.add(("dialogues", row["id"]))

    # Sustainability plan requests, in the fiscal year of the day typed for the request.
    for pk, compact_id, requested_on, requested_at in _as_of(
            SustainabilityPlan, data_as_of, ("id", "compact_id", "requested_on", "requested_at"),
            compact_id__in=ids):
        if requested_on is None or requested_at is None:
            continue
        year = fiscal_year_of(requested_on)
        if (t := tally(compact_id, year)) is not None:
            t.on_file.add(("plans", pk))
            if requested_at >= _figures_due(year):
                t.late.add(("plans", pk))

    # Approved results whose figures changed afterwards (or that were deleted).
    for row in (Result.history.filter(indicator__compact_id__in=ids,
                                      history_date__lte=data_as_of)
                .annotate(**_previous("status", *RESULT_FIGURE_FIELDS))
                .filter(prev_status=ResultStatus.APPROVED).order_by()
                .values("id", "indicator__compact_id", "history_type", *RESULT_FIGURE_FIELDS,
                        *(f"prev_{name}" for name in RESULT_FIGURE_FIELDS))):
        changed = row["history_type"] == "-" or any(
            row[name] != row[f"prev_{name}"] for name in RESULT_FIGURE_FIELDS)
        if changed and (t := tally(row["indicator__compact_id"],
                                   row["prev_fiscal_year"])) is not None:
            t.results_changed.add(row["id"])

    # Verified contributions whose figures or evidence changed afterwards (or deleted).
    for row in (Contribution.history.filter(compact_id__in=ids, history_date__lte=data_as_of)
                .annotate(**_previous("verified", *CONTRIBUTION_FIGURE_FIELDS))
                .filter(prev_verified=True).order_by()
                .values("id", "history_type", *CONTRIBUTION_FIGURE_FIELDS,
                        *(f"prev_{name}" for name in CONTRIBUTION_FIGURE_FIELDS))):
        changed = row["history_type"] == "-" or any(
            row[name] != row[f"prev_{name}"] for name in CONTRIBUTION_FIGURE_FIELDS)
        if changed and (t := tally(row["prev_compact_id"],
                                   row["prev_fiscal_year"])) is not None:
            t.contributions_changed.add(row["id"])

    # Unlocks: each version of a year's lock record that opened it.
    unlocks = []
    compact_of = {c.pk: c for c in compacts}
    for row in (FiscalYearLock.history.filter(compact_id__in=ids, fiscal_year__lte=fiscal_year,
                                              history_date__lte=data_as_of)
                .annotate(**_previous("state")).order_by("history_date", "history_id")
                .values("compact_id", "fiscal_year", "state", "prev_state", "reason",
                        "history_date", "changed_by__username")):
        if row["state"] != YearLockState.UNLOCKED or row["prev_state"] == YearLockState.UNLOCKED:
            continue
        if (t := tally(row["compact_id"], row["fiscal_year"])) is not None:
            t.unlocks += 1
            unlocks.append(Unlock(compact_of[row["compact_id"]], row["fiscal_year"],
                                  row["changed_by__username"] or "unknown",
                                  row["history_date"], row["reason"]))

    rows_of = []
    for compact in compacts:
        rows = []
        for year in years_of[compact.pk]:
            counts = tallies[compact.pk, year].counts() if (compact.pk, year) in tallies \
                else Counts()
            rows.append(YearRow(year, counts, judge(counts)))
        total = sum((r.counts for r in rows), Counts())
        rows_of.append(CompactReliability(compact, rows, YearRow(None, total, judge(total))))
    grand = sum((c.total.counts for c in rows_of), Counts())
    unlocks.sort(key=lambda u: (u.compact.country.name, u.fiscal_year, u.at))
    years = sorted({y for years in years_of.values() for y in years})
    return ReliabilityCounts(rows_of, YearRow(None, grand, judge(grand)), unlocks,
                             _guidance(years, data_as_of))


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
