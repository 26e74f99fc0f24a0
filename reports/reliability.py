"""Data reliability: what the report's data-reliability section counts for each compact and
fiscal year, and the one rule that turns those counts into its conclusion.

The counts (read by :func:`reports.record_counts.reliability_counts`), as of the report's
data-as-of time: each record as it stood then (its latest version in the change history up
to that moment), and the change history up to it.

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
from dataclasses import dataclass, field, fields
from decimal import Decimal

from compacts.models import Compact
from dialogues.models import DIALOGUE_DAYS_AFTER_FISCAL_YEAR
from oversight.compliance import DISCUSSION_RECORDED_WITHIN_DAYS

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
