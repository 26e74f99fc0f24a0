"""The pages the oversight app owns: the program dashboard and the compact page, both built
around the six GAO checks."""

import datetime as dt

from django.utils import timezone
from django.views.generic import DetailView, TemplateView

from compacts import scoping
from compacts.selectors import compact_detail, compact_list, fiscal_year_choices
from compacts.views import RoleRequiredMixin
from contributions.selectors import overdue_plan_list
from cpc.fiscal import fiscal_year_of
from dialogues.selectors import upcoming_dialogue_list

from .compliance import compact_compliance, compliance_for_compacts


def chosen_fiscal_year(request, years: list[int], default: int) -> int:
    """The fiscal year asked for in ``?fiscal_year=``, kept within ``years``."""
    try:
        fiscal_year = int(request.GET.get("fiscal_year", default))
    except ValueError:
        fiscal_year = default
    if years and fiscal_year not in years:
        fiscal_year = min(max(fiscal_year, years[0]), years[-1])
    return fiscal_year


class CompactDetailView(RoleRequiredMixin, DetailView):
    template_name = "oversight/compact_detail.html"
    context_object_name = "compact"

    def get_queryset(self):
        return compact_detail(user=self.request.user).prefetch_related("dialogues")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        compact = self.object
        context["objectives_by_pillar"] = _group_by_pillar(compact.objectives.all())
        context["tier_rankings"] = compact.country.tier_rankings.all()
        years = compact.fiscal_years()
        fiscal_year = chosen_fiscal_year(self.request, years,
                                         fiscal_year_of(timezone.localdate()))
        context["compliance_year"] = fiscal_year
        context["compliance_years"] = years
        context["compliance_checks"] = compact_compliance(compact=compact,
                                                          fiscal_year=fiscal_year)
        context["can_plan_dialogue"] = scoping.can_record_in(self.request.user,
                                                             compact.country_id)
        return context


def _group_by_pillar(objectives):
    grouped: dict[str, list] = {}
    for objective in objectives:
        grouped.setdefault(objective.get_pillar_display(), []).append(objective)
    return grouped


class DashboardView(RoleRequiredMixin, TemplateView):
    """The program at a glance for a fiscal year: the six checks of every compact active in
    it, overdue sustainability plans and the dialogues of the coming 30 days."""

    template_name = "oversight/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        current = fiscal_year_of(today)
        years = fiscal_year_choices(until=current)
        fiscal_year = chosen_fiscal_year(self.request, years, current)
        compacts = list(compact_list(user=user).active_in(fiscal_year))
        checks = compliance_for_compacts(compacts, fiscal_year=fiscal_year, today=today)
        context["rows"] = [(compact, checks[compact.pk]) for compact in compacts]
        context["fiscal_year"] = fiscal_year
        context["fiscal_years"] = years
        context["upcoming_dialogues"] = upcoming_dialogue_list(
            user=user, start=today, end=today + dt.timedelta(days=30))
        context["overdue_plans"] = overdue_plan_list(user=user, on=today)
        return context
