"""Writes to the rows of a dialogue's record: its participants, documents, the indicator
data discussed and its action items. Each takes the acting user, who must record in the
dialogue's country; a closed record takes no new rows."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from compacts.year_locks import ensure_year_open
from cpc.services import lock, validated_save, validated_update
from indicators.models import Indicator

from ..models import ActionItem, Dialogue, DialogueAttachment, Discussion, Participant
from .common import ensure_may_change, refuse_if_closed
from .figures import indicator_figures

ERR_INDICATOR_OTHER_COMPACT = _("The indicator does not belong to this dialogue's compact.")


@transaction.atomic
def participant_add(*, user, dialogue: Dialogue, **fields: Any) -> Participant:
    """Put a person on the dialogue's list of participants."""
    ensure_may_change(user, dialogue)
    # Locked, so two requests adding the same person cannot both pass the duplicate check.
    dialogue = lock(dialogue)
    refuse_if_closed(dialogue)
    return validated_save(Participant(dialogue=dialogue, **fields))


@transaction.atomic
def participant_update(*, user, participant: Participant,
                       data: Mapping[str, Any]) -> Participant:
    """Correct a participant's name, organization or side."""
    ensure_may_change(user, participant.dialogue)
    participant = lock(participant)
    refuse_if_closed(participant.dialogue)
    return validated_update(participant, data)


@transaction.atomic
def participant_remove(*, user, participant: Participant) -> None:
    """Take a participant off the list (their history keeps that they were on it)."""
    ensure_may_change(user, participant.dialogue)
    participant = lock(participant)
    refuse_if_closed(participant.dialogue)
    participant.delete()


@transaction.atomic
def attachment_add(*, dialogue: Dialogue, kind: str, file, title: str = "",
                   user=None) -> DialogueAttachment:
    """Attach a document (agenda, discussion questions, summary, minutes, other). The file
    is checked by content and size (``cpc.uploads``) when it is validated."""
    dialogue = lock(dialogue)
    refuse_if_closed(dialogue)
    return validated_save(DialogueAttachment(dialogue=dialogue, kind=kind, file=file,
                                             title=(title or "").strip(), uploaded_by=user))


@transaction.atomic
def discussion_record(*, dialogue: Dialogue, indicator: Indicator, notes: str,
                      user=None) -> Discussion:
    """Record that an indicator's data was discussed. The server stamps the figures as they
    stand now (``indicator_figures``); whatever a client sends for them is ignored."""
    refuse_if_closed(dialogue)
    ensure_year_open(dialogue.compact_id, dialogue.fiscal_year)
    if indicator.compact_id != dialogue.compact_id:
        raise ValidationError({"indicator": ERR_INDICATOR_OTHER_COMPACT})
    figures = indicator_figures(indicator, dialogue.fiscal_year)
    return validated_save(Discussion(
        dialogue=dialogue, indicator=indicator, notes=(notes or "").strip(),
        target_value=figures.target, actual_value=figures.actual,
        actual_fiscal_year=figures.actual_fiscal_year,
        was_key_indicator=dialogue.key_indicators.filter(pk=indicator.pk).exists(),
        recorded_by=user,
    ))


@transaction.atomic
def action_item_add(*, user, dialogue: Dialogue, **fields: Any) -> ActionItem:
    """Add what someone agreed at the dialogue to do, with its owner and due date."""
    ensure_may_change(user, dialogue)
    dialogue = lock(dialogue)
    refuse_if_closed(dialogue)
    return validated_save(ActionItem(dialogue=dialogue, **fields))


@transaction.atomic
def action_item_update(*, user, item: ActionItem, data: Mapping[str, Any]) -> ActionItem:
    """Action items are followed up after the dialogue, so they may change even once its
    record is closed (their history keeps every step)."""
    ensure_may_change(user, item.dialogue)
    return validated_update(item, data)
