"""Server-rendered contributions and sustainability-plan pages. Every object comes from a
scoped selector, so a compact outside the user's countries is a 404 as in the API."""

import io

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import ListView, TemplateView

from compacts import fragments, scoping
from compacts.views import RoleRequiredMixin
from compacts.year_locks import YearLocked
from cpc import reauth
from cpc.fiscal import fiscal_year_of
from cpc.samples import SAMPLE_COLUMN, any_sample
from cpc.services import StateConflict
from cpc.spreadsheets import csv_writer, safe_row, xlsx_row
from cpc.storage import private_file_response
from cpc.versions import (
    VERSION_FIELD,
    RecordChanged,
    add_version,
    check_version,
    record_version,
)

from . import charts, selectors, services
from .forms import (
    ContributionEvidenceForm,
    ContributionForm,
    ContributionImportForm,
    FollowUpForm,
    MeasureForm,
    PlanForm,
    PlanReceiveForm,
    PlanRequestForm,
)
from .importing import COLUMNS, ContributionImportError
from .models import Contribution, Measure, SustainabilityPlan

# The sample column (cpc/samples.py) says whether the row's figures are invented; an import
# ignores it: what a user imports is never a sample.
EXPORT_COLUMNS = (*COLUMNS, "verified", "recorded_at_dialogue", SAMPLE_COLUMN)

ERR_NOT_WRITER = gettext_lazy("Your role does not allow this change.")
ERR_PLAN_STAFF_ONLY = gettext_lazy(
    "Only TIP Office staff manage sustainability plans and their measures.")
ERR_NOT_SAVED = gettext_lazy("The contribution was not saved: correct the fields marked below.")


def _apply_service_errors(error: ValidationError, form) -> None:
    """Show a service's ValidationError beside the form's fields (others at the top)."""
    errors = error.message_dict if hasattr(error, "error_dict") else {
        NON_FIELD_ERRORS: error.messages}
    for field, messages_ in errors.items():
        target = field if field in form.fields else None
        for message in messages_:
            form.add_error(target, message)


def _contributions_url(compact) -> str:
    return reverse("contributions:compact-contributions", args=[compact.pk])


def _plan_url(compact) -> str:
    return reverse("contributions:plan", args=[compact.pk])


class CompactMixin(RoleRequiredMixin):
    """Loads ``self.compact`` from the user's visible compacts (404 outside scope)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scoping.user_roles(request.user):
            self.compact = get_object_or_404(selectors.compact_list(user=request.user),
                                             pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


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
        # records stand still (compacts.fragments).
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
                _apply_service_errors(error, form)
            else:
                messages.success(request, _("Contribution recorded."))
                return redirect(_contributions_url(self.compact))
        messages.error(request, ERR_NOT_SAVED)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ContributionRowView(CompactContributionsView):
    """A POST about one contribution of the page; a refusal is shown beside its row."""

    def get(self, request, *args, **kwargs):
        return redirect(_contributions_url(self.compact))

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
            with transaction.atomic():
                # Staff verify the figures the page showed them, not figures changed since.
                check_version(contribution, request.POST.get(VERSION_FIELD))
                services.contribution_verify(contribution=contribution, user=request.user)
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
        return redirect(_contributions_url(self.compact))


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
        return redirect(_contributions_url(self.compact))


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


class PlanPageMixin(CompactMixin):
    """Renders the plan page with fresh forms, or with the bound form that failed.

    The sub-pages (create, move, measures) only take POSTs; a GET on them, such as a reload
    after an error, goes back to the plan page.
    """

    template_name = "contributions/plan_detail.html"

    def plan(self) -> SustainabilityPlan | None:
        return selectors.plan_for_compact(user=self.request.user, compact=self.compact)

    def require_staff(self) -> None:
        if not scoping.is_tip_staff(self.request.user):
            raise PermissionDenied(ERR_PLAN_STAFF_ONLY)

    def require_plan(self) -> SustainabilityPlan:
        plan = self.plan()
        if plan is None:
            raise Http404(_("This compact has no sustainability plan yet."))
        return plan

    def plan_page(self, *, status: int = 200, **forms_):
        user, compact = self.request.user, self.compact
        plan = self.plan()
        can_follow_up = plan is not None and scoping.can_change_country(user,
                                                                         compact.country_id)
        can_manage = scoping.is_tip_staff(user)
        context = {
            "compact": compact,
            "plan": plan,
            "follow_ups": selectors.follow_up_list(user=user, plan=plan) if plan else [],
            "can_follow_up": can_follow_up,
            "can_manage": can_manage,
            "form": FollowUpForm() if can_follow_up else None,
        }
        if can_manage:
            plan_form = PlanForm(instance=plan)
            if plan is not None:
                add_version(plan_form, plan)
            context |= {"plan_form": plan_form, "request_form": PlanRequestForm(),
                        "receive_form": PlanReceiveForm(), "measure_form": MeasureForm()}
        return render(self.request, self.template_name, context | forms_, status=status)

    def get(self, request, *args, **kwargs):
        return redirect(_plan_url(self.compact))


class PlanView(PlanPageMixin, View):
    """The plan, its measures and follow-ups; POST records a follow-up (staff and the
    country's officers)."""

    def get(self, request, *args, **kwargs):
        return self.plan_page()

    def post(self, request, *args, **kwargs):
        plan = self.plan()
        if plan is None or not scoping.can_change_country(request.user,
                                                          self.compact.country_id):
            raise PermissionDenied(ERR_NOT_WRITER)
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                services.follow_up_create(plan=plan, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                _apply_service_errors(error, form)
            else:
                messages.success(request, _("Follow-up recorded."))
                return redirect(_plan_url(self.compact))
        return self.plan_page(status=400, form=form)


class PlanSaveView(PlanPageMixin, View):
    """POST: creates the plan record when the compact has none, otherwise saves its notes."""

    def post(self, request, *args, **kwargs):
        self.require_staff()
        plan = self.plan()
        form = PlanForm(request.POST, instance=plan)
        if plan is not None:
            add_version(form, plan)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != VERSION_FIELD}
            try:
                with transaction.atomic():
                    if plan is None:
                        services.plan_create(compact=self.compact, **data)
                    else:
                        check_version(plan, form.cleaned_data.get(VERSION_FIELD))
                        services.plan_update(plan=plan, data=data)
            except RecordChanged as changed:
                messages.error(request, changed.message)
                return self.plan_page(status=409)
            except ValidationError as error:
                _apply_service_errors(error, form)
            else:
                messages.success(request, _("Sustainability plan created.") if plan is None
                                 else _("Notes saved."))
                return redirect(_plan_url(self.compact))
        return self.plan_page(status=400, plan_form=form)


# move -> (form class or None, service, message on success)
PLAN_MOVES = {
    "request": (PlanRequestForm, services.plan_request, gettext_lazy("Plan requested.")),
    "receive": (PlanReceiveForm, services.plan_receive,
                gettext_lazy("Plan marked as received.")),
    "accept": (None, services.plan_accept, gettext_lazy("Plan accepted.")),
}


class PlanMoveView(PlanPageMixin, View):
    """POST request, receive or accept. An impossible move (say, from a stale page) is shown
    as an error message; a date the plan rejects is shown beside its field."""

    def post(self, request, pk, move):
        self.require_staff()
        plan = self.require_plan()
        form_class, service, done = PLAN_MOVES[move]
        form = form_class(request.POST, request.FILES) if form_class else None
        if form is not None and not form.is_valid():
            return self.plan_page(status=400, **{f"{move}_form": form})
        data = {k: v for k, v in (form.cleaned_data if form else {}).items()
                if v is not None and v != ""}
        try:
            service(plan=plan, **data)
        except StateConflict as conflict:
            messages.error(request, conflict.message)
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
            else:
                _apply_service_errors(error, form)
                return self.plan_page(status=400, **{f"{move}_form": form})
        else:
            messages.success(request, done)
        return redirect(_plan_url(self.compact))


def _measure_rows(plan: SustainabilityPlan) -> list[dict]:
    return [{field: getattr(m, field) for field in MeasureForm.Meta.fields}
            for m in plan.measures.all()]


class MeasureAddView(PlanPageMixin, View):
    def post(self, request, *args, **kwargs):
        self.require_staff()
        plan = self.require_plan()
        form = MeasureForm(request.POST)
        if form.is_valid():
            try:
                # The service saves the measures as a set, in order.
                services.plan_update(plan=plan, data={},
                                     measures=[*_measure_rows(plan), form.cleaned_data])
            except ValidationError as error:
                _apply_service_errors(error, form)
            else:
                messages.success(request, _("Measure added."))
                return redirect(_plan_url(self.compact) + "#measures")
        return self.plan_page(status=400, measure_form=form)


class MeasureEditView(PlanPageMixin, View):
    template_name = "contributions/measure_edit.html"

    def _measure(self, plan, measure_pk) -> tuple[int, Measure]:
        for index, measure in enumerate(plan.measures.all()):
            if measure.pk == measure_pk:
                return index, measure
        # Saving any measure renumbers them all, so an old link is a 404.
        raise Http404(_("This measure no longer exists; it may have been edited meanwhile."))

    def _render(self, plan, form, status=200):
        return render(self.request, self.template_name,
                      {"compact": self.compact, "plan": plan, "form": form}, status=status)

    def get(self, request, pk, measure_pk):
        self.require_staff()
        plan = self.require_plan()
        _index, measure = self._measure(plan, measure_pk)
        return self._render(plan, MeasureForm(instance=measure))

    def post(self, request, pk, measure_pk):
        self.require_staff()
        plan = self.require_plan()
        index, measure = self._measure(plan, measure_pk)
        form = MeasureForm(request.POST, instance=measure)
        if form.is_valid():
            rows = _measure_rows(plan)
            rows[index] = form.cleaned_data
            try:
                services.plan_update(plan=plan, data={}, measures=rows)
            except ValidationError as error:
                _apply_service_errors(error, form)
            else:
                messages.success(request, _("Measure saved."))
                return redirect(_plan_url(self.compact) + "#measures")
        return self._render(plan, form, status=400)


class EvidenceDownloadView(RoleRequiredMixin, View):
    def get(self, request, pk):
        contribution = get_object_or_404(selectors.contribution_list(user=request.user), pk=pk)
        return private_file_response(contribution.evidence)


class PlanDocumentView(RoleRequiredMixin, View):
    def get(self, request, pk):
        plan = get_object_or_404(selectors.plan_list(user=request.user), pk=pk)
        return private_file_response(plan.document)


class OverduePlansView(RoleRequiredMixin, fragments.CachedBodyMixin, ListView):
    template_name = "contributions/overdue_plans.html"
    body_template_name = "contributions/_overdue_plans_body.html"
    context_object_name = "plans"
    paginate_by = 50

    def get_queryset(self):
        return selectors.overdue_plan_list(user=self.request.user)
