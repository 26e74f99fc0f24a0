"""Targets proposed at a dialogue, and TIP staff's decision on them: the only way a dialogue
changes an annual target.

An embassy officer's proposal waits (``pending``) until TIP staff accept it, which creates or
revises the target through ``indicators.services``, records the dialogue as the one it was
agreed at (``TargetSetting``) and names the proposal in the target's history, or reject it
with a note. A proposal made by TIP staff is accepted at once, by them, and recorded the same
way. Nothing else at a dialogue writes a target.

There is one pending proposal per indicator and fiscal year: a new proposal from the same
dialogue replaces it (its history keeps the earlier value); one from another dialogue waits
until staff decide the first. A proposal remembers the target it would replace; when that
target has changed since, accepting is a state conflict, so no decision rests on figures the
reviewer did not see.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpc.access import scoping
from cpc.services import StateConflict, validated_save
from indicators import services as indicator_services
from indicators.formatting import amount
from indicators.models import Indicator, Target

from . import signals
from .models import (
    ERR_DECISION_NOTE_REQUIRED,
    ERR_PROPOSAL_OTHER_COMPACT,
    Dialogue,
    DialogueStatus,
    TargetProposal,
    TargetProposalStatus,
)
from .services.targets import target_setting_record

ERR_CLOSED = _("This dialogue is closed; its record can no longer change.")
ERR_NOT_YOUR_COUNTRY = _("You may not propose targets for this country.")
ERR_ONLY_STAFF_DECIDE = _("Only TIP staff accept or reject target proposals.")
ERR_ONLY_PENDING = {
    "accepted": _("Only a pending proposal can be accepted; this one is {status}."),
    "rejected": _("Only a pending proposal can be rejected; this one is {status}."),
}
ERR_PENDING_ELSEWHERE = (_("A proposal for {code} FY{year} made at the FY{dialogue} dialogue "
                         "awaits TIP staff; they decide it before another is made."))
ERR_STALE = (_("The FY{year} target of {code} has changed since this proposal was made "
             "(it was {then}, it is {now}). Reject the proposal, or propose again."))
STAFF_ACCEPT_NOTE = "Proposed by TIP staff at the dialogue and accepted at once."
REASON_ACCEPTED = "Target proposal {pk} made at the FY{dialogue} dialogue{by}, accepted by {who}"
REASON_REPLACED = "Replaced by a new proposal at the same dialogue (was {value})."


def _current_target(indicator: Indicator, fiscal_year: int, *, lock: bool = False):
    targets = Target.objects.filter(indicator=indicator, fiscal_year=fiscal_year)
    if lock:
        targets = targets.select_for_update(of=("self",))
    return targets.first()


def _figure(value: Decimal | None, indicator: Indicator) -> str:
    return "none" if value is None else amount(value, indicator.unit)


@transaction.atomic
def target_propose(*, user, dialogue: Dialogue, indicator: Indicator, value: Decimal,
                   fiscal_year: int | None = None) -> TargetProposal:
    """Propose ``indicator``'s target for ``fiscal_year`` (the dialogue's year by default)
    at ``dialogue``. TIP staff's proposals are accepted at once; others wait for staff."""
    dialogue = Dialogue.objects.select_related("compact").get(pk=dialogue.pk)
    if dialogue.status == DialogueStatus.CLOSED:
        raise StateConflict(ERR_CLOSED)
    if not scoping.can_record_in(user, dialogue.compact.country_id):
        raise PermissionDenied(ERR_NOT_YOUR_COUNTRY)
    if indicator.compact_id != dialogue.compact_id:
        raise ValidationError({"indicator": [ERR_PROPOSAL_OTHER_COMPACT]})
    fiscal_year = fiscal_year or dialogue.fiscal_year
    target = _current_target(indicator, fiscal_year)
    now = timezone.now()
    fields = {"value": value, "proposed_by": user, "proposed_at": now,
              "replaces_value": target.value if target else None}
    pending = (TargetProposal.objects.select_for_update(of=("self",))
               .filter(indicator=indicator, fiscal_year=fiscal_year,
                       status=TargetProposalStatus.PENDING)
               .select_related("dialogue").first())
    is_staff = scoping.is_tip_staff(user)
    if pending is not None and pending.dialogue_id == dialogue.pk:
        pending._change_reason = REASON_REPLACED.format(value=_figure(pending.value, indicator))
        proposal = validated_save(pending, fields)
        if is_staff:
            proposal = target_proposal_accept(user=user, proposal=proposal,
                                              decision_note=STAFF_ACCEPT_NOTE)
        return proposal
    if pending is not None and not is_staff:
        raise StateConflict(ERR_PENDING_ELSEWHERE.format(
            code=indicator.code, year=fiscal_year, dialogue=pending.dialogue.fiscal_year))
    proposal = TargetProposal(dialogue=dialogue, indicator=indicator, fiscal_year=fiscal_year,
                              **fields)
    if is_staff:
        # Decided at once. Beside another dialogue's pending proposal too: that one, stale
        # from now on, can then only be rejected.
        proposal.status = TargetProposalStatus.ACCEPTED
        proposal.decided_by, proposal.decided_at = user, now
        proposal.decision_note = STAFF_ACCEPT_NOTE
    proposal = validated_save(proposal)
    if is_staff:
        _apply(proposal, user=user)
    signals.target_proposal_decided.send(sender=TargetProposal, proposal=proposal, decider=user)
    return proposal


def _apply(proposal: TargetProposal, *, user) -> Target:
    """Write the accepted value to the target, naming the proposal in the target's history."""
    indicator = proposal.indicator
    proposer = proposal.proposed_by.get_username() if proposal.proposed_by else ""
    reason = REASON_ACCEPTED.format(
        pk=proposal.pk, dialogue=proposal.dialogue.fiscal_year,
        by=f" by {proposer}" if proposer else "", who=user.get_username())
    if proposal.decision_note:
        reason += f": {proposal.decision_note}"
    target = _current_target(indicator, proposal.fiscal_year, lock=True)
    if target is None:
        target = indicator_services.target_create(
            indicator=indicator, fiscal_year=proposal.fiscal_year, value=proposal.value,
            user=user, change_reason=reason)
    else:
        target = indicator_services.target_update(
            target=target, data={"value": proposal.value}, user=user, change_reason=reason)
    target_setting_record(user=user, target=target, dialogue=proposal.dialogue)
    return target


def _decidable(user, proposal: TargetProposal, action: str) -> TargetProposal:
    if not scoping.is_tip_staff(user):
        raise PermissionDenied(ERR_ONLY_STAFF_DECIDE)
    proposal = (TargetProposal.objects.select_for_update(of=("self",))
                .select_related("dialogue", "indicator__compact", "proposed_by")
                .get(pk=proposal.pk))
    if proposal.status != TargetProposalStatus.PENDING:
        raise StateConflict(ERR_ONLY_PENDING[action].format(
            status=proposal.get_status_display().lower()))
    return proposal


@transaction.atomic
def target_proposal_accept(*, user, proposal: TargetProposal,
                           decision_note: str = "") -> TargetProposal:
    """Accept a pending proposal: the target takes its value (created if the year had none).
    A conflict when the target changed after the proposal was made."""
    proposal = _decidable(user, proposal, "accepted")
    indicator = proposal.indicator
    target = _current_target(indicator, proposal.fiscal_year, lock=True)
    now_value = target.value if target else None
    if now_value != proposal.replaces_value:
        raise StateConflict(ERR_STALE.format(
            year=proposal.fiscal_year, code=indicator.code,
            then=_figure(proposal.replaces_value, indicator),
            now=_figure(now_value, indicator)))
    proposal = validated_save(proposal, {
        "status": TargetProposalStatus.ACCEPTED, "decided_by": user,
        "decided_at": timezone.now(), "decision_note": (decision_note or "").strip(),
    })
    _apply(proposal, user=user)
    return proposal


@transaction.atomic
def target_proposal_reject(*, user, proposal: TargetProposal,
                           decision_note: str) -> TargetProposal:
    """Reject a pending proposal with a note saying why; the target does not change."""
    proposal = _decidable(user, proposal, "rejected")
    note = (decision_note or "").strip()
    if not note:
        raise ValidationError({"decision_note": [ERR_DECISION_NOTE_REQUIRED]})
    proposal = validated_save(proposal, {
        "status": TargetProposalStatus.REJECTED, "decided_by": user,
        "decided_at": timezone.now(), "decision_note": note,
    })
    signals.target_proposal_decided.send(sender=TargetProposal, proposal=proposal, decider=user)
    return proposal
