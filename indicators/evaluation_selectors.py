"""Reads of a compact's evaluations, scoped to the reader like the compact itself."""

from django.db.models import Prefetch, QuerySet

from cpc.access.scoping import scope_to_visible

from .models import Evaluation, Indicator


def evaluation_list(*, user) -> QuerySet[Evaluation]:
    """Evaluations ``user`` may see, with their implementer and indicators (by code)."""
    return scope_to_visible(
        Evaluation.objects.select_related("implementer", "compact__country").prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("code"))),
        user, country_path="compact__country",
    ).order_by("compact_id", "fieldwork_start", "pk")
