"""Server-rendered compact pages. Querysets come from the selectors, so a compact outside
the user's countries is a 404 exactly as in the API."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.views.generic import DetailView, ListView

from . import scoping, selectors
from .models import CompactStatus


class RoleRequiredMixin(LoginRequiredMixin):
    """Signed-in users with no CPC role see nothing."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not scoping.user_roles(request.user):
            raise PermissionDenied("Your account has no CPC Oversight role.")
        return super().dispatch(request, *args, **kwargs)


class CompactListView(RoleRequiredMixin, ListView):
    template_name = "compacts/compact_list.html"
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


class CompactDetailView(RoleRequiredMixin, DetailView):
    template_name = "compacts/compact_detail.html"
    context_object_name = "compact"

    def get_queryset(self):
        return selectors.compact_detail(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        compact = self.object
        context["objectives_by_pillar"] = _group_by_pillar(compact.objectives.all())
        context["awards_total"] = sum((a.amount_usd for a in compact.awards.all()), start=0)
        context["tier_rankings"] = compact.country.tier_rankings.all()
        context.update(_compliance_context(self.request, compact))
        return context


def _group_by_pillar(objectives):
    grouped: dict[str, list] = {}
    for objective in objectives:
        grouped.setdefault(objective.get_pillar_display(), []).append(objective)
    return grouped


def _compliance_context(request, compact) -> dict:
    """The six GAO checks for the fiscal year asked for (default: the current one)."""
    from django.utils import timezone

    from cpc.fiscal import fiscal_year_of
    from dialogues.compliance import compact_compliance

    current = fiscal_year_of(timezone.localdate())
    try:
        fiscal_year = int(request.GET.get("fiscal_year", current))
    except ValueError:
        fiscal_year = current
    years = []
    if compact.start_date and compact.current_end_date:
        years = list(range(fiscal_year_of(compact.start_date),
                           fiscal_year_of(compact.current_end_date) + 1))
    if years and fiscal_year not in years:
        fiscal_year = min(max(fiscal_year, years[0]), years[-1])
    return {
        "compliance_year": fiscal_year,
        "compliance_years": years,
        "compliance_checks": compact_compliance(compact=compact, fiscal_year=fiscal_year),
    }
