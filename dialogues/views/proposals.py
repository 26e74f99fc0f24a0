"""Targets proposed at a compact's dialogues, and TIP staff's decision on them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from cpc.access import scoping
from cpc.access.views import RoleRequiredMixin
from cpc.services import StateConflict

from .. import proposals, selectors
from ..forms import DecisionForm
from ..models import TargetProposalStatus


class TargetProposalListView(RoleRequiredMixin, View):
    """GET /dialogues/compact/<id>/target-proposals/: the targets proposed at the compact's
    dialogues, pending ones first; TIP staff accept or reject them here."""

    template_name = "dialogues/target_proposals.html"

    def get(self, request, compact_id: int):
        compact, found = selectors.compact_target_proposals(user=request.user,
                                                            compact_id=compact_id)
        pending = [p for p in found if p.status == TargetProposalStatus.PENDING]
        return render(request, self.template_name, {
            "compact": compact,
            "pending": pending,
            "decided": [p for p in found if p.status != TargetProposalStatus.PENDING],
            "can_decide": scoping.is_tip_staff(request.user),
        })


class TargetProposalDecisionView(RoleRequiredMixin, View):
    """POST /dialogues/target-proposals/<id>/accept/ or .../reject/ (TIP staff). Conflicts
    (decided already, or the target changed since) and a missing note come back as
    messages."""

    def post(self, request, pk: int, decision: str):
        proposal = get_object_or_404(selectors.target_proposal_list(user=request.user), pk=pk)
        if not scoping.is_tip_staff(request.user):
            raise PermissionDenied(proposals.ERR_ONLY_STAFF_DECIDE)
        form = DecisionForm(request.POST)
        note = form.cleaned_data["decision_note"] if form.is_valid() else ""
        decide = (proposals.target_proposal_accept if decision == "accept"
                  else proposals.target_proposal_reject)
        label = _("%(code)s FY%(fiscal_year)s") % {"code": proposal.indicator.code,
                                                   "fiscal_year": proposal.fiscal_year}
        try:
            decide(user=request.user, proposal=proposal, decision_note=note)
        except StateConflict as conflict:
            messages.error(request, _("%(label)s: %(problem)s") % {
                "label": label, "problem": conflict.message})
        except ValidationError as error:
            messages.error(request, _("%(label)s: %(problem)s") % {
                "label": label, "problem": " ".join(error.messages)})
        else:
            messages.success(request, (
                _("%(label)s proposal accepted: the target is updated.") if decision == "accept"
                else _("%(label)s proposal rejected.")) % {"label": label})
        return redirect("dialogues:target-proposals",
                        compact_id=proposal.dialogue.compact_id)
