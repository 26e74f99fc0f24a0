"""The pages the oversight app owns: the program dashboard and the compact page, both built
around the six GAO checks."""

import datetime as dt
import hashlib
from functools import cached_property

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from compacts import fragments, scoping, year_locks
from compacts.models import Compact
from compacts.selectors import compact_detail, fiscal_year_choices
from compacts.versioning import change_pending, content_version
from compacts.views import RoleRequiredMixin
from contributions.selectors import overdue_plan_list
from cpc import reauth
from cpc.api.history import history_entries
from cpc.fiscal import fiscal_year_of
from cpc.services import StateConflict
from cpc.storage import private_file_response
from cpc.versions import VERSION_FIELD, RecordChanged, add_version, check_version
from dialogues.selectors import upcoming_dialogue_list

from . import recommendation_texts, selectors, services
from .check_cache import TIMEOUT_SECONDS as CHECKS_TIMEOUT_SECONDS
from .check_cache import cached_compliance_for_compacts
from .compliance import TITLES
from .forms import GaoActionForm, GaoStatusForm, YearDecisionForm


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
    records change (compacts.fragments); only the scoped lookup that answers 404 runs on
    every request."""

    template_name = "oversight/compact_detail.html"
    body_template_name = "oversight/_compact_detail_body.html"

    def get(self, request, pk: int):
        return self.page(request, pk)

    def page(self, request, pk: int, *, status: int = 200, year_form=None):
        """The page; ``year_form``: (fiscal year, the lock or unlock form that failed)."""
        user = request.user
        compact = get_object_or_404(scoping.scope_to_visible(
            Compact.objects.with_current_end().only("pk", "title", "start_date", "end_date",
                                                    "country_id"), user), pk=pk)
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
        get_object_or_404(scoping.scope_to_visible(Compact.objects.all(), request.user), pk=pk)
        return redirect(reverse("oversight:compact-detail", args=[pk]) + "#fiscal-years")

    def post(self, request, pk: int, fiscal_year: int, decision: str):
        if decision not in self.decisions:
            raise Http404
        compact = get_object_or_404(scoping.scope_to_visible(Compact.objects.all(),
                                                             request.user), pk=pk)
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
                for field, messages_ in error.message_dict.items():
                    for message in messages_:
                        form.add_error("reason" if field == "reason" else None, message)
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


DASHBOARD_PAGE_SIZE = 50
# The dashboard's lists show this many; a link leads to the whole list.
DASHBOARD_LIST_SIZE = 20
UPCOMING_DAYS = 30


def paginate(request, items, per_page: int) -> dict:
    """The context ``includes/pagination.html`` reads, for ``items`` paged by ``?page=``."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    return {"paginator": paginator, "page_obj": page, "is_paginated": page.has_other_pages()}


class DashboardView(RoleRequiredMixin, fragments.CachedBodyMixin, TemplateView):
    """The program at a glance for a fiscal year: the six checks of the compacts active in
    it, a page at a time, the most overdue sustainability plans and the next dialogues of
    the coming 30 days. Its work follows the rows shown, not the size of the program: the
    checks are computed for the page's compacts only, and the two lists are bounded."""

    template_name = "oversight/dashboard.html"
    body_template_name = "oversight/_dashboard_body.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        current = fiscal_year_of(today)
        years = fiscal_year_choices(until=current)
        fiscal_year = chosen_fiscal_year(self.request, years, current)
        pages = paginate(self.request,
                         selectors.dashboard_compact_list(user=user, fiscal_year=fiscal_year),
                         DASHBOARD_PAGE_SIZE)
        compacts = list(pages["page_obj"].object_list)
        rows = CheckRows(compacts, fiscal_year=fiscal_year, today=today)
        context |= pages
        context["rows"] = rows
        context["checks_table"] = checks_table(rows, request=self.request)
        context["fiscal_year"] = fiscal_year
        context["fiscal_years"] = years
        context["upcoming_dialogues"], context["more_upcoming_dialogues"] = _bounded(
            upcoming_dialogue_list(user=user, start=today,
                                   end=today + dt.timedelta(days=UPCOMING_DAYS)))
        context["overdue_plans"], context["more_overdue_plans"] = _bounded(
            overdue_plan_list(user=user, on=today))
        return context


class CheckRows:
    """The page's compacts with their six checks, computed only when read: a dashboard table
    served from the cache never computes them."""

    def __init__(self, compacts, *, fiscal_year: int, today: dt.date):
        self.compacts, self.fiscal_year, self.today = compacts, fiscal_year, today

    @cached_property
    def rows(self) -> list:
        checks = cached_compliance_for_compacts(self.compacts, fiscal_year=self.fiscal_year,
                                                today=self.today)
        return [(compact, checks[compact.pk]) for compact in self.compacts]

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.compacts)

    def __getitem__(self, index):
        return self.rows[index]


# Each check's column heading: a few words that name it, in the reader's language (the
# checks' full titles, oversight.compliance.TITLES, stay English with their details).
CHECK_LABELS = {
    1: gettext_lazy("Key indicators in advance"),
    2: gettext_lazy("Data discussed"),
    3: gettext_lazy("Annual targets"),
    4: gettext_lazy("Targets in guidance"),
    5: gettext_lazy("Contributions tracked"),
    6: gettext_lazy("Sustainability plan"),
}


def _render_checks_table(rows: CheckRows, request) -> str:
    labelled = [(compact, [(CHECK_LABELS[check.recommendation], check) for check in checks])
                for compact, checks in rows]
    return render_to_string("oversight/_dashboard_table.html", {
        "table_rows": labelled, "fiscal_year": rows.fiscal_year,
        "labels": list(CHECK_LABELS.items())}, request)


def checks_table(rows: CheckRows, *, request) -> str:
    """The dashboard's table of checks, rendered once per page of compacts, fiscal year, day
    and records version, then served from the cache: the same rows give the same HTML
    whoever reads them (what a user may see is decided by which compacts are in ``rows``)."""
    if not rows.compacts:
        return ""
    if change_pending():  # a write of this transaction is not in the version yet
        return mark_safe(_render_checks_table(rows, request))
    ids = ",".join(str(compact.pk) for compact in rows.compacts)
    digest = hashlib.sha256(ids.encode()).hexdigest()[:32]
    key = (f"dashboard-table:{content_version()}:{get_language()}:{rows.fiscal_year}:"
           f"{rows.today.isoformat()}:{digest}")
    table = cache.get(key)
    if table is None:
        table = _render_checks_table(rows, request)
        cache.set(key, table, timeout=CHECKS_TIMEOUT_SECONDS)
    return mark_safe(table)  # rendered by our own template, which escapes every value


def _bounded(queryset) -> tuple[list, bool]:
    """The first DASHBOARD_LIST_SIZE rows, and whether there are more (one more is read)."""
    size = DASHBOARD_LIST_SIZE
    rows = list(queryset[: size + 1])
    return rows[:size], len(rows) > size


class UpcomingDialoguesView(RoleRequiredMixin, fragments.CachedBodyMixin, TemplateView):
    """Every planned dialogue of the coming 30 days, a page at a time: the dashboard's
    "see all"."""

    template_name = "oversight/upcoming_dialogues.html"
    body_template_name = "oversight/_upcoming_dialogues_body.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        end = today + dt.timedelta(days=UPCOMING_DAYS)
        pages = paginate(self.request, upcoming_dialogue_list(
            user=self.request.user, start=today, end=end), DASHBOARD_PAGE_SIZE)
        context |= pages
        context["dialogues"] = pages["page_obj"].object_list
        context["start"], context["end"] = today, end
        return context


# --- GAO's recommendation record ---------------------------------------------------------

def _recommendations_url(recommendation=None) -> str:
    url = reverse("oversight:gao-recommendations")
    return f"{url}#recommendation-{recommendation.number}" if recommendation else url


class GaoRecommendationListView(RoleRequiredMixin, View):
    """The six recommendations: GAO's status, State's concurrence and actions with their
    evidence, the history of each, and a link to its check on the dashboard. Staff add an
    action or change a status (with a reason) here, each form in a disclosure of its
    recommendation: a form sent back with errors is shown open, its error summary beside its
    fields."""

    template_name = "oversight/gao_recommendations.html"

    def get(self, request, *args, **kwargs):
        return self.page()

    def page(self, *, status: int = 200, bound: dict | None = None):
        """``bound``: {(recommendation pk, "action" | "status"): the form that failed}."""
        bound = bound or {}
        can_change = scoping.is_tip_staff(self.request.user)
        rows = []
        for recommendation in selectors.gao_recommendation_list(user=self.request.user):
            row = {"recommendation": recommendation,
                   "text": recommendation_texts.text_in_language(recommendation),
                   "check_title": TITLES[recommendation.number],
                   "history": history_entries(recommendation)}
            if can_change:
                # A form's address ends with its error summary's id: sent back with errors,
                # the browser scrolls to the summary and focuses it, JavaScript or not.
                row["action_errors_id"] = f"rec{recommendation.number}-add-action-errors"
                row["status_errors_id"] = f"rec{recommendation.number}-change-status-errors"
                row["action_form"] = bound.get(
                    (recommendation.pk, "action"),
                    GaoActionForm(auto_id=_form_ids(recommendation, "action")))
                row["status_form"] = bound.get((recommendation.pk, "status"), add_version(
                    GaoStatusForm.for_recommendation(
                        recommendation, auto_id=_form_ids(recommendation, "status")),
                    recommendation))
            rows.append(row)
        return render(self.request, self.template_name, {
            "rows": rows, "can_change": can_change,
            "form_has_errors": any(form.errors for form in bound.values()),
            "fiscal_year": fiscal_year_of(timezone.localdate()),
        }, status=status)


def _form_ids(recommendation, kind: str) -> str:
    """The ids of a recommendation's form fields, one set per form of the page (the error
    summary's links and the fields' aria-describedby lead to this form's fields):
    ``id_rec4_action_description``."""
    return f"id_rec{recommendation.number}_{kind}_%s"


class GaoRecommendationChangeView(GaoRecommendationListView):
    """POST only (a GET goes back to the list): TIP staff's changes to one recommendation."""

    form_class = None
    kind = ""

    def get(self, request, *args, **kwargs):
        return redirect(_recommendations_url())

    def make_form(self, recommendation):
        return self.form_class(self.request.POST, self.request.FILES,
                               auto_id=_form_ids(recommendation, self.kind))

    def post(self, request, pk):
        if not scoping.is_tip_staff(request.user):
            raise PermissionDenied(services.ERR_STAFF_ONLY)
        recommendation = get_object_or_404(
            selectors.gao_recommendation_list(user=request.user), pk=pk)
        form = self.make_form(recommendation)
        if self.kind == "status":
            add_version(form, recommendation)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != VERSION_FIELD}
            try:
                with transaction.atomic():
                    check_version(recommendation, form.cleaned_data.get(VERSION_FIELD))
                    self.save(recommendation, data)
            except RecordChanged as changed:
                messages.error(request, _("Recommendation %(number)s was not changed. "
                                          "%(reason)s") % {"number": recommendation.number,
                                                           "reason": changed.message})
                return self.page(status=409)
            except ValidationError as error:
                errors = error.message_dict if hasattr(error, "error_dict") else {
                    NON_FIELD_ERRORS: error.messages}
                for field, messages_ in errors.items():
                    for message in messages_:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, self.done % {"number": recommendation.number})
                return redirect(_recommendations_url(recommendation))
        # No message at the top of the page: the form's own error summary, open beside its
        # fields, says what is wrong.
        return self.page(status=400, bound={(recommendation.pk, self.kind): form})


class GaoActionAddView(GaoRecommendationChangeView):
    form_class, kind = GaoActionForm, "action"
    done = gettext_lazy("Action recorded for recommendation %(number)s.")

    def save(self, recommendation, data):
        services.gao_action_create(recommendation=recommendation, user=self.request.user,
                                   **data)


class GaoStatusChangeView(GaoRecommendationChangeView):
    form_class, kind = GaoStatusForm, "status"
    done = gettext_lazy("Status of recommendation %(number)s saved.")

    def make_form(self, recommendation):
        return GaoStatusForm.for_recommendation(recommendation, data=self.request.POST,
                                                auto_id=_form_ids(recommendation, self.kind))

    def save(self, recommendation, data):
        data = dict(data)
        reason = data.pop("change_reason")
        services.gao_recommendation_update(recommendation=recommendation,
                                           user=self.request.user, data=data,
                                           change_reason=reason)


class GaoActionEvidenceView(RoleRequiredMixin, View):
    def get(self, request, pk):
        action = get_object_or_404(selectors.gao_action_list(user=request.user), pk=pk)
        return private_file_response(action.evidence_file)
