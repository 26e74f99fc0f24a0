"""Report jobs in the admin: read-only (jobs change only through the services), scoped."""

from django.contrib import admin

from cpc.access.admin import ScopedAdmin
from cpc.access.scoping import sees_every_country

from .models import ReportJob, ReportKind


@admin.register(ReportJob)
class ReportJobAdmin(ScopedAdmin):
    country_path = None  # program reports have no country: scoped in get_queryset
    list_display = ["pk", "kind", "compact", "fiscal_year", "status", "progress",
                    "requested_by", "requested_at", "page_count"]
    list_filter = ["kind", "status", "fiscal_year"]
    search_fields = ["sha256", "compact__title"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("compact__country",
                                                                "requested_by")
        if sees_every_country(request.user):
            return queryset
        from cpc.access.scoping import scope_to_visible

        return scope_to_visible(queryset.filter(kind=ReportKind.COMPACT_OVERSIGHT),
                                request.user, "compact__country")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
