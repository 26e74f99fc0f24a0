"""The compact page (its GAO checks for a fiscal year, objectives, awards, dialogues, the
country's tier rankings) and staff's lock or unlock of its fiscal years."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from compacts import finances, year_locks
from compacts.selectors import compact_detail, compact_terms, visible_compacts
from cpc import reauth
from cpc.access import fragments, scoping
from cpc.access.views import RoleRequiredMixin
from cpc.fiscal import fiscal_year_of
from cpc.forms import apply_service_errors
from cpc.services import StateConflict

from ..check_cache import cached_compliance_for_compacts
from ..forms import YearDecisionForm


def chosen_fiscal_year(request, years: list[int], default: int) -> int:
    """The fiscal year asked for in ``?fiscal_year=``, kept within ``years``."""
    try:
        fiscal_year = int(request.GET.get("fiscal_year", default))
    except ValueError:
        fiscal_year = default
    if years and fiscal_year not in years:
        fiscal_year = min(max(fiscal_year, years[0]), years[-1])
    return fiscal_year


class CompactDetailView(RoleRequiredMixin, View):
    """A compact: its GAO checks for a fiscal year, objectives, awards, dialogues and the
    country's tier rankings. The page's content is cached per reader scope until the
    records change (cpc.access.fragments); only the scoped lookup that answers 404 runs on
    every request."""

    template_name = "oversight/compact_detail.html"
    body_template_name = "oversight/_compact_detail_body.html"

    def get(self, request, pk: int):
        return self.page(request, pk)

    def page(self, request, pk: int, *, status: int = 200, year_form=None):
        """The page; ``year_form``: (fiscal year, the lock or unlock form that failed)."""
        user = request.user
        compact = get_object_or_404(compact_terms(user=user), pk=pk)
        years = compact.fiscal_years()
        fiscal_year = chosen_fiscal_year(request, years, fiscal_year_of(timezone.localdate()))

        def context():
            full = get_object_or_404(
                compact_detail(user=user).prefetch_related("dialogues"), pk=pk)
            return {
                "compact": full,
                "objectives_by_pillar": _group_by_pillar(full.objectives.all()),
                "tier_rankings": full.country.tier_rankings.all(),
                "compliance_year": fiscal_year,
                "compliance_years": years,
                "compliance_checks": cached_compliance_for_compacts(
                    [full], fiscal_year=fiscal_year, today=timezone.localdate())[full.pk],
                "can_plan_dialogue": scoping.can_record_in(user, full.country_id),
                "finances_panel": finances.panel(full, user=user, today=timezone.localdate()),
            }

        body = fragments.cached_html(request, "compact-page", (pk, fiscal_year),
                                     self.body_template_name, context)
        # The years' locks sit outside the cached body: staff's forms carry their own CSRF
        # token, and the state is read for each request (one query).
        failed_year, failed_form = year_form or (None, None)
        years_locked = [
            {"state": state,
             "form": failed_form if state.fiscal_year == failed_year
             else YearDecisionForm(auto_id=f"%s-{state.fiscal_year}")}
            for state in year_locks.year_states(compact)]
        return render(request, self.template_name, {
            "compact": compact, "body": body, "years_locked": years_locked,
            "can_lock_years": scoping.is_tip_staff(user)}, status=status)


class FiscalYearDecisionView(CompactDetailView):
    """POST only: TIP staff lock or unlock a fiscal year of the compact (with a reason,
    required to unlock), through the same service as the API (compacts.year_locks)."""

    decisions = {"lock": year_locks.fiscal_year_lock, "unlock": year_locks.fiscal_year_unlock}

    def get(self, request, pk: int, fiscal_year: int, decision: str):
        get_object_or_404(visible_compacts(user=request.user), pk=pk)
        return redirect(reverse("oversight:compact-detail", args=[pk]) + "#fiscal-years")

    def post(self, request, pk: int, fiscal_year: int, decision: str):
        if decision not in self.decisions:
            raise Http404
        compact = get_object_or_404(visible_compacts(user=request.user), pk=pk)
        if not scoping.is_tip_staff(request.user):
            raise PermissionDenied(year_locks.ERR_ONLY_STAFF)
        if decision == "unlock" and not reauth.session_is_recent(request):
            return reauth.reauth_redirect(request)  # unlocking needs a recent sign-in
        form = YearDecisionForm(request.POST, auto_id=f"%s-{fiscal_year}")
        if form.is_valid():
            try:
                self.decisions[decision](user=request.user, compact=compact,
                                         fiscal_year=fiscal_year,
                                         reason=form.cleaned_data["reason"])
            except ValidationError as error:
                apply_service_errors(form, error)
            except StateConflict as conflict:
                form.add_error(None, conflict.message)
                return self.page(request, pk, status=409, year_form=(fiscal_year, form))
            else:
                done = (_("FY%(year)s locked.") if decision == "lock"
                        else _("FY%(year)s unlocked."))
                messages.success(request, done % {"year": fiscal_year})
                return redirect(reverse("oversight:compact-detail", args=[pk])
                                + "#fiscal-years")
        return self.page(request, pk, status=400, year_form=(fiscal_year, form))


def _group_by_pillar(objectives):
    grouped: dict[str, list] = {}
    for objective in objectives:
        grouped.setdefault(objective.get_pillar_display(), []).append(objective)
    return grouped
