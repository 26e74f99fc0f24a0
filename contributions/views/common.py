"""What the contributions pages and the sustainability-plan pages share: the compact each
page is about, read through a scoped selector (a compact outside the user's countries is a
404, as in the API), and the messages of a refused change."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy

from cpc.access import scoping
from cpc.access.views import RoleRequiredMixin

from .. import selectors

ERR_NOT_WRITER = gettext_lazy("Your role does not allow this change.")
ERR_NOT_SAVED = gettext_lazy("The contribution was not saved: correct the fields marked below.")


def contributions_url(compact) -> str:
    return reverse("contributions:compact-contributions", args=[compact.pk])


def plan_url(compact) -> str:
    return reverse("contributions:plan", args=[compact.pk])


class CompactMixin(RoleRequiredMixin):
    """Loads ``self.compact`` from the user's visible compacts (404 outside scope)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scoping.user_roles(request.user):
            self.compact = get_object_or_404(selectors.compact_list(user=request.user),
                                             pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)
