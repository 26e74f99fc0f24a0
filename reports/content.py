"""Everything an oversight report shows, read in a fixed number of queries per report.

The report is not scoped to a user: who may request and download a report is decided when it
is requested and when it is downloaded (see ``selectors`` and ``services``). Call
:func:`report_content` inside :func:`services.snapshot` so that every query sees the same
data; ``data_as_of`` is the moment that snapshot was taken.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone

from compacts.models import Award, Compact, Extension, GuidanceDocument, Objective
from contributions.charts import funding_chart_svg
from contributions.models import Contribution, SustainabilityPlan
from contributions.selectors import (
    FundingYear,
    PartnerTotals,
    funding_total,
    funding_years,
    partner_totals,
)
from cpc.fiscal import fiscal_year_bounds
from cpc.i18n import in_english
from dialogues.models import (
    ActionItemStatus,
    Dialogue,
    Participant,
    Side,
    TargetProposal,
    TargetProposalStatus,
    TargetSetting,
)
from dialogues.selectors import agreed_target_count
from indicators import progress as indicator_progress
from indicators.charts import indicator_chart_svg
from indicators.models import Indicator, Result, ResultStatus, Target
from indicators.progress import Progress, progress_for_indicators, status_label
from oversight.compliance import (
    MET,
    NO_CONTRIBUTIONS,
    NOT_APPLICABLE,
    NOT_MET,
    PENDING,
    TITLES,
    Check,
    ContributionFacts,
    compliance_for_compacts,
    contribution_facts,
)

from . import charts
from .models import ReportKind
from .reliability import ReliabilityCounts, reliability_counts

TIMELINE_FIRST_YEAR, TIMELINE_LAST_YEAR = 2015, 2027
CHECK_LABELS = {MET: "Met", NOT_MET: "Not met", PENDING: "Pending",
                NOT_APPLICABLE: "Not applicable"}


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    year: Progress | None
    life: Progress | None

    @property
    def status_label(self) -> str:
        return status_label(self.year) if self.year else "Not tracked"


@dataclass(frozen=True)
class PartnerBudgetRow(IndicatorRow):
    """A partner-government budget indicator whose fiscal year has no contribution that
    check 5 counts: its status is not judged, and says why, so the report never reads
    "On track" for a partner budget beside "no partner contribution" in check 5."""

    note: str = ""

    @property
    def status_label(self) -> str:
        return self.note


JUDGED = (indicator_progress.ON_TRACK, indicator_progress.AT_RISK, indicator_progress.OFF_TRACK)


def is_partner_budget(indicator: Indicator) -> bool:
    return indicator.is_partner_budget


def _partner_budget_checked(row: IndicatorRow, facts: ContributionFacts,
                            fiscal_year: int) -> IndicatorRow:
    """The row as printed: a partner-budget status stands only on a contribution of the
    year that check 5 counts (a value, evidence and TIP staff verification)."""
    if (row.year is None or facts.counted or not is_partner_budget(row.indicator)
            or row.year.status not in JUDGED):
        return row
    why = ("no partner contribution is recorded" if not facts.recorded
           else "no recorded partner contribution has a value, evidence and verification")
    not_judged = replace(row.year, status=indicator_progress.NO_DATA)
    return PartnerBudgetRow(row.indicator, not_judged, row.life,
                            note=f"Not judged: {why} for FY{fiscal_year} (check 5)")


@dataclass(frozen=True)
class DialogueRow:
    dialogue: Dialogue
    participants_by_side: list[tuple[str, list[Participant]]]
    key_indicator_codes: list[str]
    identified_in_advance: bool
    discussed_codes: list[str]
    targets_agreed: int
    open_action_items: list


@dataclass
class CompactSection:
    compact: Compact
    anchor: str
    checks: list[Check]
    funding: list[FundingYear]
    funding_chart: str
    indicators: list[IndicatorRow]
    key_charts: list[tuple[Indicator, str]]
    dialogues: list[DialogueRow]
    plan: object | None = None
    measures: list = field(default_factory=list)
    # The program report lists key indicators and the report year's funding only; the
    # compact report of each compact has the full tables.
    other_indicators: int = 0
    funding_shown: list[FundingYear] = field(default_factory=list)
    progress: dict = field(default_factory=dict)  # indicator id -> IndicatorProgress
    contribution_facts: ContributionFacts = NO_CONTRIBUTIONS
    # A sample contribution up to the report's year (cpc/samples.py).
    contributions_sample: bool = False

    @property
    def funding_sample(self) -> bool:
        """Whether the funding picture adds up a sample figure: an award, the planned
        partner contribution or a recorded one (cpc/samples.py)."""
        return (self.compact.us_awarded_includes_sample or self.contributions_sample
                or self.compact.partner_contribution_planned_is_sample)

    @property
    def indicators_sample(self) -> bool:
        return any(row.indicator.shows_sample_figures for row in self.indicators)

    @property
    def checks_met(self) -> int:
        return sum(1 for c in self.checks if c.status == MET)

    def check_numbers(self, status: str) -> str:
        return ", ".join(str(c.recommendation) for c in self.checks if c.status == status)

    @property
    def met_numbers(self) -> str:
        return self.check_numbers(MET)

    @property
    def not_applicable_numbers(self) -> str:
        return self.check_numbers(NOT_APPLICABLE)

    @property
    def checks_pending(self) -> list[Check]:
        return [c for c in self.checks if c.status == PENDING]

    @property
    def checks_not_met(self) -> list[Check]:
        return [c for c in self.checks if c.status == NOT_MET]

    @property
    def checks_applicable(self) -> int:
        return sum(1 for c in self.checks if c.status != NOT_APPLICABLE)

    @property
    def funding_totals(self) -> FundingYear:
        return funding_total(self.funding)


@dataclass(frozen=True)
class CheckSummary:
    recommendation: int
    title: str
    met: int
    not_met: int
    not_applicable: int
    status: str  # for a compact report: that compact's status; for a program: the worst
    pending: int = 0


@dataclass
class ReportContent:
    kind: str
    fiscal_year: int
    data_as_of: dt.datetime
    today: dt.date
    title: str
    subject: str
    sections: list[CompactSection]
    check_summary: list[CheckSummary]
    guidance: GuidanceDocument | None
    timeline_svg: str = ""
    compacts_in_timeline: int = 0
    findings: list = field(default_factory=list)
    recommendations: list = field(default_factory=list)
    reliability: object | None = None
    changes: list = field(default_factory=list)
    compared: bool = False  # whether FY N-1 had anything to compare with
    detail_limit: int = 0
    figures: dict = field(default_factory=dict)

    @property
    def funding_sample(self) -> bool:
        return any(s.funding_sample for s in self.sections)

    @property
    def indicators_sample(self) -> bool:
        return any(s.indicators_sample for s in self.sections)

    @property
    def summary_only(self) -> bool:
        """Past the detail limit, the program report gives each compact one row of a summary
        table instead of a section of its own."""
        return self.is_program and len(self.sections) > self.detail_limit

    @property
    def is_program(self) -> bool:
        return self.kind == ReportKind.PROGRAM_OVERSIGHT

    @property
    def check5_threshold(self) -> int:
        return settings.CHECK5_MIN_USD


@in_english  # oversight reports stay in English
def report_content(*, kind: str, fiscal_year: int, compact_id: int | None,
                   data_as_of: dt.datetime) -> ReportContent:
    """The whole report's data. ``data_as_of`` also fixes 'today' for the six checks, so a
    report rendered again from the same data and time is the same, byte for byte."""
    today = timezone.localdate(data_as_of)  # the app's time zone, as the report prints it
    compacts = _compacts(kind=kind, fiscal_year=fiscal_year, compact_id=compact_id)
    sections = _sections(compacts, fiscal_year=fiscal_year, today=today,
                         summary=kind == ReportKind.PROGRAM_OVERSIGHT)
    guidance = GuidanceDocument.in_force_during(fiscal_year)  # the version check 4 reads
    if kind == ReportKind.PROGRAM_OVERSIGHT:
        title = f"Child Protection Compact Partnerships: Program Oversight, FY{fiscal_year}"
        subject = (f"Oversight of all {len(sections)} Child Protection Compact Partnerships "
                   f"active in fiscal year {fiscal_year} against GAO-23-105390's six "
                   "recommendations")
    else:
        compact = compacts[0]
        title = f"{compact.title}: Oversight Report, FY{fiscal_year}"
        subject = (f"Oversight of the {compact.country.name} Child Protection Compact "
                   f"Partnership in fiscal year {fiscal_year} against GAO-23-105390's six "
                   "recommendations")
    content = ReportContent(
        kind=kind, fiscal_year=fiscal_year, data_as_of=data_as_of, today=today, title=title,
        subject=subject, sections=sections, check_summary=_check_summary(sections),
        guidance=guidance,
    )
    from django.conf import settings

    from oversight.models import ACTION_ORDER, GaoAgencyAction, GaoRecommendation

    content.detail_limit = settings.REPORTS_PROGRAM_DETAIL_LIMIT
    content.recommendations = list(GaoRecommendation.objects.prefetch_related(
        Prefetch("actions", queryset=GaoAgencyAction.objects.order_by(*ACTION_ORDER))))
    content.findings = findings(sections, fiscal_year,
                                {s.compact.pk: s.contribution_facts for s in sections},
                                content.recommendations)
    content.reliability = reliability([s.compact for s in sections], fiscal_year,
                                      data_as_of)
    progress_of = {pk: p for s in sections for pk, p in s.progress.items()}
    content.compared = any(s.compact.is_active_in(fiscal_year - 1) for s in sections)
    content.changes = changes_since_last_year(sections, fiscal_year, today, progress_of)
    content.figures = _figures(content)
    if kind == ReportKind.PROGRAM_OVERSIGHT:
        bars = _timeline_bars(fiscal_year)
        content.compacts_in_timeline = len(bars)
        content.timeline_svg = charts.timeline_svg(
            chart_id="timeline",
            title=f"Child Protection Compact Partnerships, {TIMELINE_FIRST_YEAR} to "
                  f"{TIMELINE_LAST_YEAR}",
            bars=bars, first_year=TIMELINE_FIRST_YEAR, last_year=TIMELINE_LAST_YEAR,
        )
    return content


def _compacts(*, kind: str, fiscal_year: int, compact_id: int | None) -> list[Compact]:
    queryset = Compact.objects.with_current_end().select_related("country").prefetch_related(
        Prefetch("extensions", queryset=Extension.objects.order_by("new_end_date")),
        Prefetch("awards", queryset=Award.objects.select_related("implementer")
                 .order_by("start_date", "award_number")),
        Prefetch("objectives", queryset=Objective.objects.order_by("position", "pk")),
    )
    if kind == ReportKind.COMPACT_OVERSIGHT:
        queryset = queryset.filter(pk=compact_id)
    else:
        first, last = fiscal_year_bounds(fiscal_year)
        queryset = queryset.filter(start_date__lte=last, current_end__gte=first)
    compacts = list(queryset.order_by("country__iso_code", "start_date", "pk"))
    # Sort by the country's name as printed (the ISO code orders differently).
    compacts.sort(key=lambda c: (c.country.name, c.start_date or dt.date.min, c.pk))
    return compacts


def _sections(compacts: list[Compact], *, fiscal_year: int, today: dt.date,
              summary: bool = False) -> list[CompactSection]:
    """One section per compact. ``summary`` (the program report) keeps each section short:
    one chart of the key indicators' percent of target and the year's dialogue only, so that
    a portfolio of 30 compacts stays a readable (and quickly rendered) document."""
    ids = [c.pk for c in compacts]
    if not ids:
        return []
    # The program report prints key indicators only: it reads no other, and counts the rest.
    indicators_of = _indicators_by_compact(ids, key_only=summary)
    others = _other_indicator_counts(ids) if summary else {}
    # The program report prints the year's dialogue only: it reads no other.
    dialogues_of = _dialogues_by_compact(ids, fiscal_year, only_the_year=summary)
    recorded = _recorded_contributions(ids)
    sample_contributions = set(
        Contribution.objects.filter(compact_id__in=ids, fiscal_year__lte=fiscal_year,
                                    is_sample=True)
        .order_by().values_list("compact_id", flat=True).distinct())
    plans = _plans(ids)
    checks_of = compliance_for_compacts(compacts, fiscal_year=fiscal_year, today=today)
    facts = contribution_facts(ids, fiscal_year)  # check 5's facts, for partner budgets
    sections = []
    for compact in compacts:
        years = compact.fiscal_years()
        indicators = indicators_of.get(compact.pk, [])
        for indicator in indicators:
            indicator.compact = compact  # shares the prefetched extensions
        progress = progress_for_indicators(indicators, fiscal_years=years, today=today)
        rows = [IndicatorRow(i, progress[i.pk].for_year(fiscal_year),
                             progress[i.pk].life_of_compact) for i in indicators]
        rows = [_partner_budget_checked(r, facts.get(compact.pk, NO_CONTRIBUTIONS),
                                        fiscal_year) for r in rows]
        # Nothing after the report's year: a FY2025 report shows no FY2026 figures.
        funding = [f for f in funding_years(compact, awards=compact.awards.all(),
                                            recorded=recorded.get(compact.pk, {}))
                   if f.fiscal_year <= fiscal_year]
        anchor = f"compact-{compact.pk}"
        plan = plans.get(compact.pk)
        sections.append(CompactSection(
            compact=compact,
            anchor=anchor,
            checks=checks_of[compact.pk],
            funding=funding,
            funding_chart="" if summary else _funding_chart(funding, compact, anchor),
            indicators=[r for r in rows if r.indicator.is_key] if summary else rows,
            other_indicators=others.get(compact.pk, 0),
            funding_shown=[f for f in funding if f.fiscal_year == fiscal_year] if summary
            else funding,
            key_charts=[] if summary else [
                (i, _indicator_chart(i, [p for p in progress[i.pk].years
                                         if p.fiscal_year <= fiscal_year],
                                        f"{anchor}-ind-{i.pk}"))
                for i in indicators if i.is_key
            ],
            dialogues=[_dialogue_row(d) for d in dialogues_of.get(compact.pk, [])
                       if not summary or d.fiscal_year == fiscal_year],
            plan=plan,
            measures=list(plan.measures.all()) if plan is not None else [],
            progress=progress,
            contribution_facts=facts.get(compact.pk, NO_CONTRIBUTIONS),
            contributions_sample=compact.pk in sample_contributions,
        ))
    return sections


def _other_indicator_counts(ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    return dict(Indicator.objects.filter(compact_id__in=ids, is_key=False).order_by()
                .values_list("compact_id").annotate(n=Count("pk")))


def _indicators_by_compact(ids: list[int], key_only: bool = False) -> dict[int, list[Indicator]]:
    indicators = Indicator.objects.filter(compact_id__in=ids)
    if key_only:
        indicators = indicators.filter(is_key=True)
    indicators = indicators.prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("fiscal_year")),
        Prefetch("results", queryset=Result.objects.filter(status=ResultStatus.APPROVED)
                 .order_by("fiscal_year")),
    ).order_by("compact_id", "-is_key", "code", "pk")
    grouped: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        grouped[indicator.compact_id].append(indicator)
    return grouped


def _dialogues_by_compact(ids: list[int], fiscal_year: int,
                          only_the_year: bool = False) -> dict[int, list[Dialogue]]:
    years = {"fiscal_year": fiscal_year} if only_the_year else {"fiscal_year__lte": fiscal_year}
    dialogues = (
        Dialogue.objects.filter(compact_id__in=ids, **years)
        .prefetch_related(
            Prefetch("participants", queryset=Participant.objects.order_by("side", "name")),
            Prefetch("key_indicators", queryset=Indicator.objects.order_by("code")),
            Prefetch("discussions__indicator"),
            "action_items",
            Prefetch("target_proposals", queryset=TargetProposal.objects.filter(
                status=TargetProposalStatus.ACCEPTED)),
            Prefetch("target_settings",
                     queryset=TargetSetting.objects.select_related("target")),
        )
        .order_by("compact_id", "fiscal_year", "scheduled_for", "pk")
    )
    grouped: dict[int, list[Dialogue]] = defaultdict(list)
    for dialogue in dialogues:
        grouped[dialogue.compact_id].append(dialogue)
    return grouped


def _dialogue_row(dialogue: Dialogue) -> DialogueRow:
    sides = dict(Side.choices)
    by_side: dict[str, list[Participant]] = {}
    for participant in dialogue.participants.all():
        by_side.setdefault(sides.get(participant.side, participant.side), []).append(participant)
    keys = [i.code for i in dialogue.key_indicators.all()]
    meeting = dialogue.held_on or dialogue.scheduled_for
    identified = dialogue.key_indicators_identified_on
    shared = dialogue.key_indicators_shared_on
    return DialogueRow(
        dialogue=dialogue,
        participants_by_side=list(by_side.items()),
        key_indicator_codes=keys,
        # As check 1 has it: identified, and shared with the partner by a recorded channel,
        # both before the dialogue's day.
        identified_in_advance=bool(
            keys and identified and meeting and identified < meeting
            and shared and dialogue.key_indicators_shared_via and shared < meeting),
        discussed_codes=sorted({d.indicator.code for d in dialogue.discussions.all()}),
        targets_agreed=agreed_target_count(dialogue),
        open_action_items=[a for a in dialogue.action_items.all()
                           if a.status == ActionItemStatus.OPEN],
    )


def _recorded_contributions(ids: list[int]) -> dict[int, dict[int, PartnerTotals]]:
    totals: dict[int, dict[int, PartnerTotals]] = defaultdict(dict)
    for (compact_id, fiscal_year), partner in partner_totals(
            Contribution.objects.filter(compact_id__in=ids)).items():
        totals[compact_id][fiscal_year] = partner
    return totals


def _plans(ids: list[int]) -> dict[int, SustainabilityPlan]:
    queryset = SustainabilityPlan.objects.filter(compact_id__in=ids).prefetch_related("measures")
    return {plan.compact_id: plan for plan in queryset}


def _funding_chart(funding: list[FundingYear], compact: Compact, anchor: str) -> str:
    # The chart of the contributions page, so the PDF shows what the web page shows.
    return funding_chart_svg(
        funding, title=f"{compact.country.name}: U.S. awards and partner contributions by "
                       "fiscal year", width=720, height=260, chart_id=f"{anchor}-funding")


def _indicator_chart(indicator: Indicator, years: list[Progress], chart_id: str) -> str:
    # The chart of the indicators page, so the PDF shows what the web page shows.
    return indicator_chart_svg(
        years, title=f"{indicator.code} {indicator.name}", unit=indicator.unit,
        direction=indicator.direction, cumulation=indicator.cumulation, chart_id=chart_id)


def _check_summary(sections: list[CompactSection]) -> list[CheckSummary]:
    summary = []
    for number, title in TITLES.items():
        statuses = [s.checks[number - 1].status for s in sections]
        met, not_met = statuses.count(MET), statuses.count(NOT_MET)
        pending = statuses.count(PENDING)
        worst = (NOT_MET if not_met else PENDING if pending else MET if met
                 else NOT_APPLICABLE)
        summary.append(CheckSummary(number, title, met, not_met,
                                    statuses.count(NOT_APPLICABLE), worst, pending=pending))
    return summary


def _timeline_bars(fiscal_year: int) -> list[charts.TimelineBar]:
    first, last = fiscal_year_bounds(fiscal_year)
    compacts = (
        Compact.objects.with_current_end().select_related("country")
        .filter(start_date__isnull=False, end_date__isnull=False)
        .filter(~Q(status__in=["draft", "negotiating"]), start_date__lte=last)
        .order_by("start_date", "country__iso_code", "pk")
    )
    return [
        charts.TimelineBar(
            label=c.country.name, start=c.start_date, end=c.current_end,
            original_end=c.end_date,
            highlighted=c.start_date <= last and c.current_end >= first,
        )
        for c in compacts
    ]


# --- The GAO product: findings, recommendation record, reliability, change since last year --

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


@dataclass(frozen=True)
class Reliability:
    approved: int
    submitted: int
    returned: int
    counts: ReliabilityCounts

    @property
    def results(self) -> int:
        return self.approved + self.submitted + self.returned

    def share(self, count: int) -> str:
        return f"{count / self.results:.0%}" if self.results else "—"


def reliability(compacts: list[Compact], fiscal_year: int,
                data_as_of: dt.datetime) -> Reliability:
    """Shares of results by review status, and the counts of each compact's years that the
    conclusion follows from (``reports.reliability``)."""
    from django.db.models import Count

    counts = dict(Result.objects.filter(indicator__compact__in=compacts,
                                        fiscal_year__lte=fiscal_year).order_by()
                  .values_list("status").annotate(n=Count("pk")))
    return Reliability(counts.get(ResultStatus.APPROVED, 0),
                       counts.get(ResultStatus.SUBMITTED, 0),
                       counts.get(ResultStatus.RETURNED, 0),
                       reliability_counts(compacts, fiscal_year, data_as_of))


def portfolio_funding(sections: list[CompactSection], fiscal_year: int) -> list[FundingYear]:
    """U.S. awards and partner contributions of all the report's compacts, by fiscal year, up
    to the report's year (each year added up as ``funding_total`` adds a compact's years)."""
    by_year: dict[int, list[FundingYear]] = defaultdict(list)
    for section in sections:
        for year in section.funding:
            if year.fiscal_year <= fiscal_year:
                by_year[year.fiscal_year].append(year)
    return [replace(funding_total(ys), fiscal_year=fy) for fy, ys in sorted(by_year.items())]


MULTIPLE_YEARS = 4  # the key-indicator panels cover the report's year and three before it


def key_indicator_status_by_year(sections: list[CompactSection],
                                 fiscal_year: int) -> list[tuple[str, dict[str, int]]]:
    panels = []
    for year in range(fiscal_year - MULTIPLE_YEARS + 1, fiscal_year + 1):
        counts: dict[str, int] = defaultdict(int)
        for section in sections:
            for row in section.indicators:
                if not row.indicator.is_key:
                    continue
                progress = section.progress.get(row.indicator.pk)
                point = progress.for_year(year) if progress else None
                if point is None:
                    continue
                status = point.status if point.status in JUDGED else "other"
                counts[status] += 1
        panels.append((f"FY{year}", dict(counts)))
    return panels


def _figures(content: ReportContent) -> dict[str, str]:
    """The report's figures (SVG), every one limited to data up to the report's year."""
    fy, sections = content.fiscal_year, content.sections
    return {
        "heat_map": charts.heat_map_svg(
            chart_id="fig-heat", title=f"The six checks by compact, FY{fy}",
            rows=[(s.compact.country.name, [c.status for c in s.checks]) for s in sections]),
        "funding": funding_chart_svg(
            portfolio_funding(sections, fy), width=720, height=260, chart_id="fig-funding",
            title=f"U.S. awards and partner contributions by fiscal year, to FY{fy}"),
        "multiples": charts.status_multiples_svg(
            chart_id="fig-multiples", title=f"Key indicators by status, FY{fy - 3} to FY{fy}",
            panels=key_indicator_status_by_year(sections, fy)),
    }
