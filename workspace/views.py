"""My work: each role's landing page, and bulk review of results from the staff queue."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View

from cpc import reauth
from cpc.access import scoping
from cpc.access.views import RoleRequiredMixin
from indicators import services as result_services
from indicators.selectors import result_list

from . import queues, services

RESULTS_PAGE_SIZE = 50
ERR_NOTHING_CHOSEN = _("Choose at least one result.")
ERR_NOTE_TO_RETURN = _(
    "Write a note to the officers saying what to fix before returning results.")


class MyWorkView(RoleRequiredMixin, View):
    template_name = "workspace/my_work.html"

    def get(self, request):
        user, today = request.user, timezone.localdate()
        sections = queues.sections_for(user, today)
        context = {"today": today, "sections": sections}
        if scoping.is_tip_staff(user):
            page = Paginator(queues.results_to_review(user), RESULTS_PAGE_SIZE).get_page(
                request.GET.get("page"))
            context |= {"results_page": page, "page_obj": page, "paginator": page.paginator,
                        "is_paginated": page.has_other_pages(),
                        "review_form": BulkReviewForm(user=user)}
        # The header's number is the one this page states, read from the same sections.
        waiting = queues.waiting_count(user, sections)
        request._cpc_my_work_count = waiting
        context["waiting"] = waiting
        return render(request, self.template_name, context)


class BulkReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))])
    note = forms.CharField(required=False, max_length=2000, label=_("Note to the officers"),
                           widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 2}))
    results = forms.ModelMultipleChoiceField(queryset=None, error_messages={
        "required": ERR_NOTHING_CHOSEN,
        "invalid_choice": _("A chosen result does not exist or is not yours to review."),
    })

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Results the reviewer sees; one decided meanwhile is named by the view, not refused
        # as an unknown choice.
        self.fields["results"].queryset = result_list(user=user).select_related(
            "indicator__compact")

    def clean(self):
        data = super().clean()
        if data.get("action") == "return" and not (data.get("note") or "").strip():
            self.add_error("note", ERR_NOTE_TO_RETURN)
        return data


class BulkReviewView(RoleRequiredMixin, View):
    """POST: approve or return the chosen results (workspace.services.results_review). A
    result another reviewer decided meanwhile is named and left as it is; anything else
    refused writes nothing."""

    def post(self, request):
        user = request.user
        if not scoping.is_tip_staff(user):
            raise PermissionDenied(result_services.ERR_ONLY_STAFF_REVIEW)
        form = BulkReviewForm(request.POST, user=user)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(reverse("workspace:my-work") + "#review")
        action, note = form.cleaned_data["action"], form.cleaned_data["note"].strip()
        if action == "approve" and not reauth.session_is_recent(request):
            return reauth.reauth_redirect(request)  # approving needs a recent sign-in
        try:
            outcome = services.results_review(user=user, results=form.cleaned_data["results"],
                                              decision=action, note=note)
        except ValidationError as error:
            messages.error(request, _("Nothing was changed: %(reason)s") % {
                "reason": " ".join(error.messages)})
            return redirect(reverse("workspace:my-work") + "#review")
        decided, skipped, own = outcome.decided, outcome.skipped, outcome.own
        if decided:
            done = (ngettext("%(count)s result approved: %(results)s.",
                             "%(count)s results approved: %(results)s.", len(decided))
                    if action == "approve" else
                    ngettext("%(count)s result returned: %(results)s.",
                             "%(count)s results returned: %(results)s.", len(decided)))
            messages.success(request, done % {"count": len(decided),
                                              "results": ", ".join(decided)})
        if own:
            messages.warning(request, _("Not approved, four eyes: you submitted these results "
                                        "or last changed their values, so another TIP Office "
                                        "staff member approves them: %(results)s.")
                             % {"results": ", ".join(own)})
        if skipped:
            messages.warning(request, _("Already decided by another reviewer, left as they "
                                        "are: %(results)s.") % {"results": ", ".join(skipped)})
        return redirect(reverse("workspace:my-work") + "#review")
