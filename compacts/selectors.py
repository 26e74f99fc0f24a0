"""Every read the pages and the API need, already scoped to the user and prefetched."""

from django.db.models import Prefetch, QuerySet

from cpc.access.scoping import scope_to_visible, user_roles, visible_country_ids

from .models import (
    Award,
    Compact,
    Extension,
    GuidanceDocument,
    Objective,
    PartnerCountry,
    TierRanking,
)


def country_list(*, user) -> QuerySet[PartnerCountry]:
    return scope_to_visible(PartnerCountry.objects.with_current_tier(), user, country_path="")


def tier_ranking_list(*, user, country: PartnerCountry) -> QuerySet[TierRanking]:
    return scope_to_visible(
        TierRanking.objects.filter(country=country).select_related("country"), user
    ).order_by("-report_year")


def compact_list(*, user) -> QuerySet[Compact]:
    return scope_to_visible(
        Compact.objects.with_current_end()
        .with_awarded_total()
        .select_related("country")
        .prefetch_related(
            Prefetch("objectives", queryset=Objective.objects.order_by("position", "pk"))
        ),
        user,
    ).order_by("start_date", "country__iso_code", "pk")


def compact_detail(*, user) -> QuerySet[Compact]:
    """Compacts with everything the compact page shows."""
    return compact_list(user=user).prefetch_related(
        Prefetch("extensions", queryset=Extension.objects.order_by("new_end_date")),
        Prefetch(
            "awards",
            queryset=Award.objects.select_related("implementer").order_by("start_date"),
        ),
        Prefetch(
            "country__tier_rankings", queryset=TierRanking.objects.order_by("-report_year")
        ),
        "selection_factors",
    )


def fiscal_year_choices(*, until: int | None = None) -> list[int]:
    """The fiscal years every year picker offers: from the earliest compact's first year to
    the latest compact's last (extensions included), and at least up to ``until``."""
    first, last = Compact.objects.fiscal_year_span()
    if until is not None:
        first = min(first or until, until)
        last = max(last or until, until)
    if first is None:
        return []
    return list(range(first, last + 1))


def extension_list(*, user, compact: Compact) -> QuerySet[Extension]:
    return scope_to_visible(
        Extension.objects.filter(compact=compact), user, country_path="compact__country"
    ).order_by("new_end_date")


def award_list(*, user) -> QuerySet[Award]:
    return scope_to_visible(
        Award.objects.select_related("implementer", "compact__country"),
        user,
        country_path="compact__country",
    ).order_by("compact_id", "start_date", "award_number")


def guidance_list(*, user) -> QuerySet[GuidanceDocument]:
    """Program guidance, every version: read by every role (it belongs to no country)."""
    if not user_roles(user):
        return GuidanceDocument.objects.none()
    return GuidanceDocument.objects.order_by("-effective_from", "-pk")


def every_country() -> QuerySet[PartnerCountry]:
    """Every partner country, unscoped: the choices of a filter whose results are scoped."""
    return PartnerCountry.objects.all()


def every_compact() -> QuerySet[Compact]:
    """Every compact, unscoped: the choices of a filter whose results are scoped."""
    return Compact.objects.all()


def visible_compacts(*, user) -> QuerySet[Compact]:
    """The compacts ``user`` may see, nothing joined."""
    return scope_to_visible(Compact.objects.all(), user)


def compact_headings(*, user) -> QuerySet[Compact]:
    """The compacts ``user`` may see, with only what a page heading names (title, country)."""
    return scope_to_visible(Compact.objects.select_related("country").only(
        "pk", "title", "country__iso_code"), user)


def compact_terms(*, user) -> QuerySet[Compact]:
    """The compacts ``user`` may see, with only their title, country and term."""
    return scope_to_visible(Compact.objects.with_current_end().only(
        "pk", "title", "start_date", "end_date", "country_id"), user)


def countries_seen_by(*, user) -> QuerySet[PartnerCountry]:
    """The countries ``user`` sees (every country for those who see all)."""
    visible = visible_country_ids(user)
    countries = PartnerCountry.objects.all()
    return countries if visible is None else countries.filter(pk__in=visible)
