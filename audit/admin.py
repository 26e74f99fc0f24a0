"""Auth events in the admin: read by TIP staff and auditors, changed and deleted by nobody
(superusers included). Events are append-only (``audit.models.AuthEvent``)."""

from django.contrib import admin

from cpc.access.scoping import sees_every_country

from .models import AuthEvent


@admin.register(AuthEvent)
class AuthEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "username", "user", "client_ip", "user_agent"]
    list_filter = ["kind"]
    search_fields = ["username", "client_ip"]
    date_hierarchy = "at"
    readonly_fields = ["at", "kind", "username", "user", "client_ip", "user_agent", "detail"]
    list_select_related = ["user"]

    def has_view_permission(self, request, obj=None):
        return sees_every_country(request.user)

    def has_module_permission(self, request):
        return sees_every_country(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}
