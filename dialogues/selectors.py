"""Reads for dialogues, scoped to the user's countries and prefetched."""

from django.db.models import Prefetch, QuerySet

from compacts.scoping import scope_to_changeable, scope_to_visible
from indicators.models import Indicator

from .models import ActionItem, Dialogue, DialogueStatus, Discussion, Participant


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
