"""Server-rendered contributions and sustainability-plan pages. Every object comes from a
scoped selector, so a compact outside the user's countries is a 404 as in the API."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.text import slugify
from django.views import View
from django.views.generic import ListView, TemplateView

from compacts import scoping
from compacts.views import RoleRequiredMixin

from . import charts, selectors, services
from .api import private_file_response
from .forms import ContributionImportForm, FollowUpForm
from .importing import COLUMNS, ContributionImportError

EXPORT_COLUMNS = (*COLUMNS, "verified", "recorded_at_dialogue")


class CompactMixin(RoleRequiredMixin):
    """Loads ``self.compact`` from the user's visible compacts (404 outside scope)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scoping.user_roles(request.user):
            self.compact = get_object_or_404(selectors.compact_list(user=request.user),
                                             pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class CompactListView(RoleRequiredMixin, ListView):
    template_name = "contributions/compact_list.html"
    context_object_name = "compacts"

    def get_queryset(self):
        return selectors.compact_list(user=self.request.user).select_related(
            "sustainability_plan")


class CompactContributionsView(CompactMixin, TemplateView):
    template_name = "contributions/compact_contributions.html"

    def get_context_data(self, **kwargs):
        user, compact = self.request.user, self.compact
        years = selectors.funding_picture(user=user, compact=compact)
        return super().get_context_data(
            compact=compact,
            contributions=selectors.contribution_list_for_compact(user=user, compact=compact),
            funding_years=years,
            funding_totals={
                attr: sum((getattr(y, attr) for y in years), start=0)
                for attr, _label, _colour in charts.FUNDING_SERIES
            },
            funding_chart=charts.funding_chart_svg(
                years, title=f"{compact.country.name}: U.S. awards and partner contributions "
                             "by fiscal year"),
            plan=selectors.plan_for_compact(user=user, compact=compact),
            **kwargs,
        )


def _cell(value):
    # A spreadsheet would run a text cell starting with these as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return f"'{value}"
    return value


def _export_rows(contributions):
    for c in contributions:
        yield [c.fiscal_year, c.kind, _cell(c.description), c.amount_local, c.currency,
               c.amount_usd, c.personnel_count, c.verified,
               c.recorded_at_dialogue_id or ""]


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
            writer = csv.writer(response)
            writer.writerow(EXPORT_COLUMNS)
            writer.writerows(_export_rows(contributions))
            return response
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Contributions")
        sheet.append(list(EXPORT_COLUMNS))
        for row in _export_rows(contributions):
            sheet.append(row)
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
            raise PermissionDenied("Only TIP Office staff import contributions.")

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
                messages.success(request, f"Imported {len(saved)} contributions.")
                return redirect("contributions:compact-contributions", pk=self.compact.pk)
        return self.render_to_response(
            self.get_context_data(form=form, import_errors=errors), status=400)

    def get_context_data(self, **kwargs):
        return super().get_context_data(compact=self.compact, columns=COLUMNS, **kwargs)


class PlanView(CompactMixin, TemplateView):
    template_name = "contributions/plan_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        plan = selectors.plan_for_compact(user=user, compact=self.compact)
        can_follow_up = plan is not None and scoping.can_change_country(
            user, self.compact.country_id)
        return super().get_context_data(
            compact=self.compact,
            plan=plan,
            follow_ups=selectors.follow_up_list(user=user, plan=plan) if plan else [],
            can_follow_up=can_follow_up,
            form=kwargs.pop("form", None) or (FollowUpForm() if can_follow_up else None),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        plan = selectors.plan_for_compact(user=request.user, compact=self.compact)
        if plan is None or not scoping.can_change_country(request.user,
                                                          self.compact.country_id):
            raise PermissionDenied("Your role does not allow this change.")
        form = FollowUpForm(request.POST)
        if form.is_valid():
            services.follow_up_create(plan=plan, user=request.user, **form.cleaned_data)
            messages.success(request, "Follow-up recorded.")
            return redirect(reverse("contributions:plan", args=[self.compact.pk]))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class EvidenceDownloadView(RoleRequiredMixin, View):
    def get(self, request, pk):
        contribution = get_object_or_404(selectors.contribution_list(user=request.user), pk=pk)
        return private_file_response(contribution.evidence)


class PlanDocumentView(RoleRequiredMixin, View):
    def get(self, request, pk):
        plan = get_object_or_404(selectors.plan_list(user=request.user), pk=pk)
        return private_file_response(plan.document)


class OverduePlansView(RoleRequiredMixin, ListView):
    template_name = "contributions/overdue_plans.html"
    context_object_name = "plans"

    def get_queryset(self):
        return selectors.overdue_plan_list(user=self.request.user)
