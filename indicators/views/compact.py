"""The pages of a compact's indicators: targets and results by fiscal year with the review of
submitted results, a result's source documents, and the downloadable indicator performance
tracking table.

Querysets come from the selectors, so a compact outside the user's countries is a 404; a role
that may not write gets a 403. Every write goes through ``indicators.services``.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View

from compacts.selectors import compact_headings
from compacts.year_locks import YearLocked
from cpc import reauth
from cpc.access import fragments, scoping
from cpc.access.roles import ROLE_LABELS
from cpc.access.views import RoleRequiredMixin
from cpc.forms import apply_service_errors
from cpc.services import StateConflict
from cpc.storage import private_file_response

from .. import exports, selectors, services
from ..charts import indicator_progress_chart_svg
from ..formatting import NOT_REPORTED, NOT_TRACKED, amount, reported
from ..forms import DocumentForm, ReviewForm
from ..models import PARTNER_BUDGET_NOTE, ResultStatus
from ..progress import NO_DATA, NO_TARGET, NOT_DUE_LABEL, STATUS_LABELS, Progress, status_label

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ProgressCell:
    """One year (or the life of compact) of an indicator, formatted for the page."""

    target: str
    actual: str
    percent: str
    status: str
    status_label: str
    # "since FY2025": the first year a running total or life-of-compact sum covers, when
    # earlier years of the indicator are left out of it (Progress.since).
    since: str = ""

    @classmethod
    def of(cls, row: Progress | None, unit: str) -> "ProgressCell":
        if row is None:
            return cls("", "", "", NO_TARGET, STATUS_LABELS[NO_TARGET])
        if row.target is None or row.actual is None:
            percent = NOT_REPORTED
        elif row.percent_of_target is None:
            percent = ""  # a zero target that any actual meets: no percent to state
        else:
            percent = number_format(row.percent_of_target, 0, use_l10n=True,
                                    force_grouping=True) + "%"
        since = ""
        if row.since is not None and row.actual is not None:
            since = _("since FY %(year)s") % {"year": row.since}
        return cls(reported(row.target, unit), reported(row.actual, unit), percent, row.status,
                   status_label(row), since)

    @classmethod
    def not_tracked(cls) -> "ProgressCell":
        """A year outside the indicator's own fiscal years."""
        return cls(NOT_TRACKED, NOT_TRACKED, NOT_TRACKED, "not_tracked", _("Not tracked"))


class CompactIndicatorsView(RoleRequiredMixin, View):
    """GET /indicators/compact/<id>/: every indicator with baseline, target, actual, percent
    and status per fiscal year; a chart per key indicator; for TIP staff, the submitted
    results awaiting review. The query count does not grow with the number of indicators."""

    template_name = "indicators/compact_indicators.html"

    body_template_name = "indicators/_compact_indicators_body.html"

    def get(self, request, compact_id: int):
        user = request.user
        # The scoped lookup (404) on every request; the table from the cache while the
        # records stand still (cpc.access.fragments).
        compact = get_object_or_404(compact_headings(user=user), pk=compact_id)

        def context():
            return self.table_context(user, compact_id)

        body = fragments.cached_html(request, "indicators-page", (compact_id,),
                                     self.body_template_name, context)
        return render(request, self.template_name, {"compact": compact, "body": body})

    @staticmethod
    def table_context(user, compact_id: int) -> dict:
        compact = selectors.compact_for_indicator_table(user=user, compact_id=compact_id)
        indicators, progress = selectors.indicator_table(user=user, compact=compact)
        years = compact.fiscal_years()
        rows = []
        for indicator in indicators:
            item = progress[indicator.pk]
            rows.append({
                "indicator": indicator,
                "baseline": amount(indicator.baseline_value, indicator.unit),
                "years": [ProgressCell.of(item.for_year(year), indicator.unit)
                          if indicator.is_tracked_in(year) else ProgressCell.not_tracked()
                          for year in years],
                "life_of_compact": ProgressCell.of(item.life_of_compact, indicator.unit),
            })
        charts = [
            {"indicator": item.indicator, "svg": indicator_progress_chart_svg(item)}
            for item in (progress[i.pk] for i in indicators if i.is_key)
        ]
        awaiting_review = list(
            selectors.result_list(user=user)
            .filter(indicator__compact=compact, status=ResultStatus.SUBMITTED)
            .order_by("indicator__code", "fiscal_year", "pk")
        )
        # Whom each result goes back to if returned: the role of whoever reported it.
        roles = selectors.reporter_roles(awaiting_review)
        for result in awaiting_review:
            result.reporter_role = roles.get(result.reported_by_id, "")
            result.reporter_role_label = ROLE_LABELS.get(result.reporter_role, "")
        reporter_roles = {result.reporter_role for result in awaiting_review}
        return {
            "compact": compact,
            "years": years,
            "rows": rows,
            "charts": charts,
            "partner_budget_note": PARTNER_BUDGET_NOTE,
            "sample_figures": any(i.shows_sample_figures for i in indicators),
            "status_labels": [*STATUS_LABELS.items(), (NO_DATA, NOT_DUE_LABEL)],
            "awaiting_review": awaiting_review,
            # One role among the reporters: the reviewers' note names it.
            "return_to": reporter_roles.pop() if len(reporter_roles) == 1 else "",
            "can_review": scoping.is_tip_staff(user),
            "can_record": scoping.records_results_in(user, compact),
            "review_form": ReviewForm(),
        }


class ResultReviewView(RoleRequiredMixin, View):
    """POST /indicators/compact/<id>/results/<result_id>/approve/ or .../return/ (TIP staff).
    Conflicts (the result is no longer submitted) and a missing note come back as messages."""

    def post(self, request, compact_id: int, result_id: int, action: str):
        user = request.user
        compact = selectors.compact_for_indicator_table(user=user, compact_id=compact_id)
        result = get_object_or_404(
            selectors.result_list(user=user).filter(indicator__compact=compact), pk=result_id)
        if not scoping.is_tip_staff(user):
            raise PermissionDenied(services.ERR_ONLY_STAFF_REVIEW)
        if action == "approve" and not reauth.session_is_recent(request):
            return reauth.reauth_redirect(request)  # approving needs a recent sign-in
        form = ReviewForm(request.POST)
        note = form.cleaned_data["review_note"] if form.is_valid() else ""
        label = _("%(code)s FY%(fiscal_year)s") % {"code": result.indicator.code,
                                                   "fiscal_year": result.fiscal_year}
        try:
            if action == "approve":
                services.result_approve(user=user, result=result, review_note=note)
            else:
                services.result_return(user=user, result=result, review_note=note)
        except StateConflict as conflict:
            messages.error(request, _("%(label)s: %(problem)s") % {
                "label": label, "problem": conflict.message})
        except ValidationError as error:
            messages.error(request, _("%(label)s: %(problem)s") % {
                "label": label, "problem": " ".join(error.messages)})
        else:
            reporter = result.reported_by.get_username() if result.reported_by else ""
            if action == "approve":
                done = _("%(label)s approved.")
            elif reporter:  # back to whoever submitted it: an officer, an implementer
                done = _("%(label)s returned to %(reporter)s.")
            else:
                done = _("%(label)s returned.")
            messages.success(request, done % {"label": label, "reporter": reporter})
        return redirect(reverse("indicators:compact-indicators", args=[compact.pk]) + "#review")


class ResultDocumentsView(RoleRequiredMixin, View):
    """GET/POST /indicators/compact/<id>/results/<result_id>/documents/: a result's source
    documents; writers of the country attach more (never remove: they back the figure)."""

    template_name = "indicators/result_documents.html"

    def _result(self, request, compact_id, result_id):
        compact = selectors.compact_for_indicator_table(user=request.user, compact_id=compact_id)
        result = get_object_or_404(
            selectors.result_list(user=request.user).filter(indicator__compact=compact)
            .prefetch_related("documents__uploaded_by"), pk=result_id)
        return compact, result

    def _render(self, request, compact, result, form, status=200):
        return render(request, self.template_name, {
            "compact": compact, "result": result, "form": form,
            "can_attach": scoping.can_record_result(request.user, result.indicator),
        }, status=status)

    def get(self, request, compact_id: int, result_id: int):
        compact, result = self._result(request, compact_id, result_id)
        return self._render(request, compact, result, DocumentForm())

    def post(self, request, compact_id: int, result_id: int):
        compact, result = self._result(request, compact_id, result_id)
        if not scoping.can_record_result(request.user, result.indicator):
            raise PermissionDenied(services.ERR_NOT_YOUR_COUNTRY)
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.result_document_add(result=result, user=request.user,
                                             **form.cleaned_data)
            except YearLocked as locked:
                form.add_error(None, locked.message)
                return self._render(request, compact, result, form, status=409)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Source document attached."))
                return redirect("indicators:result-documents", compact_id=compact.pk,
                                result_id=result.pk)
        return self._render(request, compact, result, form, status=400)


class ResultDocumentDownloadView(RoleRequiredMixin, View):
    """A result's source document, to whoever may see the result."""

    def get(self, request, pk: int):
        document = get_object_or_404(selectors.result_document_list(user=request.user), pk=pk)
        return private_file_response(document.file)


class IndicatorTableExportView(RoleRequiredMixin, View):
    """GET /indicators/compact/<id>/export.csv or .xlsx (any role may read; scoped)."""

    def get(self, request, compact_id: int, fmt: str):
        compact = selectors.compact_for_indicator_table(user=request.user, compact_id=compact_id)
        indicators, progress = selectors.indicator_table(user=request.user, compact=compact)
        header, rows = exports.tracking_table(compact, indicators, progress)
        filename = f"{slugify(compact.title)}-indicators.{fmt}"
        if fmt == "csv":
            response = HttpResponse(exports.as_csv(header, rows),
                                    content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(exports.as_xlsx(compact, header, rows),
                                    content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
