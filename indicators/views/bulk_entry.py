"""Bulk entry of a fiscal year's results from a spreadsheet: the template to download, the
upload with its preview, and the confirm (``indicators.bulk`` reads and applies the file)."""

import uuid

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from compacts.year_locks import YearLocked
from cpc import spreadsheets
from cpc.access import scoping
from cpc.access.views import RoleRequiredMixin

from .. import bulk, selectors
from ..forms import BulkConfirmForm, BulkUploadForm
from ..services import ERR_MAY_NOT_ENTER
from .compact import XLSX_TYPE

BULK_TOKEN_SALT = "indicators.bulk.upload"
BULK_TOKEN_MAX_AGE = bulk.PREVIEW_MAX_AGE
ERR_BULK_EXPIRED = gettext_lazy("The preview has expired or is not yours; upload the file again.")
ERR_BULK_YEAR = gettext_lazy("FY{year} is not one of the compact's fiscal years.")


class BulkEntryMixin:
    def _compact(self, request, compact_id):
        compact = selectors.compact_for_indicator_table(user=request.user, compact_id=compact_id)
        if not scoping.records_results_in(request.user, compact):
            raise PermissionDenied(_(ERR_MAY_NOT_ENTER))
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
