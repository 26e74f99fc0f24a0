"""TIP staff record a compact's evaluations (new, edit); every reader of the compact may
download an evaluation's report. Lookups are scoped first: another country's compact or
evaluation is a 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from compacts.selectors import compact_headings
from cpc.access import scoping
from cpc.access.views import RoleRequiredMixin
from cpc.forms import apply_service_errors
from cpc.storage import private_file_response
from cpc.versions import VERSION_FIELD, RecordChanged, add_version

from . import evaluation_services as services
from .evaluation_forms import EvaluationForm
from .evaluation_selectors import evaluation_list


def _compact_url(compact_id: int) -> str:
    return reverse("oversight:compact-detail", args=[compact_id]) + "#evaluations"


def _require_staff(user) -> None:
    if not scoping.is_tip_staff(user):
        raise PermissionDenied(services.ERR_STAFF_ONLY)


def _split(form) -> tuple[dict, list, str | None]:
    data = dict(form.cleaned_data)
    return data, data.pop("indicators", []), data.pop(VERSION_FIELD, None)


class EvaluationNewView(RoleRequiredMixin, View):
    template_name = "indicators/evaluation_form.html"

    def render_form(self, compact, form, status=200):
        return render(self.request, self.template_name,
                      {"compact": compact, "form": form, "evaluation": None}, status=status)

    def dispatch_compact(self, request, compact_id):
        compact = get_object_or_404(compact_headings(user=request.user), pk=compact_id)
        _require_staff(request.user)
        return compact

    def get(self, request, compact_id):
        compact = self.dispatch_compact(request, compact_id)
        return self.render_form(compact, EvaluationForm(compact=compact))

    def post(self, request, compact_id):
        compact = self.dispatch_compact(request, compact_id)
        form = EvaluationForm(request.POST, request.FILES, compact=compact)
        if form.is_valid():
            data, indicators, _version = _split(form)
            try:
                services.evaluation_create(user=request.user, compact=compact,
                                           indicators=indicators, **data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Evaluation recorded."))
                return redirect(_compact_url(compact.pk))
        return self.render_form(compact, form, status=400)


class EvaluationEditView(RoleRequiredMixin, View):
    template_name = "indicators/evaluation_form.html"

    def render_form(self, evaluation, form, status=200):
        return render(self.request, self.template_name, {
            "compact": evaluation.compact, "form": form, "evaluation": evaluation},
            status=status)

    def dispatch_evaluation(self, request, pk):
        evaluation = get_object_or_404(evaluation_list(user=request.user), pk=pk)
        _require_staff(request.user)
        return evaluation

    def get(self, request, pk):
        evaluation = self.dispatch_evaluation(request, pk)
        return self.render_form(evaluation, add_version(
            EvaluationForm.for_evaluation(evaluation), evaluation))

    def post(self, request, pk):
        evaluation = self.dispatch_evaluation(request, pk)
        form = add_version(EvaluationForm(request.POST, request.FILES,
                                          compact=evaluation.compact), evaluation)
        if form.is_valid():
            data, indicators, version = _split(form)
            try:
                services.evaluation_update(user=request.user, evaluation=evaluation,
                                           data=data, indicators=indicators, version=version)
            except RecordChanged as changed:
                messages.error(request, changed.message)
                fresh = get_object_or_404(evaluation_list(user=request.user), pk=pk)
                return self.render_form(fresh, add_version(
                    EvaluationForm.for_evaluation(fresh), fresh), status=409)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Evaluation saved."))
                return redirect(_compact_url(evaluation.compact_id))
        return self.render_form(evaluation, form, status=400)


class EvaluationDocumentView(RoleRequiredMixin, View):
    """The evaluation's report, to those who may see its compact."""

    def get(self, request, pk):
        evaluation = get_object_or_404(evaluation_list(user=request.user), pk=pk)
        return private_file_response(evaluation.document)
