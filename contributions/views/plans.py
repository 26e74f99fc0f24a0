"""The sustainability-plan pages: the plan with its measures and follow-ups, staff's
changes to it (create, notes, request, receive, accept, measures), its document, and the
list of overdue plans."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from cpc.access import fragments, scoping
from cpc.access.views import RoleRequiredMixin
from cpc.forms import apply_service_errors
from cpc.services import StateConflict
from cpc.storage import private_file_response
from cpc.versions import VERSION_FIELD, RecordChanged, add_version

from .. import selectors, services
from ..forms import FollowUpForm, MeasureForm, PlanForm, PlanReceiveForm, PlanRequestForm
from ..models import Measure, SustainabilityPlan
from .common import ERR_NOT_WRITER, CompactMixin, plan_url


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
            raise PermissionDenied(services.ERR_PLAN_STAFF_ONLY)

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
        return redirect(plan_url(self.compact))


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
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Follow-up recorded."))
                return redirect(plan_url(self.compact))
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
                if plan is None:
                    services.plan_create(user=request.user, compact=self.compact, **data)
                else:
                    services.plan_update(user=request.user, plan=plan, data=data,
                                         version=form.cleaned_data.get(VERSION_FIELD))
            except RecordChanged as changed:
                messages.error(request, changed.message)
                return self.plan_page(status=409)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Sustainability plan created.") if plan is None
                                 else _("Notes saved."))
                return redirect(plan_url(self.compact))
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
            service(user=request.user, plan=plan, **data)
        except StateConflict as conflict:
            messages.error(request, conflict.message)
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
            else:
                apply_service_errors(form, error)
                return self.plan_page(status=400, **{f"{move}_form": form})
        else:
            messages.success(request, done)
        return redirect(plan_url(self.compact))


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
                services.plan_update(user=request.user, plan=plan, data={},
                                     measures=[*_measure_rows(plan), form.cleaned_data])
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Measure added."))
                return redirect(plan_url(self.compact) + "#measures")
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
                services.plan_update(user=request.user, plan=plan, data={}, measures=rows)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Measure saved."))
                return redirect(plan_url(self.compact) + "#measures")
        return self._render(plan, form, status=400)


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
