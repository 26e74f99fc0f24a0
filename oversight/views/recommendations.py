"""GAO's recommendation record: the six recommendations with their status, State's
actions and history; TIP staff add an action or change a status here."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from cpc.access import scoping
from cpc.access.views import RoleRequiredMixin
from cpc.api.history import history_entries
from cpc.fiscal import fiscal_year_of
from cpc.forms import apply_service_errors
from cpc.storage import private_file_response
from cpc.versions import VERSION_FIELD, RecordChanged, add_version

from .. import recommendation_texts, selectors, services
from ..compliance import TITLES
from ..forms import GaoActionForm, GaoStatusForm


def _recommendations_url(recommendation=None) -> str:
    url = reverse("oversight:gao-recommendations")
    return f"{url}#recommendation-{recommendation.number}" if recommendation else url


class GaoRecommendationListView(RoleRequiredMixin, View):
    """The six recommendations: GAO's status, State's concurrence and actions with their
    evidence, the history of each, and a link to its check on the dashboard. Staff add an
    action or change a status (with a reason) here, each form in a disclosure of its
    recommendation: a form sent back with errors is shown open, its error summary beside its
    fields."""

    template_name = "oversight/gao_recommendations.html"

    def get(self, request, *args, **kwargs):
        return self.page()

    def page(self, *, status: int = 200, bound: dict | None = None):
        """``bound``: {(recommendation pk, "action" | "status"): the form that failed}."""
        bound = bound or {}
        can_change = scoping.is_tip_staff(self.request.user)
        rows = []
        for recommendation in selectors.gao_recommendation_list(user=self.request.user):
            row = {"recommendation": recommendation,
                   "text": recommendation_texts.text_in_language(recommendation),
                   "check_title": TITLES[recommendation.number],
                   "history": history_entries(recommendation)}
            if can_change:
                # A form's address ends with its error summary's id: sent back with errors,
                # the browser scrolls to the summary and focuses it, JavaScript or not.
                row["action_errors_id"] = f"rec{recommendation.number}-add-action-errors"
                row["status_errors_id"] = f"rec{recommendation.number}-change-status-errors"
                row["action_form"] = bound.get(
                    (recommendation.pk, "action"),
                    GaoActionForm(auto_id=_form_ids(recommendation, "action")))
                row["status_form"] = bound.get((recommendation.pk, "status"), add_version(
                    GaoStatusForm.for_recommendation(
                        recommendation, auto_id=_form_ids(recommendation, "status")),
                    recommendation))
            rows.append(row)
        return render(self.request, self.template_name, {
            "rows": rows, "can_change": can_change,
            "form_has_errors": any(form.errors for form in bound.values()),
            "fiscal_year": fiscal_year_of(timezone.localdate()),
        }, status=status)


def _form_ids(recommendation, kind: str) -> str:
    """The ids of a recommendation's form fields, one set per form of the page (the error
    summary's links and the fields' aria-describedby lead to this form's fields):
    ``id_rec4_action_description``."""
    return f"id_rec{recommendation.number}_{kind}_%s"


class GaoRecommendationChangeView(GaoRecommendationListView):
    """POST only (a GET goes back to the list): TIP staff's changes to one recommendation."""

    form_class = None
    kind = ""

    def get(self, request, *args, **kwargs):
        return redirect(_recommendations_url())

    def make_form(self, recommendation):
        return self.form_class(self.request.POST, self.request.FILES,
                               auto_id=_form_ids(recommendation, self.kind))

    def post(self, request, pk):
        if not scoping.is_tip_staff(request.user):
            raise PermissionDenied(services.ERR_STAFF_ONLY)
        recommendation = get_object_or_404(
            selectors.gao_recommendation_list(user=request.user), pk=pk)
        form = self.make_form(recommendation)
        if self.kind == "status":
            add_version(form, recommendation)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != VERSION_FIELD}
            try:
                self.save(recommendation, data, version=form.cleaned_data.get(VERSION_FIELD))
            except RecordChanged as changed:
                messages.error(request, _("Recommendation %(number)s was not changed. "
                                          "%(reason)s") % {"number": recommendation.number,
                                                           "reason": changed.message})
                return self.page(status=409)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, self.done % {"number": recommendation.number})
                return redirect(_recommendations_url(recommendation))
        # No message at the top of the page: the form's own error summary, open beside its
        # fields, says what is wrong.
        return self.page(status=400, bound={(recommendation.pk, self.kind): form})


class GaoActionAddView(GaoRecommendationChangeView):
    form_class, kind = GaoActionForm, "action"
    done = gettext_lazy("Action recorded for recommendation %(number)s.")

    def save(self, recommendation, data, version=None):
        # An action adds to the record and changes nothing shown: the page posts no version.
        services.gao_action_create(recommendation=recommendation, user=self.request.user,
                                   **data)


class GaoStatusChangeView(GaoRecommendationChangeView):
    form_class, kind = GaoStatusForm, "status"
    done = gettext_lazy("Status of recommendation %(number)s saved.")

    def make_form(self, recommendation):
        return GaoStatusForm.for_recommendation(recommendation, data=self.request.POST,
                                                auto_id=_form_ids(recommendation, self.kind))

    def save(self, recommendation, data, version=None):
        data = dict(data)
        reason = data.pop("change_reason")
        services.gao_recommendation_update(recommendation=recommendation,
                                           user=self.request.user, data=data,
                                           change_reason=reason, version=version)


class GaoActionEvidenceView(RoleRequiredMixin, View):
    def get(self, request, pk):
        action = get_object_or_404(selectors.gao_action_list(user=request.user), pk=pk)
        return private_file_response(action.evidence_file)
