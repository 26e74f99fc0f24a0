"""Server-rendered compact pages (the compact page itself, with its GAO checks, is the
oversight app's). Querysets come from the selectors, so a compact outside
the user's countries is a 404 exactly as in the API."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import ListView
from django.views.i18n import set_language

from cpc.access.fragments import CachedBodyMixin
from cpc.access.views import RoleRequiredMixin
from cpc.storage import private_file_response

from . import selectors, services
from .models import CompactStatus


class CompactListView(RoleRequiredMixin, CachedBodyMixin, ListView):
    template_name = "compacts/compact_list.html"
    body_template_name = "compacts/_compact_list_body.html"
    context_object_name = "compacts"
    paginate_by = 50

    def get_queryset(self):
        compacts = selectors.compact_list(user=self.request.user)
        status = self.request.GET.get("status")
        if status in CompactStatus.values:
            compacts = compacts.filter(status=status)
        return compacts

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = CompactStatus.choices
        context["selected_status"] = self.request.GET.get("status", "")
        return context


class GuidanceDocumentView(RoleRequiredMixin, View):
    """The document of a guidance version, as an attachment. Guidance is program-wide:
    every role reads it."""

    def get(self, request, pk):
        guidance = get_object_or_404(selectors.guidance_list(user=request.user), pk=pk)
        return private_file_response(guidance.document)


@require_POST
def language_set(request):
    """Django's ``set_language`` (the cookie, then back to ``next``); a signed-in user's
    choice is also kept on their profile, for their next sign-in (cpc/access/language.py)."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_language_set(user=request.user, language=language)
    return response
