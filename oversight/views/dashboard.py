"""The program dashboard (the six GAO checks of a page of compacts, the most overdue
sustainability plans, the coming dialogues) and its list of upcoming dialogues."""

import datetime as dt
import hashlib
from functools import cached_property

from django.core.cache import cache
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.views.generic import TemplateView

from compacts.selectors import fiscal_year_choices
from contributions.selectors import overdue_plan_list
from cpc.access import fragments
from cpc.access.cache_version import change_pending, content_version
from cpc.access.views import RoleRequiredMixin
from cpc.fiscal import fiscal_year_of
from dialogues.selectors import upcoming_dialogue_list

from .. import selectors
from ..check_cache import TIMEOUT_SECONDS as CHECKS_TIMEOUT_SECONDS
from ..check_cache import cached_compliance_for_compacts
from .compact import chosen_fiscal_year

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
