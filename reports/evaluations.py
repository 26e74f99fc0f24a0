"""The evaluations a report names: each compact's baseline, midline, endline and prevalence
studies whose fieldwork began by the end of the report's fiscal year (one query, their
implementers and indicators prefetched). Findings count only once published by then: the
report shows no later figure."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q

from cpc.fiscal import fiscal_year_bounds
from indicators.models import Evaluation, Indicator


@dataclass(frozen=True)
class ReportEvaluation:
    evaluation: Evaluation
    published: bool  # published by the end of the report's fiscal year

    @property
    def indicator_codes(self) -> str:
        return ", ".join(indicator.code for indicator in self.evaluation.indicators.all())


def report_evaluations(compacts, fiscal_year: int) -> list[ReportEvaluation]:
    last_day = fiscal_year_bounds(fiscal_year)[1]
    rows = (Evaluation.objects.filter(compact__in=[c.pk for c in compacts])
            .filter(Q(fieldwork_start__lte=last_day)
                    | Q(fieldwork_start__isnull=True, published_on__lte=last_day))
            .select_related("implementer", "compact__country")
            .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("code")))
            .order_by("compact__country__iso_code", "fieldwork_start", "pk"))
    return [ReportEvaluation(row, bool(row.published_on and row.published_on <= last_day))
            for row in rows]
