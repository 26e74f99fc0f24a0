"""Every read the indicator pages, exports and API need, scoped to the user and prefetched."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from compacts.models import Compact, Extension
from compacts.selectors import compact_list
from cpc.access.scoping import (
    can_record_in,
    recordable_indicator_ids,
    scope_to_changeable,
    scope_to_visible,
)

from . import target_links
from .models import Indicator, Result, ResultDocument, ResultStatus, StandardIndicator, Target
from .progress import IndicatorProgress, progress_for_indicators

COUNTRY_PATH = "compact__country"


def standard_indicator_list() -> QuerySet[StandardIndicator]:
    """The library is program-wide: every role may read it."""
    return StandardIndicator.objects.order_by("code")


def indicator_list(*, user) -> QuerySet[Indicator]:
    return scope_to_visible(
        Indicator.objects.select_related("compact__country", "standard").prefetch_related(
            Prefetch("compact__extensions", queryset=Extension.objects.order_by("new_end_date"))
        ),
        user,
        country_path=COUNTRY_PATH,
    ).order_by("compact_id", "code", "pk")


def indicator_changeable_list(*, user) -> QuerySet[Indicator]:
    """Indicators the user may record results or set targets for (their countries)."""
    return scope_to_changeable(
        Indicator.objects.select_related("compact__country"), user, country_path=COUNTRY_PATH
    )


def indicator_recordable_list(*, user) -> QuerySet[Indicator]:
    """Indicators the user may record results for: their countries' (staff, officers), or
    those reported under their organisations' awards (implementers)."""
    queryset = Indicator.objects.select_related("compact__country")
    own = recordable_indicator_ids(user)
    changeable = scope_to_changeable(queryset, user, country_path=COUNTRY_PATH)
    if not own:
        return changeable
    return queryset.filter(Q(pk__in=changeable.values("pk")) | Q(pk__in=own))


def compact_indicators_to_record(*, user, compact: Compact) -> QuerySet[Indicator]:
    """The compact's indicators whose results the user may record: all of them for those
    who record in its country, those of their awards for implementers."""
    queryset = indicator_list(user=user).filter(compact=compact)
    if can_record_in(user, compact.country_id):
        return queryset
    return queryset.filter(pk__in=recordable_indicator_ids(user))


def compact_changeable_list(*, user) -> QuerySet[Compact]:
    return scope_to_changeable(Compact.objects.select_related("country"), user)


def target_list(*, user) -> QuerySet[Target]:
    links = [link.related for link in target_links.registered() if link.related]
    return scope_to_visible(
        Target.objects.select_related("indicator", *links), user,
        country_path=f"indicator__{COUNTRY_PATH}",
    ).order_by("indicator_id", "fiscal_year")


def result_list(*, user) -> QuerySet[Result]:
    return scope_to_visible(
        Result.objects.select_related("indicator", "reported_by", "reviewed_by")
        .prefetch_related("disaggregations"),
        user,
        country_path=f"indicator__{COUNTRY_PATH}",
    ).order_by("indicator_id", "fiscal_year")


def result_document_list(*, user) -> QuerySet[ResultDocument]:
    """Source documents of the results the user may see."""
    return scope_to_visible(
        ResultDocument.objects.select_related("result__indicator", "uploaded_by"), user,
        country_path=f"result__indicator__{COUNTRY_PATH}",
    ).order_by("result_id", "uploaded_at", "pk")


def indicators_with_progress_data(queryset: QuerySet[Indicator]) -> QuerySet[Indicator]:
    """Prefetch what :func:`progress.progress_for_indicators` needs: two queries in all."""
    return queryset.prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("fiscal_year")),
        Prefetch(
            "results",
            queryset=Result.objects.filter(status=ResultStatus.APPROVED).order_by("fiscal_year"),
        ),
    )


def indicator_progress(*, indicator: Indicator) -> IndicatorProgress:
    return progress_for_indicators([indicator])[indicator.pk]


def standard_comparison_list(*, user, first_year: int, last_year: int,
                             standard: StandardIndicator | None = None,
                             pillar: str = "") -> QuerySet[Indicator]:
    """The compacts' indicators made from a standard one (``standard``, or any of the
    library's, of ``pillar`` when given) that the user sees, whose compact is active and
    which are tracked in at least one fiscal year from ``first_year`` to ``last_year``:
    grouped by standard indicator, then by country and compact."""
    active = Compact.objects.active_between(first_year, last_year).values("pk")
    queryset = indicator_list(user=user).filter(
        Q(first_fiscal_year__isnull=True) | Q(first_fiscal_year__lte=last_year),
        Q(last_fiscal_year__isnull=True) | Q(last_fiscal_year__gte=first_year),
        standard__isnull=False, compact__in=active)
    if standard is not None:
        queryset = queryset.filter(standard=standard)
    if pillar:
        queryset = queryset.filter(standard__pillar=pillar)
    return queryset.order_by("standard__code", "compact__country__iso_code",
                             "compact__start_date", "compact_id", "code", "pk")


def standards_tracked(indicators: QuerySet[Indicator]) -> set[int]:
    """The ids of the standard indicators ``indicators`` are made from, in one query."""
    return set(indicators.order_by().values_list("standard_id", flat=True).distinct())


def compact_for_indicator_table(*, user, compact_id: int) -> Compact:
    """The compact whose indicator performance tracking table is asked for, or 404."""
    compact = (
        compact_list(user=user)
        .prefetch_related("extensions")
        .filter(pk=compact_id)
        .first()
    )
    if compact is None:
        raise Http404("No such compact.")
    return compact


def indicator_table(
    *, user, compact: Compact
) -> tuple[list[Indicator], dict[int, IndicatorProgress]]:
    """A compact's indicators with their progress, in a fixed number of queries."""
    indicators = list(
        indicators_with_progress_data(
            scope_to_visible(
                Indicator.objects.filter(compact=compact), user, country_path=COUNTRY_PATH
            ).order_by("-is_key", "code", "pk")
        )
    )
    for indicator in indicators:
        indicator.compact = compact  # shares the compact's prefetched extensions
    return indicators, progress_for_indicators(indicators)


def reporter_roles(results) -> dict[int, str]:
    """The role of each result's reporter (user id -> role code), in one query: whom a
    returned result goes back to (an embassy officer, an implementer, TIP staff)."""
    from django.contrib.auth.models import Group

    from cpc.access.roles import ROLES

    ids = {r.reported_by_id for r in results if r.reported_by_id}
    roles: dict[int, str] = {}
    held = Group.objects.filter(user__in=ids, name__in=ROLES).values_list("user", "name")
    for user_id, role in sorted(held, key=lambda pair: ROLES.index(pair[1])):
        roles.setdefault(user_id, role)  # the first of ROLES a person holds
    return roles
