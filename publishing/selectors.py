"""The compacts the IATI file publishes, scoped to the reader and prefetched."""

from django.db.models import Prefetch, QuerySet

from compacts.models import Award, Compact, Extension
from compacts.selectors import compact_list
from indicators.models import Indicator
from indicators.selectors import indicators_with_progress_data


def iati_compact_list(*, user) -> QuerySet[Compact]:
    """The compacts the user may see that can be IATI activities: those with a start date
    (an activity needs a start; a compact still in negotiation without dates is left out).
    Everything the file writes is prefetched: a constant number of queries whatever the
    number of compacts. Results are the approved ones only."""
    return (
        compact_list(user=user)
        .filter(start_date__isnull=False)
        .prefetch_related(
            Prefetch("extensions", queryset=Extension.objects.order_by("new_end_date")),
            Prefetch("awards", queryset=Award.objects.select_related("implementer")
                     .order_by("start_date", "award_number")),
            Prefetch("indicators", queryset=indicators_with_progress_data(
                Indicator.objects.order_by("-is_key", "code", "pk"))),
        )
        .order_by("country__iso_code", "start_date", "pk")
    )
