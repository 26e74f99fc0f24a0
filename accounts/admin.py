"""Roles (groups) and users in the admin: a change needs a recent sign-in (cpc.reauth).

Django's own user and group admins, with the re-authentication rule added: a user's
groups, staff and superuser flags and permissions, and a group's permissions, are what
roles are made of. (Country scope and implementer links: compacts.admin.UserProfileAdmin.)
And the links of federated identities to accounts.
"""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.models import FederatedIdentity
from cpc.access import scoping
from cpc.access.admin import ScopedAdmin
from cpc.reauth import ReauthAdminMixin

User = get_user_model()

for _model in (User, Group):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(User)
class UserAdmin(ReauthAdminMixin, auth_admin.UserAdmin):
    pass


@admin.register(Group)
class GroupAdmin(ReauthAdminMixin, auth_admin.GroupAdmin):
    pass


@admin.register(FederatedIdentity)
class FederatedIdentityAdmin(ScopedAdmin):
    """Which provider identity signs in to which account. Links are made only by a sign-in
    (accounts.oidc_services.identity_user); TIP staff may remove one, so that the person's
    next federated sign-in links anew by verified email (an identity re-created at the
    provider). Read by those who see every country (staff, auditors), with its history."""

    country_path = None  # an account's link, not a country's record
    list_display = ("user", "issuer", "subject", "created", "last_used")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "subject")
    readonly_fields = ("user", "issuer", "subject", "created", "last_used")

    def has_view_permission(self, request, obj=None):
        return scoping.sees_every_country(request.user) and super().has_view_permission(
            request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A link is an account's, not an oversight record (which ScopedAdmin never deletes):
        # TIP staff remove one so that the next federated sign-in links anew.
        return scoping.is_tip_staff(request.user) and admin.ModelAdmin.has_delete_permission(
            self, request, obj)
