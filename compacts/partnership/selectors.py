"""Reads of compacts' documents and pledges, scoped to the user like the compacts."""

from django.db.models import QuerySet

from cpc.access.scoping import scope_to_visible

from ..models import CompactDocument, PartnerPledge


def document_list(*, user) -> QuerySet[CompactDocument]:
    return scope_to_visible(CompactDocument.objects.select_related("compact__country"), user,
                            country_path="compact__country").order_by("compact_id")


def pledge_list(*, user) -> QuerySet[PartnerPledge]:
    return scope_to_visible(PartnerPledge.objects.select_related("compact"), user,
                            country_path="compact__country").order_by(
        "compact_id", "fiscal_year", "kind", "pk")
