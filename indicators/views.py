"""Indicator pages: a compact's indicators with targets and results by fiscal year (and the
review of submitted results), the data-entry grid, and the downloadable indicator
performance tracking table.

Querysets come from the selectors, so a compact outside the user's countries is a 404; a role
that may not write gets a 403. Every write goes through ``indicators.services``.
"""

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext
from django.views import View

from compacts import fragments, scoping
from compacts.models import Compact
from compacts.roles import ROLE_LABELS
from compacts.views import RoleRequiredMixin
from compacts.year_locks import YearLocked
from cpc import reauth, spreadsheets
from cpc.fiscal import year_being_reported
from cpc.services import StateConflict
from cpc.storage import private_file_response

from . import bulk, exports, selectors, services
from .charts import indicator_progress_chart_svg
from .formatting import NOT_REPORTED, NOT_TRACKED, amount, reported
from .forms import (
    NOT_SENT,
    OPENED_SUFFIX,
    BulkConfirmForm,
    BulkUploadForm,
    DocumentForm,
    GridCellForm,
    GridSubmitForm,
    ReviewForm,
    plain,
)
from .models import PARTNER_BUDGET_NOTE, ResultStatus
from .progress import (
    NO_DATA,
    NO_TARGET,
    NOT_DUE_LABEL,
    STATUS_LABELS,
    Progress,
    status_label,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ERR_CANNOT_CLEAR = gettext_noop(
    "A saved figure cannot be removed here; enter a corrected value instead.")
ERR_GRID_NOT_SAVED = gettext_noop(
    "Nothing was saved: correct the highlighted cells and save again.")
ERR_REASON_NEEDED_BELOW = gettext_noop(
    "This changes an approved value: say why in the box below the grid.")
ERR_CELL_CHANGED = gettext_noop(
    "Someone else saved {saved} here since you opened the page; your figure was not saved. "
    "Check it and save again."
)


def _changed_since_opened(cell: GridCellForm, names: list[str]) -> bool:
    """Whether the saved figures of ``names`` differ from those the page showed."""
    return any(cell.opened(n) is not NOT_SENT and cell.opened(n) != cell.saved[n]
               for n in names)


def _refuse_changed(cell: GridCellForm, names: list[str]) -> None:
    saved = " / ".join(plain(cell.saved[n]) or "nothing" for n in names)
    cell.conflict = True
    raise ValidationError({names[0]: [_(ERR_CELL_CHANGED).format(saved=saved)]})


def _show_saved_where_left_alone(cell: GridCellForm) -> None:
    """An input sent back as the page showed it shows the saved figure again: someone may
    have changed it meanwhile, and the next save must not write the old one back."""
    for name in cell.fields:
        key = cell.add_prefix(name)
        opened = key + OPENED_SUFFIX
        if opened in cell.data and cell.data.get(key, "") == cell.data.get(opened):
            cell.data[key] = plain(cell.saved[name]) or ""


def _left_alone(cell: GridCellForm, names: list[str], posted: dict) -> bool:
    """The user sent back exactly what the page showed: nothing of theirs to save."""
    return all(cell.opened(n) is not NOT_SENT and cell.opened(n) == posted[n]
               for n in names)


# The compact's indicators ----------------------------------------------------------------


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
        # records stand still (compacts.fragments).
        compact = get_object_or_404(scoping.scope_to_visible(
            Compact.objects.select_related("country").only("pk", "title", "country__iso_code"),
            user), pk=compact_id)

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
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
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


# Data entry ---------------------------------------------------------------------------------


class DataEntryView(RoleRequiredMixin, View):
    """GET/POST /indicators/compact/<id>/data-entry/: a grid of indicators x fiscal years.

    TIP staff set targets and record results; embassy officers record results for their
    countries (no target inputs); auditors get 403. A submit is saved in one transaction
    through the services or not at all; each service error is shown beside the input that
    caused it, and every cell is tried so that all errors show at once.
    """

    template_name = "indicators/data_entry.html"

    def _compact(self, request, compact_id):
        compact = selectors.compact_for_indicator_table(user=request.user, compact_id=compact_id)
        if not scoping.records_results_in(request.user, compact):
            raise PermissionDenied(_("Your role does not allow entering indicator data."))
        return compact

    def _grid(self, request, compact, data=None):
        user = request.user
        can_set_targets = scoping.is_tip_staff(user)
        indicators = list(selectors.compact_indicators_to_record(user=user, compact=compact)
                          .order_by("-is_key", "code", "pk"))
        targets = {
            (t.indicator_id, t.fiscal_year): t
            for t in selectors.target_list(user=user).filter(indicator__compact=compact)
        }
        results = {
            (r.indicator_id, r.fiscal_year): r
            for r in selectors.result_list(user=user).filter(indicator__compact=compact)
        }
        # The year being reported first, so a narrow screen shows it without scrolling;
        # the compact's other years follow in order.
        years = compact.fiscal_years()
        reporting_year = year_being_reported(years, timezone.localdate())
        if reporting_year:
            years = [reporting_year, *(year for year in years if year != reporting_year)]
        rows = []
        for indicator in indicators:
            indicator.compact = compact  # the services read the country from it
            rows.append({"indicator": indicator, "cells": [
                GridCellForm(
                    data, indicator=indicator, fiscal_year=year,
                    target=targets.get((indicator.pk, year)),
                    result=results.get((indicator.pk, year)),
                    can_set_targets=can_set_targets,
                )
                for year in years
            ]})
        return {"compact": compact, "years": years, "rows": rows,
                "reporting_year": reporting_year, "can_set_targets": can_set_targets,
                "submit_form": GridSubmitForm(data)}

    def get(self, request, compact_id: int):
        compact = self._compact(request, compact_id)
        return render(request, self.template_name, self._grid(request, compact))

    def post(self, request, compact_id: int):
        compact = self._compact(request, compact_id)
        # A copy: inputs the user left alone show what is saved now if the page comes back.
        context = self._grid(request, compact, request.POST.copy())
        cells = [cell for row in context["rows"] for cell in row["cells"]]
        submit = context["submit_form"]
        valid = all([submit.is_valid(), *[cell.is_valid() for cell in cells]])
        reason = submit.cleaned_data.get("change_reason", "").strip()
        source = submit.cleaned_data.get("source", "").strip()
        saved = 0
        with transaction.atomic():
            # Every valid cell goes through the services, each in its own savepoint, so that
            # the services' errors show beside their cells together with the form errors;
            # then the whole submit is undone unless every cell was saved.
            for cell in cells:
                if not cell.is_valid():
                    continue
                try:
                    with transaction.atomic():
                        saved += _save_cell(request.user, cell, reason=reason, source=source)
                except ValidationError as error:
                    valid = False
                    _cell_errors(cell, error, submit)
                except YearLocked as locked:
                    valid = False
                    cell.conflict = True
                    cell.add_error(None, locked.message)
            if not valid:
                transaction.set_rollback(True)
        if valid:
            if saved:
                messages.success(request, ngettext("Saved %(count)s change.",
                                                   "Saved %(count)s changes.", saved)
                                 % {"count": saved})
            else:
                messages.info(request, _("Nothing had changed; nothing was saved."))
            return redirect("indicators:data-entry", compact_id=compact.pk)
        context["grid_error"] = _(ERR_GRID_NOT_SAVED)
        context["grid_forms"] = cells  # for the error summary, each cell's errors
        for cell in cells:
            _show_saved_where_left_alone(cell)
        conflict = any(getattr(cell, "conflict", False) for cell in cells)
        return render(request, self.template_name, context, status=409 if conflict else 400)


def _save_cell(user, cell: GridCellForm, *, reason: str, source: str) -> int:
    """Write one cell's changes through the services; return how many records changed."""
    changed = 0
    target = cell.target_obj
    # Officers have no target field, so a target they post is not even read.
    if "target" in cell.fields and _left_alone(cell, ["target"],
                                                 {"target": cell.posted("target")}):
        pass  # whatever is saved now stays, even if someone changed it meanwhile
    elif "target" in cell.fields:
        value = cell.posted("target")
        if _changed_since_opened(cell, ["target"]):
            _refuse_changed(cell, ["target"])
        if value is None and target is not None:
            raise ValidationError({"target": [_(ERR_CANNOT_CLEAR)]})
        if value is not None and target is None:
            _as_target_errors(lambda: services.target_create(
                indicator=cell.indicator, fiscal_year=cell.fiscal_year, value=value))
            changed += 1
        elif value is not None and value != target.value:
            _as_target_errors(lambda: services.target_update(target=target,
                                                             data={"value": value}))
            changed += 1

    new = {name: cell.posted(name) for name in cell.result_fields}
    if _left_alone(cell, cell.result_fields, new):
        return changed
    if _changed_since_opened(cell, cell.result_fields):
        _refuse_changed(cell, cell.result_fields)
    result = cell.result_obj
    if result is None:
        if any(v is not None for v in new.values()):
            services.result_record(user=user, indicator=cell.indicator,
                                   fiscal_year=cell.fiscal_year, source=source, **new)
            changed += 1
        return changed
    old = {name: getattr(result, name) for name in cell.result_fields}
    if new == old:
        return changed
    if all(v is None for v in new.values()):
        raise ValidationError({cell.result_fields[0]: [_(ERR_CANNOT_CLEAR)]})
    update = dict(new)
    if source:
        update["source"] = source
    services.result_update(user=user, result=result, data=update, change_reason=reason)
    return changed + 1


def _as_target_errors(save):
    """A target's ``value`` error belongs beside the target input, not the actual."""
    try:
        return save()
    except ValidationError as error:
        errors = dict(error.message_dict)
        if "value" in errors:
            errors["target"] = errors.pop("value")
        raise ValidationError(errors) from error


def _cell_errors(cell: GridCellForm, error: ValidationError, submit: GridSubmitForm) -> None:
    """Put a service's errors beside the input of the cell that caused them."""
    if not hasattr(error, "error_dict"):
        cell.add_error(None, error.messages)
        return
    for field, field_messages in error.message_dict.items():
        if field == "change_reason":
            cell.add_error(cell.result_fields[0], _(ERR_REASON_NEEDED_BELOW))
            if "change_reason" not in submit.errors:
                submit.add_error("change_reason", field_messages)
            continue
        if field in cell.fields:
            name = field
        elif field == "value":
            name = cell.result_fields[0]
        else:
            name = None  # fiscal year, disaggregations, scope: about the cell as a whole
        cell.add_error(name, field_messages)


# Export ----------------------------------------------------------------------------------------


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


# Bulk entry from a spreadsheet -----------------------------------------------------------------

BULK_TOKEN_SALT = "indicators.bulk.upload"
BULK_TOKEN_MAX_AGE = bulk.PREVIEW_MAX_AGE
ERR_BULK_EXPIRED = gettext_lazy("The preview has expired or is not yours; upload the file again.")
ERR_BULK_YEAR = gettext_lazy("FY{year} is not one of the compact's fiscal years.")


class BulkEntryMixin:
    def _compact(self, request, compact_id):
        compact = selectors.compact_for_indicator_table(user=request.user, compact_id=compact_id)
        if not scoping.records_results_in(request.user, compact):
            raise PermissionDenied(_("Your role does not allow entering indicator data."))
        return compact

    def _year(self, request, compact) -> int:
        years = compact.fiscal_years()
        raw = request.POST.get("year") or request.GET.get("year")
        if raw is None:
            return years[-1] if years else 0
        try:
            year = int(raw)
        except ValueError:
            year = 0
        if year not in years:
            raise Http404(ERR_BULK_YEAR.format(year=raw))
        return year


class BulkTemplateView(RoleRequiredMixin, BulkEntryMixin, View):
    """GET /indicators/compact/<id>/bulk/template.xlsx?year=YYYY: the results template."""

    def get(self, request, compact_id: int):
        compact = self._compact(request, compact_id)
        year = self._year(request, compact)
        if not year:
            raise Http404("The compact has no fiscal years yet.")
        content = bulk.build_template(user=request.user, compact=compact, fiscal_year=year)
        response = HttpResponse(content, content_type=XLSX_TYPE)
        filename = f"{slugify(compact.title)}-results-fy{year}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class BulkUploadView(RoleRequiredMixin, BulkEntryMixin, View):
    """GET/POST /indicators/compact/<id>/bulk/: download the template of a fiscal year,
    upload it filled in, see a preview of every change and error by sheet, row and column,
    and confirm. The uploaded file is kept in private storage between preview and confirm,
    named in a signed token with its SHA-256; the confirm reads and checks it again."""

    template_name = "indicators/bulk_upload.html"

    def _render(self, request, compact, year, form, *, outcome=None, confirm=None, status=200,
                refusal=""):
        return render(request, self.template_name, {
            "compact": compact, "year": year, "years": compact.fiscal_years(), "form": form,
            "outcome": outcome, "confirm": confirm, "refusal": refusal,
            "indicator_count": len(bulk.indicators_for(user=request.user, compact=compact,
                                                       fiscal_year=year)) if year else 0,
        }, status=status)

    def get(self, request, compact_id: int):
        compact = self._compact(request, compact_id)
        return self._render(request, compact, self._year(request, compact), BulkUploadForm())

    def post(self, request, compact_id: int):
        compact = self._compact(request, compact_id)
        year = self._year(request, compact)
        if "token" in request.POST:
            return self._confirm(request, compact, year)
        form = BulkUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, compact, year, form, status=400)
        try:  # never read more than the limit into memory
            content = spreadsheets.read_bounded(form.cleaned_data["file"])
        except spreadsheets.SpreadsheetRefused as refused:
            form.add_error("file", refused.message)
            return self._render(request, compact, year, form, status=400)
        try:
            rows = bulk.read_upload(content, compact=compact, fiscal_year=year)
        except bulk.FileRefused as refused:
            form.add_error("file", str(refused))
            return self._render(request, compact, year, form, status=400)
        reason = form.cleaned_data["change_reason"].strip()
        try:
            outcome = bulk.apply(user=request.user, compact=compact, fiscal_year=year,
                                 rows=rows, change_reason=reason, write=False)
        except YearLocked as locked:
            return self._render(request, compact, year, form, status=409,
                                refusal=locked.message)
        confirm = None
        if outcome.valid and outcome.changes:
            name = storages["private"].save(
                f"{bulk.PREVIEW_DIR}/{uuid.uuid4().hex}.xlsx", ContentFile(content))
            token = signing.dumps({"name": name, "sha256": bulk.content_digest(content),
                                   "user": request.user.pk, "compact": compact.pk,
                                   "year": year}, salt=BULK_TOKEN_SALT)
            confirm = BulkConfirmForm(initial={"token": token, "change_reason": reason})
        return self._render(request, compact, year, form, outcome=outcome, confirm=confirm,
                            status=200 if outcome.valid else 400)

    def _confirm(self, request, compact, year):
        form = BulkConfirmForm(request.POST)
        storage = storages["private"]
        try:
            if not form.is_valid():
                raise signing.BadSignature
            token = signing.loads(form.cleaned_data["token"], salt=BULK_TOKEN_SALT,
                                  max_age=BULK_TOKEN_MAX_AGE)
            if (token["user"], token["compact"], token["year"]) != (
                    request.user.pk, compact.pk, year):
                raise signing.BadSignature
            with storage.open(token["name"], "rb") as stored:
                content = stored.read()
            if bulk.content_digest(content) != token["sha256"]:
                raise signing.BadSignature
        except (signing.BadSignature, KeyError, OSError):
            return self._render(request, compact, year, BulkUploadForm(), status=400,
                                refusal=ERR_BULK_EXPIRED)
        try:
            rows = bulk.read_upload(content, compact=compact, fiscal_year=year)
        except bulk.FileRefused as refused:  # the rules changed since the preview
            return self._render(request, compact, year, BulkUploadForm(), status=400,
                                refusal=str(refused))
        try:
            outcome = bulk.apply(user=request.user, compact=compact, fiscal_year=year,
                                 rows=rows, change_reason=form.cleaned_data["change_reason"],
                                 write=True)
        except YearLocked as locked:  # locked since the preview
            return self._render(request, compact, year, BulkUploadForm(), status=409,
                                refusal=locked.message)
        if not outcome.valid:  # something changed between preview and confirm
            return self._render(request, compact, year, BulkUploadForm(), outcome=outcome,
                                status=409)
        storage.delete(token["name"])
        count = len(outcome.changes)
        messages.success(request, ngettext(
            "Saved %(count)s result of FY%(fiscal_year)s from the spreadsheet.",
            "Saved %(count)s results of FY%(fiscal_year)s from the spreadsheet.", count)
            % {"count": count, "fiscal_year": year})
        return redirect("indicators:compact-indicators", compact_id=compact.pk)
