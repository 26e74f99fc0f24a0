"""API permission: any role reads (scoped by the selectors); writes need a role the view names.

Object-level country scope is not checked here: every viewset's queryset is already scoped,
so an object outside the caller's countries is a 404, as the API contract asks.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .roles import TIP_STAFF
from .scoping import user_roles

ERR_NO_ROLE = _("Your account has no CPC Oversight role.")
ERR_READ_ONLY_ROLE = _("Your role does not allow this change.")


class RolePermission(BasePermission):
    message = ERR_READ_ONLY_ROLE

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        roles = user_roles(user)
        if not roles:
            self.message = ERR_NO_ROLE
            return False
        if request.method in SAFE_METHODS:
            return True
        write_roles = getattr(view, "write_roles", (TIP_STAFF,))
        return bool(roles & set(write_roles))
