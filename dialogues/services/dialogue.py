"""Writes to an annual dialogue itself: planning it, changing it, its status moves and
reopening it. Status moves follow planned → held → closed; anything else is a state conflict
(409). A closed dialogue is the record and changes no more. Each write takes the acting user,
who must record in the dialogue's country."""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compacts.models import Compact
from compacts.year_locks import ensure_year_open, ensure_years_open
from cpc.access import scoping
from cpc.models import recorded_now
from cpc.services import (
    StateConflict,
    lock,
    required_reason,
    validated_save,
    validated_update,
)
from indicators.models import Indicator

from .. import closing
from ..models import ActionItem, ActionItemStatus, Dialogue, DialogueStatus
from .common import ensure_may_change, ensure_may_record, refuse_if_closed

ERR_YEAR_OUTSIDE_COMPACT = _("The compact is not active in fiscal year {fy}.")
ERR_KEY_INDICATOR_OTHER_COMPACT = _("Key indicators must belong to this dialogue's compact.")
ERR_HOLD_IN_FUTURE = _("A dialogue cannot be held on a date in the future.")
ERR_HOLD_NEEDS_DATE = _("Give the date the dialogue was held.")
ERR_CLOSE_NEEDS_SUMMARY = _("Write a summary of the dialogue before closing it.")
ERR_MOVE = _("A {current} dialogue cannot become {new}.")
ERR_REOPEN_NOT_CLOSED = _("Only a closed dialogue can be reopened.")
ERR_ONLY_STAFF_REOPEN = _("Only TIP staff reopen a closed dialogue.")
ERR_CREATE_NOT_PLANNED = _("A new dialogue starts as planned; hold it afterwards.")
# A reason to close with checks not met, or to reopen, says something (the history keeps it).
REASON_MIN_LENGTH = 20
# What the demo and the generated portfolio record when they close a past year's dialogue.
REASON_LOADED_CLOSED = "A past year's dialogue, closed as it was recorded."
ERR_CLOSE_NEEDS_REASON = (
    _("Once the dialogue is closed, {checks} will read not met: say why it is closed all the "
    "same (at least {min} characters; the history keeps the reason).")
)
ERR_REOPEN_NEEDS_REASON = (
    _("Say why the closed dialogue is reopened (at least {min} characters; the history keeps "
    "the reason).")
)
ERR_HELD_ON_LATER = (
    _("The dialogue was recorded as held on {day:%Y-%m-%d}. That day can be corrected to an "
    "earlier one, never moved later: the checks time the record of the dialogue (its key "
    "indicators, discussions and the plan's request) from it, and a later day would make "
    "late records look timely.")
)
ERR_PREPARATION_FROZEN = (
    _("The dialogue was held on {day:%Y-%m-%d}: its key indicators and their sharing with the "
    "partner government are the record of what was prepared before it, and can no longer "
    "change.")
)

ALLOWED_MOVES = {
    DialogueStatus.PLANNED: {DialogueStatus.HELD},
    DialogueStatus.HELD: {DialogueStatus.CLOSED},
    DialogueStatus.CLOSED: set(),
}


def _check_year(compact: Compact, fiscal_year: int | None) -> None:
    if fiscal_year and not compact.is_active_in(fiscal_year):
        raise ValidationError({"fiscal_year": ERR_YEAR_OUTSIDE_COMPACT.format(fy=fiscal_year)})


def _check_key_indicators(dialogue: Dialogue, indicators: list[Indicator]) -> None:
    if any(indicator.compact_id != dialogue.compact_id for indicator in indicators):
        raise ValidationError({"key_indicators": ERR_KEY_INDICATOR_OTHER_COMPACT})


SHARING_FIELDS = ("key_indicators_shared_on", "key_indicators_shared_via",
                  "key_indicators_shared_note")


def _selection_changes(dialogue: Dialogue, indicators: list[Indicator]) -> bool:
    wanted = {indicator.pk for indicator in indicators}
    if dialogue.pk is None:
        return bool(wanted)
    return wanted != set(dialogue.key_indicators.values_list("pk", flat=True))


def _record_preparation(dialogue: Dialogue, *, indicators: list[Indicator] | None,
                        sharing: Mapping[str, Any]) -> bool:
    """Apply a change of key indicators and of their sharing, stamping the server time of
    each (GAO recommendation 1 asks for both before the dialogue; check 1 compares these
    times, not the dates typed). Once the dialogue is held both are the record of what was
    prepared and are frozen: a change is a state conflict. A new selection was not shared
    yet: unless the same change records its sharing anew, the earlier sharing is cleared.
    Set before the dialogue is validated, so the date rules see it. Returns whether the
    selection changes (the caller sets it once the dialogue is saved)."""
    changes_selection = indicators is not None and _selection_changes(dialogue, indicators)
    changes_sharing = any(getattr(dialogue, field) != value for field, value in sharing.items())
    if not (changes_selection or changes_sharing):
        return False
    if dialogue.status != DialogueStatus.PLANNED:
        raise StateConflict(ERR_PREPARATION_FROZEN.format(day=dialogue.held_on))
    now = recorded_now()
    for field, value in sharing.items():
        setattr(dialogue, field, value)
    if changes_selection:
        _check_key_indicators(dialogue, indicators)
        dialogue.key_indicators_identified_on = timezone.localdate(now) if indicators else None
        dialogue.key_indicators_recorded_at = now if indicators else None
        if not changes_sharing:
            dialogue.key_indicators_shared_on = None
            dialogue.key_indicators_shared_via = ""
            dialogue.key_indicators_shared_note = ""
            dialogue.key_indicators_shared_recorded_at = None
    if changes_sharing or changes_selection:
        dialogue.key_indicators_shared_recorded_at = (
            now if dialogue.key_indicators_shared_on else None)
    return changes_selection


SERVER_TIMES = ("key_indicators_identified_on", "key_indicators_recorded_at",
                "key_indicators_shared_recorded_at", "sustainability_recorded_at")


def _said(discussed, notes) -> tuple[bool, str]:
    # Blanks alone (a textarea's line endings) change nothing that was said.
    return bool(discussed), " ".join((notes or "").split())


def _record_sustainability(dialogue: Dialogue, data: Mapping[str, Any]) -> None:
    """Stamp the server time when the sustainability discussion (its flag or notes) changes:
    check 6 counts it only when recorded within 30 days of the day the dialogue was held,
    not keyed in long after (nor before it took place)."""
    before = _said(dialogue.sustainability_discussed, dialogue.sustainability_notes)
    after = _said(data.get("sustainability_discussed", dialogue.sustainability_discussed),
                  data.get("sustainability_notes", dialogue.sustainability_notes))
    if after != before:
        dialogue.sustainability_recorded_at = recorded_now()


@transaction.atomic
def dialogue_create(
    *, user, compact: Compact, fiscal_year: int, key_indicators: Iterable[Indicator] = (),
    **fields: Any,
) -> Dialogue:
    """Plan a dialogue; open action items of the previous year's dialogue carry over. A new
    dialogue starts as planned (another status is a state conflict) and so has no date it
    was held."""
    ensure_may_record(user, compact.country_id)
    if fields.pop("status", None) not in (None, DialogueStatus.PLANNED):
        raise StateConflict(ERR_CREATE_NOT_PLANNED)
    fields.pop("held_on", None)
    _check_year(compact, fiscal_year)
    key_indicators = list(key_indicators)
    sharing = {field: fields.pop(field) for field in SHARING_FIELDS if field in fields}
    for field in SERVER_TIMES:
        fields.pop(field, None)
    dialogue = Dialogue(compact=compact, fiscal_year=fiscal_year,
                        status=DialogueStatus.PLANNED)
    _record_sustainability(dialogue, fields)
    for field, value in fields.items():
        setattr(dialogue, field, value)
    _record_preparation(dialogue, indicators=key_indicators, sharing=sharing)
    validated_save(dialogue)
    dialogue.key_indicators.set(key_indicators)
    previous = (
        Dialogue.objects.filter(compact=compact, fiscal_year__lt=fiscal_year)
        .order_by("-fiscal_year").first()
    )
    if previous:
        for item in previous.action_items.filter(status=ActionItemStatus.OPEN):
            ActionItem.objects.create(
                dialogue=dialogue, description=item.description, owner=item.owner,
                due_on=item.due_on, carried_over_from=item,
            )
    return dialogue


@transaction.atomic
def dialogue_update(
    *, user, dialogue: Dialogue, data: Mapping[str, Any],
    key_indicators: Iterable[Indicator] | None = None, reason: str | None = "",
) -> Dialogue:
    """Change the fields in ``data``; a new ``status`` moves the dialogue (``dialogue_move``,
    with ``reason`` when it closes)."""
    ensure_may_change(user, dialogue)
    dialogue = lock(dialogue)
    refuse_if_closed(dialogue)
    data = dict(data)
    new_status = data.pop("status", None)
    held_on = data.pop("held_on", None)
    for field in SERVER_TIMES:
        data.pop(field, None)
    sharing = {field: data.pop(field) for field in SHARING_FIELDS if field in data}
    if "fiscal_year" in data:
        _check_year(dialogue.compact, data["fiscal_year"])
        if data["fiscal_year"] != dialogue.fiscal_year and dialogue.discussions.exists():
            # Its discussions would leave one year and join another.
            ensure_years_open(dialogue.compact_id, {dialogue.fiscal_year, data["fiscal_year"]})
    _record_sustainability(dialogue, data)
    for field, value in data.items():
        setattr(dialogue, field, value)
    if key_indicators is not None:
        key_indicators = list(key_indicators)
    selection_changes = _record_preparation(dialogue, indicators=key_indicators,
                                            sharing=sharing)
    dialogue = validated_update(dialogue)
    if selection_changes:
        dialogue.key_indicators.set(key_indicators)
    if new_status and new_status != dialogue.status:
        dialogue = dialogue_move(user=user, dialogue=dialogue, status=new_status,
                                 held_on=held_on, reason=reason)
    elif held_on is not None and dialogue.status == DialogueStatus.HELD:
        _check_held_on(held_on)
        if held_on > dialogue.held_on:
            raise StateConflict(ERR_HELD_ON_LATER.format(day=dialogue.held_on))
        dialogue = validated_update(dialogue, {"held_on": held_on})
    elif held_on is not None:
        raise StateConflict(_("Only a held dialogue has a date it was held."))
    return dialogue


def _status_word(status: str) -> str:
    """A dialogue status as a word of a sentence, in the reader's language ("held")."""
    return str(dict(DialogueStatus.choices).get(status, status)).lower()


def _check_held_on(held_on: dt.date | None) -> None:
    if held_on is None:
        raise StateConflict(ERR_HOLD_NEEDS_DATE)
    if held_on > timezone.localdate():
        raise StateConflict(ERR_HOLD_IN_FUTURE)


def close_reason(dialogue: Dialogue, reason: str | None = "") -> str:
    """What closing ``dialogue`` needs, checked without writing: held, with a summary (a
    state conflict otherwise) and, when any of the six checks would read not met once it is
    closed (``closing.checks_once_closed``), a reason of at least ``REASON_MIN_LENGTH``
    characters (``{"reason": [...]}`` otherwise). Returns the history's change reason
    ("Closed: ..."; "" when none is needed nor given). A reason long enough needs no
    projection (so loaders replaying closed dialogues give one)."""
    if DialogueStatus.CLOSED not in ALLOWED_MOVES.get(dialogue.status, set()):
        raise StateConflict(ERR_MOVE.format(current=_status_word(dialogue.status),
                                            new=_status_word(DialogueStatus.CLOSED)))
    if not dialogue.summary.strip():
        raise StateConflict(ERR_CLOSE_NEEDS_SUMMARY)
    given = (reason or "").strip()
    if len(given) < REASON_MIN_LENGTH:
        failing = closing.not_met(closing.checks_once_closed(dialogue))
        if failing and not given:
            numbers = ", ".join(str(check.recommendation) for check in failing)
            checks = ("check " if len(failing) == 1 else "checks ") + numbers
            raise ValidationError({"reason": [ERR_CLOSE_NEEDS_REASON.format(
                checks=checks, min=REASON_MIN_LENGTH)]})
        if failing:
            required_reason(given, what="dialogue", min_length=REASON_MIN_LENGTH)
    if given:
        given = required_reason(given, what="dialogue")
    return f"Closed: {given}" if given else ""


@transaction.atomic
def dialogue_move(*, user, dialogue: Dialogue, status: str, held_on: dt.date | None = None,
                  reason: str | None = "") -> Dialogue:
    """planned → held (with the date it was held, not in the future) → closed (summary,
    and a reason when a check would read not met: ``close_reason``), kept in the history."""
    ensure_may_change(user, dialogue)
    dialogue = lock(dialogue)
    if status not in ALLOWED_MOVES.get(dialogue.status, set()):
        raise StateConflict(ERR_MOVE.format(current=_status_word(dialogue.status),
                                            new=_status_word(status)))
    change_reason = ""
    if status == DialogueStatus.HELD:
        _check_held_on(held_on)
        dialogue.held_on = held_on
    if status == DialogueStatus.CLOSED:
        change_reason = close_reason(dialogue, reason)
    dialogue.status = status
    return validated_update(dialogue, change_reason=change_reason)


@transaction.atomic
def dialogue_reopen(*, dialogue: Dialogue, user, reason: str | None) -> Dialogue:
    """TIP staff reopen a closed dialogue (it is held again, and its record may change),
    with a reason of at least ``REASON_MIN_LENGTH`` characters that the history keeps.
    Officers and auditors may not (PermissionDenied, a 403). A dialogue of a locked year
    stays closed (``YearLocked``, a 409): reopening it would turn its year's checks back
    to pending, so staff unlock the year first, saying why."""
    if not scoping.is_tip_staff(user):
        raise PermissionDenied(ERR_ONLY_STAFF_REOPEN)
    dialogue = lock(dialogue)
    if dialogue.status != DialogueStatus.CLOSED:
        raise StateConflict(ERR_REOPEN_NOT_CLOSED)
    ensure_year_open(dialogue.compact_id, dialogue.fiscal_year)
    if not (reason or "").strip():
        raise ValidationError({"reason": [ERR_REOPEN_NEEDS_REASON.format(
            min=REASON_MIN_LENGTH)]})
    given = required_reason(reason, what="dialogue", min_length=REASON_MIN_LENGTH)
    dialogue.status = DialogueStatus.HELD
    return validated_update(dialogue, change_reason=f"Reopened: {given}")
