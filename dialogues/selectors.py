"""Reads for dialogues, scoped to the user's countries and prefetched."""

from django.db.models import Case, OuterRef, Prefetch, QuerySet, Subquery, When
from django.shortcuts import get_object_or_404

from compacts.models import Compact
from compacts.scoping import scope_to_changeable, scope_to_visible
from compacts.selectors import compact_list
from indicators.models import Indicator, Target

from .models import (
    ActionItem,
    Dialogue,
    DialogueStatus,
    Discussion,
    Participant,
    TargetProposal,
    TargetProposalStatus,
)


def dialogue_list(*, user) -> QuerySet[Dialogue]:
    return scope_to_visible(
        Dialogue.objects.select_related("compact__country").prefetch_related(
            Prefetch("key_indicators", queryset=Indicator.objects.order_by("code"))
        ),
        user,
        country_path="compact__country",
    ).order_by("compact_id", "fiscal_year")


def dialogue_detail(*, user) -> QuerySet[Dialogue]:
    """Dialogues with everything the dialogue page and the preparation pack show."""
    return dialogue_list(user=user).prefetch_related(
        Prefetch("participants", queryset=Participant.objects.order_by("side", "name")),
        Prefetch("discussions",
                 queryset=Discussion.objects.select_related("indicator").order_by("pk")),
        Prefetch("action_items", queryset=ActionItem.objects.order_by("status", "due_on", "pk")),
        Prefetch(
            "compact__indicators",
            queryset=Indicator.objects.prefetch_related("targets", "results").order_by("code"),
        ),
        Prefetch("target_proposals", queryset=TargetProposal.objects.select_related(
            "indicator", "proposed_by", "decided_by").order_by("fiscal_year", "indicator__code",
                                                                "pk")),
        "targets_agreed",
    )


def upcoming_dialogue_list(*, user, start, end) -> QuerySet[Dialogue]:
    """Planned dialogues scheduled between ``start`` and ``end`` (both included)."""
    return dialogue_list(user=user).filter(
        status=DialogueStatus.PLANNED, scheduled_for__gte=start, scheduled_for__lte=end,
    ).order_by("scheduled_for", "pk")


def changeable_indicators(*, user) -> QuerySet[Indicator]:
    return scope_to_changeable(Indicator.objects.all(), user, "compact__country")


def participant_list(*, dialogue: Dialogue) -> QuerySet[Participant]:
    return dialogue.participants.order_by("side", "name", "pk")


def discussion_list(*, dialogue: Dialogue) -> QuerySet[Discussion]:
    return dialogue.discussions.select_related("indicator").order_by("pk")


def action_item_list(*, dialogue: Dialogue) -> QuerySet[ActionItem]:
    return dialogue.action_items.order_by("pk")


def target_proposal_list(*, user) -> QuerySet[TargetProposal]:
    """Target proposals of the dialogues the user may see, newest first."""
    return scope_to_visible(
        TargetProposal.objects.select_related(
            "dialogue__compact__country", "indicator", "proposed_by", "decided_by"),
        user,
        country_path="dialogue__compact__country",
    ).order_by("-proposed_at", "-pk")


def dialogue_target_proposals(*, dialogue: Dialogue) -> QuerySet[TargetProposal]:
    return dialogue.target_proposals.select_related(
        "indicator", "proposed_by", "decided_by").order_by("fiscal_year", "indicator__code", "pk")


def targets_set_at(*, dialogue: Dialogue) -> QuerySet[Target]:
    """Targets whose current value was set at the dialogue (``set_at_dialogue``)."""
    return dialogue.targets_agreed.select_related("indicator").order_by(
        "fiscal_year", "indicator__code")


def compact_target_proposals(*, user, compact_id: int) -> tuple[Compact, list[TargetProposal]]:
    """A compact the user may see (404 otherwise) and its proposals, pending ones first, each
    with ``current_target`` (the indicator's target for that year as it stands now)."""
    compact = get_object_or_404(compact_list(user=user), pk=compact_id)
    current = Target.objects.filter(indicator=OuterRef("indicator"),
                                    fiscal_year=OuterRef("fiscal_year")).values("value")[:1]
    proposals = list(
        target_proposal_list(user=user).filter(dialogue__compact=compact)
        .annotate(current_target=Subquery(current))
        .order_by(
            Case(When(status=TargetProposalStatus.PENDING, then=0), default=1),
            "-proposed_at", "-pk",
        )
    )
    return compact, proposals


def agreed_target_count(dialogue: Dialogue) -> int:
    """Targets agreed at the dialogue: its accepted proposals and the targets set at it
    (read from the prefetched ``target_proposals`` and ``targets_agreed``), each indicator
    and year once."""
    agreed = {(p.indicator_id, p.fiscal_year) for p in dialogue.target_proposals.all()
              if p.status == TargetProposalStatus.ACCEPTED}
    agreed |= {(t.indicator_id, t.fiscal_year) for t in dialogue.targets_agreed.all()}
    return len(agreed)
