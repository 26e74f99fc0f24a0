"""Reads for dialogues, scoped to the user's countries and prefetched."""

from django.db.models import Case, OuterRef, Prefetch, QuerySet, Subquery, When
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from compacts.models import Compact
from compacts.selectors import compact_list
from cpc.access.scoping import scope_to_changeable, scope_to_visible
from indicators.models import Indicator, Target

from .models import (
    ActionItem,
    Dialogue,
    DialogueAttachment,
    DialogueStatus,
    Discussion,
    Participant,
    TargetProposal,
    TargetProposalStatus,
    TargetSetting,
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
        Prefetch("target_settings", queryset=TargetSetting.objects.select_related("target")),
        Prefetch("attachments", queryset=DialogueAttachment.objects.select_related(
            "uploaded_by").order_by("uploaded_at", "pk")),
    )


def attachment_list(*, user) -> QuerySet[DialogueAttachment]:
    """Attachments of the dialogues the user may see."""
    return scope_to_visible(
        DialogueAttachment.objects.select_related("dialogue__compact__country"), user,
        country_path="dialogue__compact__country",
    ).order_by("dialogue_id", "uploaded_at", "pk")


def upcoming_dialogue_list(*, user, start, end) -> QuerySet[Dialogue]:
    """Planned dialogues scheduled between ``start`` and ``end`` (both included)."""
    return dialogue_list(user=user).filter(
        status=DialogueStatus.PLANNED, scheduled_for__gte=start, scheduled_for__lte=end,
    ).order_by("scheduled_for", "pk")


def upcoming_dialogues_to_prepare(*, user, start, end) -> QuerySet[Dialogue]:
    """Planned dialogues between ``start`` and ``end`` with what ``preparation_gaps``
    reads (key indicators and their targets), in a fixed number of queries."""
    return upcoming_dialogue_list(user=user, start=start, end=end).select_related(
        "compact__country").prefetch_related("key_indicators__targets")


def dialogues_to_prepare_between(*, start, end) -> QuerySet[Dialogue]:
    """The same, program-wide, for processes that act for no one (the daily notices)."""
    return (Dialogue.objects.filter(status=DialogueStatus.PLANNED, scheduled_for__gte=start,
                                    scheduled_for__lte=end)
            .order_by("scheduled_for", "pk").select_related("compact__country")
            .prefetch_related("key_indicators__targets"))


def preparation_gaps(dialogue: Dialogue) -> list[str]:
    """What a planned dialogue still needs before it is held, in the terms of the first
    two checks: key indicators identified, each with a target for the dialogue's fiscal
    year, and shared with the partner government. Reads the prefetched relations
    (``upcoming_dialogues_to_prepare``)."""
    keys = list(dialogue.key_indicators.all())
    if not keys:
        return [gettext("No key indicators are identified.")]
    gaps = []
    without_target = [k.code for k in keys
                      if not any(t.fiscal_year == dialogue.fiscal_year for t in k.targets.all())]
    if without_target:
        gaps.append(gettext("No FY%(fiscal_year)s target for key indicator %(codes)s.") % {
            "fiscal_year": dialogue.fiscal_year, "codes": ", ".join(without_target)})
    if not dialogue.key_indicators_shared_on:
        gaps.append(gettext("The key indicators are not recorded as shared with the partner "
                            "government."))
    return gaps


def changeable_indicators(*, user) -> QuerySet[Indicator]:
    return scope_to_changeable(Indicator.objects.all(), user, "compact__country")


def participant_list(*, dialogue: Dialogue) -> QuerySet[Participant]:
    return dialogue.participants.order_by("side", "name", "pk")


def dialogue_attachments(*, dialogue: Dialogue) -> QuerySet[DialogueAttachment]:
    return dialogue.attachments.order_by("uploaded_at", "pk")


def discussion_list(*, dialogue: Dialogue) -> QuerySet[Discussion]:
    return dialogue.discussions.select_related("indicator").order_by("pk")


def visible_action_items(*, user) -> QuerySet[ActionItem]:
    """Every action item of the dialogues ``user`` sees."""
    return scope_to_visible(ActionItem.objects.select_related("dialogue"), user,
                            "dialogue__compact__country")


def every_dialogue() -> QuerySet[Dialogue]:
    """Every dialogue, unscoped: the choices of a filter whose results are scoped."""
    return Dialogue.objects.all()


def previous_dialogue(dialogue: Dialogue) -> Dialogue | None:
    """The compact's dialogue of the latest fiscal year before ``dialogue``'s."""
    return (Dialogue.objects.filter(compact=dialogue.compact_id,
                                    fiscal_year__lt=dialogue.fiscal_year)
            .order_by("-fiscal_year").first())


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
    """Targets whose current value was set at the dialogue (``TargetSetting``)."""
    return Target.objects.filter(dialogue_setting__dialogue=dialogue).select_related(
        "indicator", "dialogue_setting").order_by("fiscal_year", "indicator__code")


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
    (read from the prefetched ``target_proposals`` and ``target_settings``), each indicator
    and year once."""
    agreed = {(p.indicator_id, p.fiscal_year) for p in dialogue.target_proposals.all()
              if p.status == TargetProposalStatus.ACCEPTED}
    agreed |= {(s.target.indicator_id, s.target.fiscal_year)
               for s in dialogue.target_settings.all()}
    return len(agreed)


def record_gaps(dialogue: Dialogue) -> list[str]:
    """What the dialogue's record still lacks, in the terms of the program's checks: key
    indicators identified and shared before it (check 1), each key indicator's data
    discussed (check 2), contributions and sustainability discussed (checks 5 and 6), and
    what closing needs (held, with a summary). Reads the prefetched relations."""
    gaps = []
    keys = list(dialogue.key_indicators.all())
    if not keys:
        gaps.append(gettext("No key indicators are identified."))
    elif not dialogue.key_indicators_shared_on:
        gaps.append(gettext("The key indicators are not recorded as shared with the partner "
                            "government."))
    discussed = {d.indicator_id for d in dialogue.discussions.all()}
    undiscussed = [k.code for k in keys if k.pk not in discussed]
    if undiscussed:
        gaps.append(gettext("No discussion is recorded for key indicator %(codes)s.")
                    % {"codes": ", ".join(undiscussed)})
    if not dialogue.participants.all():
        gaps.append(gettext("No participants are recorded."))
    if not dialogue.contributions_discussed:
        gaps.append(gettext("Partner contributions are not recorded as discussed."))
    if not dialogue.sustainability_discussed:
        gaps.append(gettext("Sustainability is not recorded as discussed."))
    if dialogue.status == DialogueStatus.PLANNED:
        gaps.append(gettext("The dialogue is not marked as held (step 2)."))
    if not dialogue.summary.strip():
        gaps.append(gettext("Write a summary of the dialogue before closing it."))
    return gaps
