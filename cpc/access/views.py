"""What every server-rendered page of the program asks first: a signed-in user with
a CPC role."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from . import scoping


class RoleRequiredMixin(LoginRequiredMixin):
    """Signed-in users with no CPC role see nothing."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not scoping.user_roles(request.user):
            raise PermissionDenied(_("Your account has no CPC Oversight role."))
        return super().dispatch(request, *args, **kwargs)
