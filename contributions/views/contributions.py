"""The contributions pages: the compacts' list, a compact's funding picture and
contributions table (record, verify, attach evidence), its export and import."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import ListView, TemplateView

from compacts.year_locks import YearLocked
from cpc import reauth
from cpc.access import fragments, scoping
from cpc.access.views import RoleRequiredMixin
from cpc.fiscal import fiscal_year_of
from cpc.forms import apply_service_errors
from cpc.samples import SAMPLE_COLUMN, any_sample
from cpc.services import StateConflict
from cpc.spreadsheets import csv_writer, safe_row, xlsx_row
from cpc.storage import private_file_response
from cpc.versions import VERSION_FIELD, RecordChanged, record_version

from .. import charts, selectors, services
from ..forms import ContributionEvidenceForm, ContributionForm, ContributionImportForm
from ..importing import COLUMNS, ContributionImportError
from ..models import Contribution
from .common import ERR_NOT_SAVED, ERR_NOT_WRITER, CompactMixin, contributions_url

# The sample column (cpc/samples.py) says whether the row's figures are invented; an import
# ignores it: what a user imports is never a sample.
EXPORT_COLUMNS = (*COLUMNS, "verified", "recorded_at_dialogue", SAMPLE_COLUMN)


class CompactListView(RoleRequiredMixin, fragments.CachedBodyMixin, ListView):
    template_name = "contributions/compact_list.html"
    body_template_name = "contributions/_compact_list_body.html"
    context_object_name = "compacts"
    paginate_by = 50

    def get_queryset(self):
        return selectors.compact_list(user=self.request.user).select_related(
            "sustainability_plan")


class CompactContributionsView(CompactMixin, TemplateView):
    """The funding picture and the contributions table; writers add a contribution here."""

    template_name = "contributions/compact_contributions.html"
    body_template_name = "contributions/_compact_contributions_body.html"

    def get(self, request, *args, **kwargs):
        # The page as most readers see it (no failed form) comes from the cache while the
        # records stand still (cpc.access.fragments).
        body = fragments.cached_html(request, "contributions-page", (self.compact.pk,),
                                     self.body_template_name, self.get_context_data)
        return render(request, self.template_name, {"compact": self.compact, "body": body})

    def render_to_response(self, context, **response_kwargs):
        """A page with a failed form or a row's error: its content rendered afresh."""
        body = mark_safe(render_to_string(self.body_template_name, context,
                                          request=self.request))
        form = context.get("form")
        # The title says "Error:" (base.html), the form being out of the page's context.
        has_errors = bool(form is not None and form.errors) or any(
            c.row_errors for c in context.get("contributions", ()))
        return super().render_to_response({"compact": self.compact, "body": body,
                                           "form_has_errors": has_errors},
                                          **response_kwargs)

    def _form(self, data=None, files=None) -> ContributionForm:
        user, compact = self.request.user, self.compact
        years = compact.fiscal_years()
        this_year = fiscal_year_of(timezone.localdate())
        return ContributionForm(
            data, files,
            # The compact is set so the form checks the fiscal year and dialogue against it.
            instance=Contribution(compact=compact),
            fiscal_years=years,
            dialogues=selectors.dialogue_list(user=user).filter(compact=compact)
            .order_by("-fiscal_year", "-scheduled_for"),
            initial={"fiscal_year": this_year if this_year in years else None},
        )

    def page(self, *, status: int = 200, **kwargs):
        """The page, with a failed form or a row's error (``row_errors``: {pk: [messages]})."""
        return self.render_to_response(self.get_context_data(**kwargs), status=status)

    def get_context_data(self, **kwargs):
        user, compact = self.request.user, self.compact
        years = selectors.funding_picture(user=user, compact=compact)
        can_add = scoping.can_record_in(user, compact.country_id)
        if can_add and "form" not in kwargs:
            kwargs["form"] = self._form()
        row_errors = kwargs.pop("row_errors", {})
        contributions = list(selectors.contribution_list_for_compact(user=user,
                                                                     compact=compact))
        for contribution in contributions:
            contribution.row_errors = row_errors.get(contribution.pk, [])
            contribution.version = record_version(contribution)
        return super().get_context_data(
            compact=compact,
            contributions=contributions,
            # Whether the funding picture adds up a sample figure (cpc/samples.py).
            funding_sample=(compact.partner_contribution_planned_is_sample
                            or any_sample(contributions) or compact.us_awarded_includes_sample),
            funding_years=years,
            funding_totals=selectors.funding_total(years),
            funding_chart=charts.funding_chart_svg(
                years, title=f"{compact.country.name}: U.S. awards and partner contributions "
                             "by fiscal year"),
            plan=selectors.plan_for_compact(user=user, compact=compact),
            can_add=can_add,
            can_verify=scoping.is_tip_staff(user),
            evidence_form=ContributionEvidenceForm(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not scoping.can_record_in(request.user, self.compact.country_id):
            raise PermissionDenied(ERR_NOT_WRITER)
        form = self._form(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if not data.get("evidence"):
                data.pop("evidence", None)
            try:
                services.contribution_create(user=request.user, compact=self.compact, **data)
            except YearLocked as locked:
                form.add_error("fiscal_year" if "fiscal_year" in form.fields else None,
                               locked.message)
                messages.error(request, ERR_NOT_SAVED)
                return self.render_to_response(self.get_context_data(form=form), status=409)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Contribution recorded."))
                return redirect(contributions_url(self.compact))
        messages.error(request, ERR_NOT_SAVED)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ContributionRowView(CompactContributionsView):
    """A POST about one contribution of the page; a refusal is shown beside its row."""

    def get(self, request, *args, **kwargs):
        return redirect(contributions_url(self.compact))

    def contribution(self, contribution_pk) -> Contribution:
        return get_object_or_404(
            selectors.contribution_list_for_compact(user=self.request.user,
                                                    compact=self.compact),
            pk=contribution_pk)

    def refused(self, contribution, error: ValidationError, status: int = 400):
        messages.error(self.request, _(
            "The FY%(fiscal_year)s %(kind)s contribution was not changed: see the message in "
            "its row.") % {"fiscal_year": contribution.fiscal_year,
                           "kind": contribution.get_kind_display().lower()})
        return self.page(status=status, row_errors={contribution.pk: error.messages})


class ContributionVerifyView(ContributionRowView):
    """POST: TIP Office staff confirm a contribution's figures against its evidence."""

    def post(self, request, pk, contribution_pk):
        if not scoping.is_tip_staff(request.user):
            raise PermissionDenied(services.ERR_VERIFY_STAFF_ONLY)
        contribution = self.contribution(contribution_pk)
        if not reauth.session_is_recent(request):
            return reauth.reauth_redirect(request)  # verifying needs a recent sign-in
        try:
            # Staff verify the figures the page showed them, not figures changed since.
            services.contribution_verify(contribution=contribution, user=request.user,
                                         version=request.POST.get(VERSION_FIELD))
        except RecordChanged as changed:
            return self.refused(self.contribution(contribution_pk),
                                ValidationError(changed.message), status=409)
        except StateConflict as conflict:
            # Four eyes: the message names the rule, beside the row.
            return self.refused(contribution, ValidationError(conflict.message), status=409)
        except ValidationError as error:
            return self.refused(contribution, error)
        messages.success(request, _("Verified the FY%(fiscal_year)s %(kind)s contribution.") % {
            "fiscal_year": contribution.fiscal_year,
            "kind": contribution.get_kind_display().lower()})
        return redirect(contributions_url(self.compact))


class ContributionEvidenceView(ContributionRowView):
    """POST: attach (or replace) a contribution's evidence; writers of the country."""

    def post(self, request, pk, contribution_pk):
        if not scoping.can_record_in(request.user, self.compact.country_id):
            raise PermissionDenied(ERR_NOT_WRITER)
        contribution = self.contribution(contribution_pk)
        form = ContributionEvidenceForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.refused(contribution, ValidationError(
                [m for messages_ in form.errors.values() for m in messages_]))
        try:
            services.contribution_update(contribution=contribution, user=request.user,
                                         data={"evidence": form.cleaned_data["evidence"]})
        except YearLocked as locked:
            return self.refused(contribution, ValidationError(locked.message), status=409)
        except ValidationError as error:
            return self.refused(contribution, error)
        messages.success(request, _(
            "Evidence attached to the FY%(fiscal_year)s %(kind)s contribution.") % {
                "fiscal_year": contribution.fiscal_year,
                "kind": contribution.get_kind_display().lower()})
        return redirect(contributions_url(self.compact))


def _export_rows(contributions):
    # Every text cell through the formula guard (cpc.spreadsheets), not only descriptions.
    for c in contributions:
        yield safe_row([c.fiscal_year, c.kind, c.description, c.amount_local, c.currency,
                        c.amount_usd, c.personnel_count, c.verified,
                        c.recorded_at_dialogue_id or "", "yes" if c.is_sample else "no"])


class ContributionsExportView(CompactMixin, View):
    def get(self, request, pk, fmt):
        if fmt not in ("csv", "xlsx"):
            raise Http404("Export as .csv or .xlsx.")
        contributions = selectors.contribution_list_for_compact(user=request.user,
                                                                compact=self.compact)
        name = f"contributions-{slugify(self.compact.country.name)}-{self.compact.pk}"
        if fmt == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            writer = csv_writer(response)
            writer.writerow(EXPORT_COLUMNS)
            writer.writerows(_export_rows(contributions))
            return response
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Contributions")
        sheet.append(xlsx_row(sheet, EXPORT_COLUMNS))
        for row in _export_rows(contributions):
            sheet.append(xlsx_row(sheet, row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response


class ContributionImportView(CompactMixin, TemplateView):
    template_name = "contributions/import.html"

    def _check_staff(self):
        if not scoping.is_tip_staff(self.request.user):
            raise PermissionDenied(_("Only TIP Office staff import contributions."))

    def get(self, request, *args, **kwargs):
        self._check_staff()
        return self.render_to_response(self.get_context_data(form=ContributionImportForm()))

    def post(self, request, *args, **kwargs):
        self._check_staff()
        form = ContributionImportForm(request.POST, request.FILES)
        errors = []
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                saved = services.contributions_import(
                    user=request.user, compact=self.compact, uploaded_file=upload,
                    filename=upload.name)
            except ContributionImportError as error:
                errors = error.errors
            else:
                messages.success(request, ngettext("Imported %(count)s contribution.",
                                                  "Imported %(count)s contributions.",
                                                  len(saved)) % {"count": len(saved)})
                return redirect("contributions:compact-contributions", pk=self.compact.pk)
        return self.render_to_response(
            self.get_context_data(form=form, import_errors=errors), status=400)

    def get_context_data(self, **kwargs):
        return super().get_context_data(compact=self.compact, columns=COLUMNS, **kwargs)


class EvidenceDownloadView(RoleRequiredMixin, View):
    def get(self, request, pk):
        contribution = get_object_or_404(selectors.contribution_list(user=request.user), pk=pk)
        return private_file_response(contribution.evidence)
