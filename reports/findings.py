"""The GAO product of a report: a finding for each recommendation (what was met, what was
not and the records each check stood on), and what changed since the year before."""

import datetime as dt
from dataclasses import dataclass, field

from compacts.models import Compact
from indicators.progress import status_label
from oversight.compliance import (
    MET,
    NO_CONTRIBUTIONS,
    NOT_APPLICABLE,
    NOT_MET,
    PENDING,
    TITLES,
    ContributionFacts,
    compliance_for_compacts,
)

from .sections import CompactSection

CHECK_LABELS = {MET: "Met", NOT_MET: "Not met", PENDING: "Pending",
                NOT_APPLICABLE: "Not applicable"}

# What GAO said follows when each recommendation is not met (the "effect" of a finding).
EFFECTS = {
    1: "Without key indicators identified and shared ahead of the dialogue, partners cannot "
       "prepare data on them, and the dialogue cannot hold them to account.",
    2: "Without indicator data discussed, the dialogue cannot tell whether the partnership is "
       "making progress or what to change.",
    3: "Without annual targets, results cannot be judged against what was expected, and "
       "progress cannot be assessed.",
    4: "Without guidance that references targets, setting them depends on individual staff "
       "and may not be sustained.",
    5: "Without tracking partner-government contributions, State cannot tell whether the "
       "partner is sharing the cost and building capacity to continue.",
    6: "Without discussing sustainability and securing a plan, the gains of the partnership "
       "may not last after U.S. funding ends.",
}


@dataclass(frozen=True)
class FindingRow:
    compact: Compact
    anchor: str
    detail: str
    evidence: str


@dataclass(frozen=True)
class Finding:
    number: int
    title: str
    criterion: str
    effect: str
    met: list[str]
    not_met: list[FindingRow]
    not_applicable: int
    cause: str = ""
    pending: list[FindingRow] = field(default_factory=list)


def _evidence(section: CompactSection, number: int, fiscal_year: int,
              facts: ContributionFacts) -> str:
    """The records a check stood on, as dates and counts, so the reader can trace it."""
    dialogue = next((r.dialogue for r in section.dialogues if r.dialogue.fiscal_year
                     == fiscal_year), None)
    if number in (1, 2, 6) and dialogue is None:
        return f"No FY{fiscal_year} dialogue on record."
    if number == 1:
        return (f"Dialogue {_day(dialogue.held_on or dialogue.scheduled_for)} "
                f"({dialogue.get_status_display().lower()}); key indicators identified "
                f"{_day(dialogue.key_indicators_identified_on)}, shared "
                f"{_day(dialogue.key_indicators_shared_on)}.")
    if number == 2:
        row = next(r for r in section.dialogues if r.dialogue is dialogue)
        return (f"Dialogue held {_day(dialogue.held_on)}; discussed: "
                f"{', '.join(row.discussed_codes) or 'none'}; key: "
                f"{', '.join(row.key_indicator_codes) or 'none'}.")
    if number == 3:
        # The check's own count (every indicator tracked in the year, targets recorded in
        # time), never a count of the rows a summary table happens to show.
        return section.checks[2].detail
    if number == 5:
        return (f"{facts.recorded} contribution(s) recorded for FY{fiscal_year}: "
                f"{facts.counted} verified with evidence and a value, {facts.not_verified} "
                f"not verified, {facts.without_evidence} without evidence.")
    if number == 6:
        plan = section.plan
        plan_text = ("no plan on record" if plan is None else
                     f"plan {plan.get_status_display().lower()}, requested "
                     f"{_day(plan.requested_on)}, due {_day(plan.due_on)}, received "
                     f"{_day(plan.received_on)}")
        talked = "recorded" if dialogue.sustainability_discussed else "not recorded"
        return f"Sustainability discussion {talked}; {plan_text}."
    return "The guidance record named under what is missing."


def _day(day) -> str:
    return day.isoformat() if day else "not recorded"


def findings(sections: list[CompactSection], fiscal_year: int,
             facts: dict[int, ContributionFacts],
             recommendations: list) -> list[Finding]:
    from oversight.compliance import CRITERIA

    # The record's own words on why a recommendation is still open: the cause where recorded.
    causes = {r.number: r.status_note for r in recommendations if r.status == "open"}
    result = []
    for number, title in TITLES.items():
        met, not_met, pending, na = [], [], [], 0
        for section in sections:
            check = section.checks[number - 1]
            if check.status == MET:
                met.append(section.compact.country.name)
            elif check.status in (NOT_MET, PENDING):
                row = FindingRow(section.compact, section.anchor, check.detail,
                                 _evidence(section, number, fiscal_year,
                                           facts.get(section.compact.pk, NO_CONTRIBUTIONS)))
                (not_met if check.status == NOT_MET else pending).append(row)
            else:
                na += 1
        result.append(Finding(number, title, CRITERIA[number], EFFECTS[number], met, not_met,
                              na, cause=causes.get(number, ""), pending=pending))
    return result


@dataclass(frozen=True)
class Change:
    compact: str
    what: str
    before: str
    after: str


def changes_since_last_year(sections: list[CompactSection], fiscal_year: int,
                            today: dt.date, progress_of: dict) -> list[Change]:
    """Checks that flipped and key indicators whose status moved, FY N-1 to FY N."""
    previous = fiscal_year - 1
    compacts = [s.compact for s in sections if s.compact.is_active_in(previous)]
    before = compliance_for_compacts(compacts, fiscal_year=previous, today=today)
    changes = []
    for section in sections:
        name = section.compact.country.name
        for check in section.checks:
            old = before.get(section.compact.pk)
            if old is None:
                continue
            was = old[check.recommendation - 1].status
            if was != check.status:
                changes.append(Change(name, f"Check {check.recommendation}: {check.title}",
                                      CHECK_LABELS[was], CHECK_LABELS[check.status]))
        for row in section.indicators:
            if not row.indicator.is_key or row.year is None:
                continue
            prior = progress_of.get(row.indicator.pk)
            prior = prior.for_year(previous) if prior else None
            if prior is not None and prior.status != row.year.status:
                changes.append(Change(name, f"Indicator {row.indicator.code}",
                                      status_label(prior), row.status_label))
    return changes
