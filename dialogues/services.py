"""Every write to annual dialogues. Status moves follow planned → held → closed; anything
else is a state conflict (409). A closed dialogue is the record and changes no more."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from compacts.models import Compact
from compacts.year_locks import ensure_year_open, ensure_years_open
from cpc.services import StateConflict, lock, validated_save, validated_update
from indicators.models import Indicator, ResultStatus
from indicators.progress import compute_indicator_progress

from .models import (
    ActionItem,
    ActionItemStatus,
    Dialogue,
    DialogueAttachment,
    DialogueStatus,
    Discussion,
    Participant,
)

ERR_YEAR_OUTSIDE_COMPACT = "The compact is not active in fiscal year {fy}."
ERR_KEY_INDICATOR_OTHER_COMPACT = "Key indicators must belong to this dialogue's compact."
ERR_INDICATOR_OTHER_COMPACT = "The indicator does not belong to this dialogue's compact."
ERR_CLOSED = "This dialogue is closed; its record can no longer change."
ERR_HOLD_IN_FUTURE = "A dialogue cannot be held on a date in the future."
ERR_HOLD_NEEDS_DATE = "Give the date the dialogue was held."
ERR_CLOSE_NEEDS_SUMMARY = "Write a summary of the dialogue before closing it."
ERR_MOVE = "A {current} dialogue cannot become {new}."
ERR_KEY_INDICATORS_AFTER_HELD = (
    "The dialogue was held on {day:%Y-%m-%d}; key indicators are identified before it, not "
    "afterwards."
)

ALLOWED_MOVES = {
    DialogueStatus.PLANNED: {DialogueStatus.HELD},
    DialogueStatus.HELD: {DialogueStatus.CLOSED},
    DialogueStatus.CLOSED: set(),
}


def _refuse_if_closed(dialogue: Dialogue) -> None:
    if dialogue.status == DialogueStatus.CLOSED:
        raise StateConflict(ERR_CLOSED)


def _check_year(compact: Compact, fiscal_year: int | None) -> None:
    if fiscal_year and not compact.is_active_in(fiscal_year):
        raise ValidationError({"fiscal_year": ERR_YEAR_OUTSIDE_COMPACT.format(fy=fiscal_year)})


def _check_key_indicators(dialogue: Dialogue, indicators: list[Indicator]) -> None:
    if any(indicator.compact_id != dialogue.compact_id for indicator in indicators):
        raise ValidationError({"key_indicators": ERR_KEY_INDICATOR_OTHER_COMPACT})


def _stamp_identified(dialogue: Dialogue, indicators: list[Indicator]) -> None:
    # GAO recommendation 1 asks that key indicators be identified before the dialogue: the
    # server, not the client, records when that first happened. Set before the dialogue is
    # validated, so the date rules (shared on or after it, held on or after it) see it.
    if not indicators or dialogue.key_indicators_identified_on is not None:
        return
    today = timezone.localdate()
    if dialogue.held_on and dialogue.held_on < today:
        raise ValidationError({"key_indicators": ERR_KEY_INDICATORS_AFTER_HELD.format(
            day=dialogue.held_on)})
    dialogue.key_indicators_identified_on = today


@transaction.atomic
def dialogue_create(
    *, compact: Compact, fiscal_year: int, key_indicators: Iterable[Indicator] = (),
    **fields: Any,
) -> Dialogue:
    """Plan a dialogue; open action items of the previous year's dialogue carry over."""
    _check_year(compact, fiscal_year)
    fields.pop("status", None)
    key_indicators = list(key_indicators)
    dialogue = Dialogue(compact=compact, fiscal_year=fiscal_year,
                        status=DialogueStatus.PLANNED, **fields)
    _check_key_indicators(dialogue, key_indicators)
    _stamp_identified(dialogue, key_indicators)
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
    *, dialogue: Dialogue, data: Mapping[str, Any],
    key_indicators: Iterable[Indicator] | None = None,
) -> Dialogue:
    dialogue = lock(dialogue)
    _refuse_if_closed(dialogue)
    data = dict(data)
    new_status = data.pop("status", None)
    held_on = data.pop("held_on", None)
    if "fiscal_year" in data:
        _check_year(dialogue.compact, data["fiscal_year"])
        if data["fiscal_year"] != dialogue.fiscal_year and dialogue.discussions.exists():
            # Its discussions would leave one year and join another.
            ensure_years_open(dialogue.compact_id, {dialogue.fiscal_year, data["fiscal_year"]})
    for field, value in data.items():
        setattr(dialogue, field, value)
    if key_indicators is not None:
        key_indicators = list(key_indicators)
        _check_key_indicators(dialogue, key_indicators)
        _stamp_identified(dialogue, key_indicators)
    dialogue = validated_update(dialogue)
    if key_indicators is not None:
        dialogue.key_indicators.set(key_indicators)
    if new_status and new_status != dialogue.status:
        dialogue = dialogue_move(dialogue=dialogue, status=new_status, held_on=held_on)
    elif held_on is not None and dialogue.status == DialogueStatus.HELD:
        _check_held_on(held_on)
        dialogue = validated_update(dialogue, {"held_on": held_on})
    elif held_on is not None:
        raise StateConflict("Only a held dialogue has a date it was held.")
    return dialogue


def _check_held_on(held_on: dt.date | None) -> None:
    if held_on is None:
        raise StateConflict(ERR_HOLD_NEEDS_DATE)
    if held_on > timezone.localdate():
        raise StateConflict(ERR_HOLD_IN_FUTURE)


@transaction.atomic
def dialogue_move(*, dialogue: Dialogue, status: str, held_on: dt.date | None = None):
    """planned → held (with the date it was held, not in the future) → closed (summary)."""
    dialogue = lock(dialogue)
    if status not in ALLOWED_MOVES.get(dialogue.status, set()):
        raise StateConflict(ERR_MOVE.format(current=dialogue.status, new=status))
    if status == DialogueStatus.HELD:
        _check_held_on(held_on)
        dialogue.held_on = held_on
    if status == DialogueStatus.CLOSED and not dialogue.summary.strip():
        raise StateConflict(ERR_CLOSE_NEEDS_SUMMARY)
    dialogue.status = status
    return validated_update(dialogue)


@transaction.atomic
def participant_add(*, dialogue: Dialogue, **fields: Any) -> Participant:
    # Locked, so two requests adding the same person cannot both pass the duplicate check.
    dialogue = lock(dialogue)
    _refuse_if_closed(dialogue)
    return validated_save(Participant(dialogue=dialogue, **fields))


@transaction.atomic
def participant_update(*, participant: Participant, data: Mapping[str, Any]) -> Participant:
    participant = lock(participant)
    _refuse_if_closed(participant.dialogue)
    return validated_update(participant, data)


@transaction.atomic
def participant_remove(*, participant: Participant) -> None:
    """Take a participant off the list (their history keeps that they were on it)."""
    participant = lock(participant)
    _refuse_if_closed(participant.dialogue)
    participant.delete()


@transaction.atomic
def attachment_add(*, dialogue: Dialogue, kind: str, file, title: str = "",
                   user=None) -> DialogueAttachment:
    """Attach a document (agenda, discussion questions, summary, minutes, other). The file
    is checked by content and size (``cpc.uploads``) when it is validated."""
    dialogue = lock(dialogue)
    _refuse_if_closed(dialogue)
    return validated_save(DialogueAttachment(dialogue=dialogue, kind=kind, file=file,
                                             title=(title or "").strip(), uploaded_by=user))


@dataclass(frozen=True)
class IndicatorFigures:
    """An indicator's data as it stands for a dialogue: the dialogue year's target and the
    latest approved actual up to that year, with the year that actual is for."""

    target: Decimal | None
    actual: Decimal | None
    actual_fiscal_year: int | None


def indicator_figures(indicator: Indicator, fiscal_year: int) -> IndicatorFigures:
    """The figures a dialogue of ``fiscal_year`` discusses, as they stand now.

    Both follow the indicator's cumulation mode, as the progress table does (a cumulative
    indicator's target and actual are running totals). The actual is that of the latest
    fiscal year, up to ``fiscal_year``, with an approved result; submitted and returned
    results never count. Uses the indicator's prefetched targets and results when present.
    """
    results = list(indicator.results.all())
    approved_years = sorted(
        {r.fiscal_year for r in results
         if r.status == ResultStatus.APPROVED and r.fiscal_year <= fiscal_year},
        reverse=True,
    )
    progress = compute_indicator_progress(
        indicator, targets=indicator.targets.all(), results=results,
        fiscal_years=[fiscal_year, *approved_years],
    )
    row = progress.for_year(fiscal_year)
    target = row.target if row else None
    for year in approved_years:
        actual = progress.for_year(year).actual
        if actual is not None:
            return IndicatorFigures(target, actual, year)
    return IndicatorFigures(target, None, None)


@dataclass(frozen=True)
class YearFigures:
    """One fiscal year of an indicator as the preparation pack shows it: the year's target
    and its approved actual (None when no result of that year is approved)."""

    fiscal_year: int
    target: Decimal | None
    actual: Decimal | None


def indicator_recent_years(indicator: Indicator, fiscal_year: int,
                           years: int = 2) -> list[YearFigures]:
    """The last ``years`` fiscal years up to ``fiscal_year``, oldest first, from the
    indicator's prefetched targets and results (no queries when they are prefetched). Both
    follow the cumulation mode, as the progress table does."""
    wanted = list(range(fiscal_year - years + 1, fiscal_year + 1))
    results = list(indicator.results.all())
    approved = {r.fiscal_year for r in results if r.status == ResultStatus.APPROVED}
    progress = compute_indicator_progress(indicator, targets=indicator.targets.all(),
                                          results=results, fiscal_years=wanted)
    rows = []
    for year in wanted:
        row = progress.for_year(year)
        rows.append(YearFigures(
            fiscal_year=year, target=row.target if row else None,
            actual=row.actual if row and year in approved else None))
    return rows


@transaction.atomic
def discussion_record(*, dialogue: Dialogue, indicator: Indicator, notes: str,
                      user=None) -> Discussion:
    """Record that an indicator's data was discussed. The server stamps the figures as they
    stand now (``indicator_figures``); whatever a client sends for them is ignored."""
    _refuse_if_closed(dialogue)
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
def action_item_add(*, dialogue: Dialogue, **fields: Any) -> ActionItem:
    dialogue = lock(dialogue)
    _refuse_if_closed(dialogue)
    return validated_save(ActionItem(dialogue=dialogue, **fields))


@transaction.atomic
def action_item_update(*, item: ActionItem, data: Mapping[str, Any]) -> ActionItem:
    """Action items are followed up after the dialogue, so they may change even once its
    record is closed (their history keeps every step)."""
    return validated_update(item, data)
