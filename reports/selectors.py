"""Every read the report pages and API need, scoped to the user.

TIP staff and auditors see every report job; embassy officers see the compact reports of
their countries (never program reports, which cover every country); anyone else none.
"""

from django.db.models import QuerySet

from compacts.models import Compact
from cpc.access.scoping import scope_to_visible, sees_every_country, user_roles

from .models import ReportJob, ReportKind, ReportStatus


def report_job_list(*, user) -> QuerySet[ReportJob]:
    jobs = ReportJob.objects.select_related("compact__country", "requested_by")
    if not user_roles(user):
        return jobs.none()
    if not sees_every_country(user):
        jobs = scope_to_visible(
            jobs.filter(kind=ReportKind.COMPACT_OVERSIGHT), user, country_path="compact__country"
        )
    return jobs.order_by("-requested_at", "-pk")


def report_compact_choices(*, user) -> QuerySet[Compact]:
    """Compacts the user may request a report about."""
    return scope_to_visible(
        Compact.objects.select_related("country").filter(start_date__isnull=False), user
    ).order_by("country__iso_code", "start_date", "pk")


def report_job_with_sha256(*, sha256: str) -> ReportJob | None:
    """The stored report whose bytes have this digest (the oldest, should two jobs have
    rendered the same data at the same data-as-of time)."""
    return (ReportJob.objects.filter(sha256=sha256, status=ReportStatus.SUCCEEDED)
            .order_by("pk").first())
