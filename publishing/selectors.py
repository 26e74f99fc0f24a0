"""The compacts the IATI file publishes, scoped to the reader and prefetched."""

from django.db.models import DateTimeField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Greatest

from compacts.finances import year_rows
from compacts.models import (
    Award,
    AwardFinance,
    Compact,
    CompactDocument,
    Extension,
    Implementer,
    Objective,
    PartnerCountry,
)
from compacts.selectors import compact_list
from indicators.models import Indicator, Result, ResultStatus, Target
from indicators.selectors import indicators_with_progress_data


def _latest_change(model, **lookups) -> Subquery:
    """The time of the latest history row of ``model`` matching ``lookups`` (each relative to
    the compact, ``OuterRef``), a creation, a change or a deletion."""
    rows = (model.history.model.objects.filter(**lookups).order_by("-history_date")
            .values("history_date")[:1])
    return Subquery(rows, output_field=DateTimeField())


def _compact(path: str = "pk") -> OuterRef:
    return OuterRef(path)


def last_updated_expression() -> Greatest:
    """When the compact, or a record its activity publishes, last changed: the latest history
    row of the compact, its country, extensions, objectives, awards and their implementers and
    finances, its document, indicators, targets and approved results (a result's history row
    while approved: its approval, a correction, its deletion). One subquery each, within the
    compacts' own query: no query per compact. PostgreSQL's GREATEST skips the empty ones."""
    implementers = Award.objects.filter(compact=_compact()).values("implementer_id")
    return Greatest(
        _latest_change(Compact, id=_compact()),
        _latest_change(PartnerCountry, id=_compact("country_id")),
        _latest_change(Extension, compact_id=_compact()),
        _latest_change(Objective, compact_id=_compact()),
        _latest_change(Award, compact_id=_compact()),
        _latest_change(Implementer, id__in=implementers),
        _latest_change(AwardFinance, award__compact_id=_compact()),
        _latest_change(CompactDocument, compact_id=_compact()),
        _latest_change(Indicator, compact_id=_compact()),
        _latest_change(Target, indicator__compact_id=_compact()),
        _latest_change(Result, indicator__compact_id=_compact(), status=ResultStatus.APPROVED),
    )


def iati_compact_list(*, user) -> QuerySet[Compact]:
    """The compacts the user may see that can be IATI activities: those with a start date
    (an activity needs a start; a compact still in negotiation without dates is left out).
    Everything the file writes is prefetched: a constant number of queries whatever the
    number of compacts. Results are the approved ones only."""
    return (
        compact_list(user=user)
        .filter(start_date__isnull=False)
        .select_related("document")
        .annotate(iati_last_updated=last_updated_expression())
        .prefetch_related(
            Prefetch("extensions", queryset=Extension.objects.order_by("new_end_date")),
            Prefetch("awards", queryset=Award.objects.select_related("implementer")
                     .order_by("start_date", "award_number")
                     .prefetch_related(Prefetch("finances", queryset=year_rows()))),
            Prefetch("indicators", queryset=indicators_with_progress_data(
                Indicator.objects.order_by("-is_key", "code", "pk"))),
        )
        .order_by("country__iso_code", "start_date", "pk")
    )
