"""Server-rendered compact pages. Querysets come from the selectors, so a compact outside
the user's countries is a 404 exactly as in the API."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.views.generic import DetailView, ListView, TemplateView

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
        user = self.request.user
        context["can_plan_dialogue"] = scoping.can_record_in(user, compact.country_id)
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
    years = compact.fiscal_years()
    if years and fiscal_year not in years:
        fiscal_year = min(max(fiscal_year, years[0]), years[-1])
    return {
        "compliance_year": fiscal_year,
        "compliance_years": years,
        "compliance_checks": compact_compliance(compact=compact, fiscal_year=fiscal_year),
    }


class DashboardView(RoleRequiredMixin, TemplateView):
    """The program at a glance for a fiscal year: the six checks of every compact active in
    it, overdue sustainability plans and the dialogues of the coming 30 days."""

    template_name = "compacts/dashboard.html"

    def get_context_data(self, **kwargs):
        import datetime as dt

        from django.apps import apps
        from django.utils import timezone

        from cpc.fiscal import fiscal_year_of
        from dialogues.compliance import compliance_for_compacts
        from dialogues.models import Dialogue, DialogueStatus

        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        current = fiscal_year_of(today)
        try:
            fiscal_year = int(self.request.GET.get("fiscal_year", current))
        except ValueError:
            fiscal_year = current
        fiscal_year = min(max(fiscal_year, 2000), 2100)
        compacts = list(selectors.compact_list(user=user).active_in(fiscal_year))
        checks = compliance_for_compacts(compacts, fiscal_year=fiscal_year, today=today)
        context["rows"] = [(compact, checks[compact.pk]) for compact in compacts]
        context["fiscal_year"] = fiscal_year
        context["fiscal_years"] = range(2016, current + 2)
        context["upcoming_dialogues"] = scoping.scope_to_visible(
            Dialogue.objects.filter(
                status=DialogueStatus.PLANNED, scheduled_for__gte=today,
                scheduled_for__lte=today + dt.timedelta(days=30),
            ).select_related("compact__country").prefetch_related("key_indicators"),
            user, "compact__country",
        ).order_by("scheduled_for")
        try:
            Plan = apps.get_model("contributions", "SustainabilityPlan")
        except LookupError:
            Plan = None
        context["overdue_plans"] = (
            scoping.scope_to_visible(
                Plan.objects.overdue(on=today).select_related("compact__country"),
                user, "compact__country",
            ).order_by("due_on") if Plan else []
        )
        return context
