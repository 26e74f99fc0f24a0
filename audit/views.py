"""History pages: a compact's change history with its children's, or one record's, filtered
by date and person, paginated, and exported as CSV. Scoped like every read: a record outside
the reader's countries is a 404."""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views import View

from compacts.models import Compact
from cpc.access import scoping
from cpc.access.views import RoleRequiredMixin
from cpc.spreadsheets import csv_writer

from . import selectors
from .access import CSV_HEADER as ACCESS_CSV_HEADER
from .access import access_review_csv_row, access_review_rows, identity_entries
from .history import KINDS_BY_SLUG, Filters, entries_for, history_rows

PAGE_SIZE = 50
CSV_CHUNK = 500


class HistoryFilterForm(forms.Form):
    since = forms.DateField(required=False, label=_("From"),
                            widget=forms.DateInput(attrs={"type": "date",
                                                          "class": "usa-input"}))
    until = forms.DateField(required=False, label=_("To"),
                            widget=forms.DateInput(attrs={"type": "date",
                                                          "class": "usa-input"}))
    user = forms.ModelChoiceField(
        required=False, label=_("Changed by"), empty_label=_("Anyone"),
        queryset=None, to_field_name="username",
        widget=forms.Select(attrs={"class": "usa-select"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = selectors.role_holders()

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def filters(self) -> Filters:
        if not self.is_valid():
            return Filters()
        user = self.cleaned_data.get("user")
        return Filters(since=self.cleaned_data.get("since"),
                       until=self.cleaned_data.get("until"),
                       user_id=user.pk if user else None)


class HistoryView(RoleRequiredMixin, View):
    """GET: the history of a compact (with its children) or of one record under it."""

    kind = "compact"
    template_name = "audit/history.html"

    def scoped(self, request, pk: int) -> tuple[Compact, object]:
        row = selectors.latest_history_row(self.kind, pk)
        compact_id = pk if self.kind == "compact" else selectors.compact_id_of(
            self.kind, pk, row=row)
        compact = selectors.visible_compact(request.user, compact_id)
        if compact is None:
            raise Http404("No such record.")
        return compact, row

    def rows(self, compact: Compact, pk: int, filters: Filters):
        if self.kind == "compact":
            return history_rows(compact_id=compact.pk, filters=filters)
        return history_rows(compact_id=compact.pk, filters=filters,
                            kinds=[KINDS_BY_SLUG[self.kind]], record_id=pk)

    def get(self, request, pk: int):
        compact, latest = self.scoped(request, pk)
        form = HistoryFilterForm(request.GET or None)
        rows = self.rows(compact, pk, form.filters())
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        kind = KINDS_BY_SLUG[self.kind]
        return render(request, self.template_name, {
            "compact": compact,
            "kind": kind,
            "record_id": pk,
            "title": (_("History of %(title)s") % {"title": compact.title}
                      if self.kind == "compact"
                      else _("History of %(kind)s #%(number)s") % {
                          "kind": str(kind.label).lower(), "number": pk}),
            "latest": latest,
            "form": form,
            "entries": entries_for(list(page.object_list)),
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
            "export_url": request.path + "export.csv"
                          + (f"?{request.GET.urlencode()}" if request.GET else ""),
        })


class _Echo:
    def write(self, value):
        return value


CSV_HEADER = ["date", "changed_by", "record_kind", "record_id", "record", "action", "field",
              "old", "new", "reason"]


class HistoryExportView(HistoryView):
    """GET: the same history (same filters) as CSV, streamed, one line per changed field."""

    def get(self, request, pk: int):
        compact, _latest_row = self.scoped(request, pk)
        form = HistoryFilterForm(request.GET or None)
        rows = self.rows(compact, pk, form.filters())
        writer = csv_writer(_Echo())  # formula-like text (a description, a reason) quoted

        def lines():
            yield writer.writerow(CSV_HEADER)
            start = 0
            while True:
                chunk = list(rows[start:start + CSV_CHUNK])
                if not chunk:
                    return
                for entry in entries_for(chunk):
                    base = [timezone.localtime(entry.date).isoformat(), entry.user or "",
                            entry.kind.label, entry.record_id, entry.record, entry.action]
                    for label, old, new in entry.changes or [("", "", "")]:
                        yield writer.writerow([*base, label, old, new, entry.reason or ""])
                start += CSV_CHUNK

        name = slugify(f"history-{self.kind}-{pk}-{timezone.localdate().isoformat()}")
        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response


# Access: auth events, the history of identities, the access review ----------------------


class StaffOrAuditorMixin(RoleRequiredMixin):
    """TIP staff and auditors only (they see every country); anyone else with a role: 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not scoping.sees_every_country(request.user):
            raise PermissionDenied(_("Only TIP staff and auditors see this page."))
        return super().dispatch(request, *args, **kwargs)


class AuthEventsView(StaffOrAuditorMixin, View):
    """GET: the latest auth events, newest first, paginated (the API has the filters)."""

    def get(self, request):
        page = Paginator(selectors.auth_events(), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "audit/auth_events.html", {
            "title": _("Sign-in and access events"), "events": page.object_list,
            "page_obj": page, "paginator": page.paginator,
            "is_paginated": page.has_other_pages()})


class PeopleHistoryView(StaffOrAuditorMixin, View):
    """GET: changes to users (active, staff and superuser flags, email, name, roles), roles
    (groups) and profiles (countries, implementers), newest first, with who made them."""

    def get(self, request):
        number = request.GET.get("page", "1")
        number = int(number) if number.isdigit() and int(number) > 0 else 1
        entries, total = identity_entries(limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
        page = Paginator(range(total), PAGE_SIZE).get_page(number)
        return render(request, "audit/people_history.html", {
            "title": _("History of accounts, roles and scope"), "entries": entries,
            "page_obj": page, "paginator": page.paginator,
            "is_paginated": page.has_other_pages()})


class AccessReviewView(StaffOrAuditorMixin, View):
    """GET: every account with its roles, countries, implementers, last sign-in and second
    factor (AC-2(j)); its CSV at ``export.csv``."""

    def get(self, request):
        return render(request, "audit/access_review.html", {
            "title": _("Access review"), "rows": access_review_rows(),
            "inactive_days": settings.INACTIVE_ACCOUNT_DAYS})


class AccessReviewExportView(StaffOrAuditorMixin, View):
    def get(self, request):
        writer = csv_writer(_Echo())  # formula-like text (a name, an email) quoted

        def lines():
            yield writer.writerow(ACCESS_CSV_HEADER)
            for row in access_review_rows():
                yield writer.writerow(access_review_csv_row(row))

        name = f"access-review-{timezone.localdate().isoformat()}"
        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
