"""The report's section of each compact: the six checks, funding, indicators, dialogues and
sustainability plan, read for all the report's compacts at once (a fixed number of queries
whatever their number) and laid out one compact at a time."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import Prefetch

from compacts.models import Compact
from contributions.charts import funding_chart_svg
from contributions.models import Contribution, SustainabilityPlan
from contributions.selectors import (
    FundingYear,
    PartnerTotals,
    funding_total,
    funding_years,
    partner_totals,
)
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
    Check,
    ContributionFacts,
    compliance_for_compacts,
    contribution_facts,
)

from . import finance_section


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
    finances: object = None  # compacts.finances.CompactFinances (reports/finance_section.py)

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
class _Portfolio:
    """What every section reads, fetched once for all the report's compacts."""

    indicators: dict[int, list[Indicator]]
    other_indicators: dict[int, int]
    dialogues: dict[int, list[Dialogue]]
    recorded: dict[int, dict[int, PartnerTotals]]
    sample_contributions: set[int]
    plans: dict[int, SustainabilityPlan]
    checks: dict[int, list[Check]]
    facts: dict[int, ContributionFacts]


def _read_portfolio(compacts: list[Compact], *, fiscal_year: int, today: dt.date,
                    summary: bool) -> _Portfolio:
    ids = [c.pk for c in compacts]
    # The program report prints key indicators only: it reads no other, and counts the rest.
    indicators = _indicators_by_compact(ids, key_only=summary)
    others = _other_indicator_counts(ids) if summary else {}
    # The program report prints the year's dialogue only: it reads no other.
    dialogues = _dialogues_by_compact(ids, fiscal_year, only_the_year=summary)
    recorded = _recorded_contributions(ids)
    sample_contributions = set(
        Contribution.objects.filter(compact_id__in=ids, fiscal_year__lte=fiscal_year,
                                    is_sample=True)
        .order_by().values_list("compact_id", flat=True).distinct())
    plans = _plans(ids)
    checks = compliance_for_compacts(compacts, fiscal_year=fiscal_year, today=today)
    facts = contribution_facts(ids, fiscal_year)  # check 5's facts, for partner budgets
    return _Portfolio(indicators, others, dialogues, recorded, sample_contributions, plans,
                      checks, facts)


def compact_sections(compacts: list[Compact], *, fiscal_year: int, today: dt.date,
                     summary: bool = False) -> list[CompactSection]:
    """One section per compact. ``summary`` (the program report) keeps each section short:
    one chart of the key indicators' percent of target and the year's dialogue only, so that
    a portfolio of 30 compacts stays a readable (and quickly rendered) document."""
    if not compacts:
        return []
    portfolio = _read_portfolio(compacts, fiscal_year=fiscal_year, today=today,
                                summary=summary)
    sections = [_section(compact, portfolio, fiscal_year=fiscal_year, today=today,
                         summary=summary) for compact in compacts]
    finance_section.attach(sections, fiscal_year=fiscal_year, today=today)
    return sections


def _section(compact: Compact, portfolio: _Portfolio, *, fiscal_year: int, today: dt.date,
             summary: bool) -> CompactSection:
    indicators = portfolio.indicators.get(compact.pk, [])
    for indicator in indicators:
        indicator.compact = compact  # shares the prefetched extensions
    progress = progress_for_indicators(indicators, fiscal_years=compact.fiscal_years(),
                                       today=today)
    facts = portfolio.facts.get(compact.pk, NO_CONTRIBUTIONS)
    rows = [_partner_budget_checked(
        IndicatorRow(i, progress[i.pk].for_year(fiscal_year), progress[i.pk].life_of_compact),
        facts, fiscal_year) for i in indicators]
    # Nothing after the report's year: a FY2025 report shows no FY2026 figures.
    funding = [f for f in funding_years(compact, awards=compact.awards.all(),
                                        recorded=portfolio.recorded.get(compact.pk, {}))
               if f.fiscal_year <= fiscal_year]
    anchor = f"compact-{compact.pk}"
    plan = portfolio.plans.get(compact.pk)
    shown = (_summary_shown if summary else _full_shown)(
        compact, anchor, rows, funding, progress, fiscal_year)
    return CompactSection(
        compact=compact,
        anchor=anchor,
        checks=portfolio.checks[compact.pk],
        funding=funding,
        other_indicators=portfolio.other_indicators.get(compact.pk, 0),
        dialogues=[_dialogue_row(d) for d in portfolio.dialogues.get(compact.pk, [])
                   if not summary or d.fiscal_year == fiscal_year],
        plan=plan,
        measures=list(plan.measures.all()) if plan is not None else [],
        progress=progress,
        contribution_facts=facts,
        contributions_sample=compact.pk in portfolio.sample_contributions,
        **shown,
    )


def _summary_shown(compact, anchor, rows, funding, progress, fiscal_year) -> dict:
    """The program report's short section: key indicators and the year's funding, no
    charts of its own."""
    return {"funding_chart": "", "indicators": [r for r in rows if r.indicator.is_key],
            "funding_shown": [f for f in funding if f.fiscal_year == fiscal_year],
            "key_charts": []}


def _full_shown(compact, anchor, rows, funding, progress, fiscal_year) -> dict:
    """The compact report's section: every indicator, every year's funding, and a chart of
    funding and of each key indicator up to the report's year."""
    funding_chart = _funding_chart(funding, compact, anchor)
    key_charts = [
        (row.indicator, _indicator_chart(
            row.indicator, [p for p in progress[row.indicator.pk].years
                            if p.fiscal_year <= fiscal_year],
            f"{anchor}-ind-{row.indicator.pk}"))
        for row in rows if row.indicator.is_key
    ]
    return {"funding_chart": funding_chart, "indicators": rows, "funding_shown": funding,
            "key_charts": key_charts}


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
