"""Everything an oversight report shows, read in a fixed number of queries per report.

The report is not scoped to a user: who may request and download a report is decided when it
is requested and when it is downloaded (see ``selectors`` and ``services``). Call
:func:`report_content` inside :func:`services.snapshot` so that every query sees the same
data; ``data_as_of`` is the moment that snapshot was taken.

The parts: each compact's section (:mod:`reports.sections`), the findings and the changes
since the year before (:mod:`reports.findings`), the data-reliability counts
(:mod:`reports.record_counts`) and the rule that judges them (:mod:`reports.reliability`).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone

from compacts.models import Award, Compact, Extension, GuidanceDocument, Objective
from contributions.charts import funding_chart_svg
from contributions.selectors import FundingYear, funding_total
from cpc.i18n import in_english
from indicators.models import Result, ResultStatus
from oversight.compliance import MET, NOT_APPLICABLE, NOT_MET, PENDING, TITLES

from . import charts
from .evaluations import report_evaluations
from .findings import changes_since_last_year, findings
from .models import ReportKind
from .pledges import pledge_sections
from .record_counts import reliability_counts
from .reliability import ReliabilityCounts
from .sections import JUDGED, CompactSection, compact_sections

TIMELINE_FIRST_YEAR, TIMELINE_LAST_YEAR = 2015, 2027


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
    evaluations: list = field(default_factory=list)  # reports.evaluations.ReportEvaluation
    pledges: dict = field(default_factory=dict)  # compact id -> reports.pledges.PledgeSection

    @property
    def funding_sample(self) -> bool:
        return any(s.funding_sample for s in self.sections)

    @property
    def indicators_sample(self) -> bool:
        return any(s.indicators_sample for s in self.sections)

    @property
    def evaluations_sample(self) -> bool:
        return any(row.evaluation.is_sample for row in self.evaluations)

    @property
    def evaluations_published(self) -> bool:
        return any(row.published for row in self.evaluations)

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
    sections = compact_sections(compacts, fiscal_year=fiscal_year, today=today,
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
    content.evaluations = report_evaluations([s.compact for s in sections], fiscal_year)
    content.reliability = reliability([s.compact for s in sections], fiscal_year,
                                      data_as_of)
    progress_of = {pk: p for s in sections for pk, p in s.progress.items()}
    content.compared = any(s.compact.is_active_in(fiscal_year - 1) for s in sections)
    content.changes = changes_since_last_year(sections, fiscal_year, today, progress_of)
    content.figures = _figures(content)
    content.pledges = pledge_sections(sections, fiscal_year, year_only=content.is_program)
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
        queryset = queryset.active_in(fiscal_year)
    compacts = list(queryset.order_by("country__iso_code", "start_date", "pk"))
    # Sort by the country's name as printed (the ISO code orders differently).
    compacts.sort(key=lambda c: (c.country.name, c.start_date or dt.date.min, c.pk))
    return compacts


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
    # Every compact that began by the end of the year, highlighted when active in it.
    compacts = (
        Compact.objects.with_current_end().select_related("country")
        .filter(start_date__isnull=False, end_date__isnull=False)
        .filter(~Q(status__in=["draft", "negotiating"])).started_by(fiscal_year)
        .order_by("start_date", "country__iso_code", "pk")
    )
    return [
        charts.TimelineBar(
            label=c.country.name, start=c.start_date, end=c.current_end,
            original_end=c.end_date,
            highlighted=c.is_active_in(fiscal_year),
        )
        for c in compacts
    ]


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
    conclusion follows from (``reports.record_counts``, judged by ``reports.reliability``)."""
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
