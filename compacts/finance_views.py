"""The award finance pages: TIP staff enter an award's figures per fiscal year and import a
compact's financial-system export (preview, then confirm); whoever sees the compact
downloads its finances as CSV. Figures come from compacts.finances; writes go through
compacts.finance_services and compacts.finance_import."""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView, View

from cpc.access import scoping
from cpc.access.views import RoleRequiredMixin
from cpc.samples import SAMPLE_COLUMN
from cpc.services import StateConflict
from cpc.spreadsheets import csv_writer

from . import finance_import, finance_services, finances, selectors
from .finance_forms import AwardFinanceForm, FinanceConfirmForm, FinanceImportForm
from .models import AwardFinance

IMPORT_TOKEN_SALT = "compacts.finances.import"
IMPORT_TOKEN_MAX_AGE = 3600
CSV_COLUMNS = ("award_number", "implementer", "award_amount_usd", "fiscal_year",
               "obligated_usd", "disbursed_usd", "spent_usd", "unspent_usd",
               "burn_rate_percent", "open_after_compact_end", "source_reference", "as_of",
               SAMPLE_COLUMN)
ALL_YEARS = "all years"


def compact_url(compact) -> str:
    from django.urls import reverse

    return reverse("oversight:compact-detail", args=[compact.pk]) + "#finances"


def _require_staff(user) -> None:
    if not scoping.is_tip_staff(user):
        raise PermissionDenied(_("Only TIP Office staff record award finances."))


class AwardFinanceEditView(RoleRequiredMixin, TemplateView):
    """An award's figures, a row per fiscal year of its term and its close-out year."""

    template_name = "compacts/award_finances.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scoping.user_roles(request.user):
            self.award = get_object_or_404(
                selectors.award_list(user=request.user).select_related("compact", "implementer"),
                pk=kwargs["pk"])
            _require_staff(request.user)
        return super().dispatch(request, *args, **kwargs)

    def year_forms(self, data=None):
        first, last = finance_services.fiscal_year_range(self.award)
        rows = {r.fiscal_year: r for r in AwardFinance.objects.filter(award=self.award)}
        return [(year, AwardFinanceForm(data, instance=rows.get(year), prefix=f"fy{year}"))
                for year in range(first, last + 1)]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(
            year_forms=self.year_forms(), version=finance_services.finances_version(self.award)))

    def post(self, request, *args, **kwargs):
        year_forms = self.year_forms(request.POST)
        errors, status = [], 400
        if all(form.is_valid() for _, form in year_forms):
            rows = [{"fiscal_year": year, **form.cleaned_data}
                    for year, form in year_forms if not form.is_blank()]
            try:
                finance_services.award_finances_save(
                    user=request.user, award=self.award, rows=rows,
                    version=request.POST.get("version"))
            except ValidationError as error:
                errors = [m for messages_ in error.message_dict.values() for m in messages_]
            except StateConflict as conflict:
                errors, status = [str(conflict)], 409
                year_forms = self.year_forms()
            else:
                messages.success(request, _("The award's finances are saved."))
                return redirect(compact_url(self.award.compact))
        return self.render_to_response(self.get_context_data(
            year_forms=year_forms, service_errors=errors,
            version=finance_services.finances_version(self.award)), status=status)

    def get_context_data(self, **kwargs):
        return super().get_context_data(award=self.award, compact=self.award.compact, **kwargs)


class CompactFinanceMixin(RoleRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scoping.user_roles(request.user):
            self.compact = get_object_or_404(
                selectors.visible_compacts(user=request.user).with_current_end()
                .select_related("country"),
                pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class FinanceImportView(CompactFinanceMixin, TemplateView):
    """Upload, preview, confirm: nothing is saved until the preview is confirmed, and then
    every row or none."""

    template_name = "compacts/finance_import.html"

    def get(self, request, *args, **kwargs):
        _require_staff(request.user)
        return self.render_to_response(self.get_context_data(form=FinanceImportForm()))

    def post(self, request, *args, **kwargs):
        _require_staff(request.user)
        if "token" in request.POST:
            return self.confirm(request)
        form = FinanceImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        upload = form.cleaned_data["file"]
        try:
            rows = finance_import.read_rows(upload, upload.name)
            preview = finance_import.check_rows(rows, compact=self.compact, user=request.user)
        except finance_import.FinanceImportError as error:
            return self.render_to_response(self.get_context_data(
                form=form, import_errors=error.errors), status=400)
        token = signing.dumps({"user": request.user.pk, "compact": self.compact.pk,
                               "rows": finance_import.preview_payload(preview)},
                              salt=IMPORT_TOKEN_SALT, compress=True)
        return self.render_to_response(self.get_context_data(
            form=FinanceImportForm(), preview=preview,
            confirm=FinanceConfirmForm(initial={"token": token})))

    def confirm(self, request):
        form = FinanceConfirmForm(request.POST)
        try:
            token = signing.loads(form.data.get("token", ""), salt=IMPORT_TOKEN_SALT,
                                  max_age=IMPORT_TOKEN_MAX_AGE)
            if (token["user"], token["compact"]) != (request.user.pk, self.compact.pk):
                raise signing.BadSignature
        except signing.BadSignature:
            messages.error(request, _("The preview has expired or is not yours; upload the "
                                      "file again."))
            return redirect(request.path)
        try:
            saved = finance_import.finances_import(
                user=request.user, compact=self.compact,
                rows=[(number, values) for number, values in token["rows"]])
        except finance_import.FinanceImportError as error:
            return self.render_to_response(self.get_context_data(
                form=FinanceImportForm(), import_errors=error.errors), status=400)
        messages.success(request, ngettext("Imported %(count)s finance row.",
                                           "Imported %(count)s finance rows.", saved)
                         % {"count": saved})
        return redirect(compact_url(self.compact))

    def get_context_data(self, **kwargs):
        return super().get_context_data(compact=self.compact,
                                        columns=finance_import.COLUMNS, **kwargs)


def csv_rows(money: finances.CompactFinances):
    """The CSV's rows: each award's years, the award's total, and the compact's total."""
    def figures(totals):
        rate = totals.burn_rate_percent
        return [totals.obligated, totals.disbursed, totals.spent, totals.unspent,
                "" if rate is None else rate]

    for item in money.awards:
        award = item.award
        head = [award.award_number, award.implementer.name, award.amount_usd]
        for row in item.years:
            year = finances.Figures()
            year.add(row)
            yield [*head, row.fiscal_year, *figures(year), "",
                   row.source_reference, row.as_of.isoformat(), "yes" if row.is_sample else ""]
        yield [*head, ALL_YEARS, *figures(item.totals),
               "yes" if item.open_after_end else "no", "", "",
               "yes" if item.totals.includes_sample or award.is_sample else ""]
    yield ["TOTAL", "", money.awarded, ALL_YEARS, *figures(money.totals),
           str(len(money.open_after_end)), "", "",
           "yes" if money.totals.includes_sample or money.awarded_includes_sample else ""]


class FinanceCSVView(CompactFinanceMixin, View):
    def get(self, request, *args, **kwargs):
        money = finances.compact_finances(self.compact, today=timezone.localdate())
        name = f"finances-{slugify(self.compact.country.name)}-{self.compact.pk}"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        writer = csv_writer(response)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(csv_rows(money))
        return response
