"""Everything an oversight report shows, read in a fixed number of queries per report.

The report is not scoped to a user: who may request and download a report is decided when it
is requested and when it is downloaded (see ``selectors`` and ``services``). Call
:func:`report_content` inside :func:`services.snapshot` so that every query sees the same
data; ``data_as_of`` is the moment that snapshot was taken.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Prefetch, Q, Sum

from compacts.models import Award, Compact, Extension, GuidanceDocument, Objective, Pillar
from contributions.charts import funding_chart_svg
from contributions.models import Contribution, SustainabilityPlan
from contributions.selectors import FundingYear, funding_total, funding_years
from cpc.fiscal import fiscal_year_bounds
from dialogues.models import (
    ActionItemStatus,
    Dialogue,
    Participant,
    Side,
    TargetProposal,
    TargetProposalStatus,
)
from dialogues.selectors import agreed_target_count
from indicators import progress as indicator_progress
from indicators.charts import indicator_chart_svg
from indicators.models import Indicator, Result, ResultStatus, Target, Unit
from indicators.progress import Progress, progress_for_indicators, status_label
from oversight.compliance import (
    MET,
    NO_CONTRIBUTIONS,
    NOT_APPLICABLE,
    NOT_MET,
    TITLES,
    Check,
    ContributionFacts,
    compliance_for_compacts,
    contribution_facts,
)

from . import charts
from .models import ReportKind

TIMELINE_FIRST_YEAR, TIMELINE_LAST_YEAR = 2015, 2027
ZERO = Decimal("0.00")
CHECK_LABELS = {MET: "Met", NOT_MET: "Not met", NOT_APPLICABLE: "Not applicable"}


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
    """The partnership pillar's dollar indicators: what the partner government spends."""
    return indicator.pillar == Pillar.PARTNERSHIP and indicator.unit == Unit.USD


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

    @property
    def is_program(self) -> bool:
        return self.kind == ReportKind.PROGRAM_OVERSIGHT


def report_content(*, kind: str, fiscal_year: int, compact_id: int | None,
                   data_as_of: dt.datetime) -> ReportContent:
    """The whole report's data. ``data_as_of`` also fixes 'today' for the six checks, so a
    report rendered again from the same data and time is the same, byte for byte."""
    today = data_as_of.date()
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
    indicators_of = _indicators_by_compact(ids)
    dialogues_of = _dialogues_by_compact(ids, fiscal_year)
    recorded = _recorded_contributions(ids)
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
        funding = funding_years(compact, awards=compact.awards.all(),
                                recorded=recorded.get(compact.pk, {}))
        anchor = f"compact-{compact.pk}"
        plan = plans.get(compact.pk)
        sections.append(CompactSection(
            compact=compact,
            anchor=anchor,
            checks=checks_of[compact.pk],
            funding=funding,
            funding_chart="" if summary else _funding_chart(funding, compact, anchor),
            indicators=[r for r in rows if r.indicator.is_key] if summary else rows,
            other_indicators=sum(1 for r in rows if not r.indicator.is_key) if summary else 0,
            funding_shown=[f for f in funding if f.fiscal_year == fiscal_year] if summary
            else funding,
            key_charts=[] if summary else [
                (i, _indicator_chart(i, progress[i.pk].years, f"{anchor}-ind-{i.pk}"))
                for i in indicators if i.is_key
            ],
            dialogues=[_dialogue_row(d) for d in dialogues_of.get(compact.pk, [])
                       if not summary or d.fiscal_year == fiscal_year],
            plan=plan,
            measures=list(plan.measures.all()) if plan is not None else [],
        ))
    return sections


def _indicators_by_compact(ids: list[int]) -> dict[int, list[Indicator]]:
    indicators = Indicator.objects.filter(compact_id__in=ids).prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("fiscal_year")),
        Prefetch("results", queryset=Result.objects.filter(status=ResultStatus.APPROVED)
                 .order_by("fiscal_year")),
    ).order_by("compact_id", "-is_key", "code", "pk")
    grouped: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        grouped[indicator.compact_id].append(indicator)
    return grouped


def _dialogues_by_compact(ids: list[int], fiscal_year: int) -> dict[int, list[Dialogue]]:
    dialogues = (
        Dialogue.objects.filter(compact_id__in=ids, fiscal_year__lte=fiscal_year)
        .prefetch_related(
            Prefetch("participants", queryset=Participant.objects.order_by("side", "name")),
            Prefetch("key_indicators", queryset=Indicator.objects.order_by("code")),
            Prefetch("discussions__indicator"),
            "action_items",
            Prefetch("target_proposals", queryset=TargetProposal.objects.filter(
                status=TargetProposalStatus.ACCEPTED)),
            "targets_agreed",
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


def _recorded_contributions(ids: list[int]) -> dict[int, dict[int, Decimal]]:
    totals: dict[int, dict[int, Decimal]] = defaultdict(dict)
    rows = (Contribution.objects.filter(compact_id__in=ids).order_by()
            .values_list("compact_id", "fiscal_year").annotate(total=Sum("amount_usd")))
    for compact_id, fiscal_year, total in rows:
        totals[compact_id][fiscal_year] = total or ZERO
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
        worst = NOT_MET if not_met else (MET if met else NOT_APPLICABLE)
        summary.append(CheckSummary(number, title, met, not_met,
                                    statuses.count(NOT_APPLICABLE), worst))
    return summary


def _timeline_bars(fiscal_year: int) -> list[charts.TimelineBar]:
    first, last = fiscal_year_bounds(fiscal_year)
    compacts = (
        Compact.objects.with_current_end().select_related("country")
        .filter(start_date__isnull=False, end_date__isnull=False)
        .filter(~Q(status__in=["draft", "negotiating"]))
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
