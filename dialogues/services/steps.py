"""The dialogue record kept step by step: prepare, hold, log outcomes, close. Each step is one
use case, saved whole or not at all: the person must record in the dialogue's country, the
dialogue is locked for the step's transaction, and a step refuses to save over a change made
since it was opened (``RecordChanged``, a 409): its version covers the dialogue and the rows
the step lists for editing. A refused row undoes the whole step and names the row
(``RowRefused``), so its error is shown beside it."""

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from compacts.year_locks import YearLocked
from cpc.services import StateConflict, lock
from cpc.versions import RecordChanged, record_version
from indicators.models import Indicator

from .. import proposals as target_proposals
from .. import record_sections, selectors
from ..models import Dialogue, DialogueStatus
from .common import ensure_may_change
from .dialogue import close_reason, dialogue_move, dialogue_update
from .rows import (
    action_item_add,
    action_item_update,
    discussion_record,
    participant_add,
    participant_remove,
    participant_update,
)

STEPS = ("prepare", "hold", "outcomes", "close")


@dataclass(frozen=True)
class Row:
    """One row of a step's list as the person left it: its fields, the record it edits
    (None for a new one), and whether it is to be taken off the list."""

    fields: Mapping[str, Any] = field(default_factory=dict)
    instance: Any = None
    remove: bool = False


class RowRefused(Exception):
    """A row of the step was refused and nothing of the step was saved: ``error`` belongs
    beside row ``index`` of the list ``rows`` (on ``field`` when given)."""

    def __init__(self, rows: str, index: int, error: ValidationError | StateConflict,
                 field: str | None = None):
        super().__init__(str(error))
        self.rows, self.index, self.error, self.field = rows, index, error, field


@contextmanager
def _row(rows: str, index: int, refused=(ValidationError,), conflicts=(),
         field: str | None = None) -> Iterator[None]:
    try:
        yield
    except refused as error:
        raise RowRefused(rows, index, error) from error
    except conflicts as conflict:
        raise RowRefused(rows, index, conflict, field) from conflict


def step_rows(*, dialogue: Dialogue, step: str) -> list:
    """The rows a step lists for editing (their versions are part of the step's)."""
    if step == "hold":
        return list(selectors.participant_list(dialogue=dialogue))
    if step == "outcomes":
        return list(selectors.action_item_list(dialogue=dialogue))
    return []


def step_version(*, dialogue: Dialogue, step: str) -> str:
    """The version of what a step edits: the dialogue and the rows it lists for editing."""
    parts = [record_version(dialogue),
             *(f"{row.pk}:{record_version(row)}" for row in step_rows(dialogue=dialogue,
                                                                        step=step))]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def _ensure_unchanged(dialogue: Dialogue, step: str, version: str | None) -> None:
    # A form that posts no version (a client of its own) is not checked.
    if version and version != step_version(dialogue=dialogue, step=step):
        raise RecordChanged()


def _open_step(*, user, dialogue: Dialogue, step: str, version: str | None) -> Dialogue:
    """The dialogue locked for the step's transaction, once the person may change it and
    the step is still as they opened it."""
    ensure_may_change(user, dialogue)
    current = lock(dialogue)
    _ensure_unchanged(current, step, version)
    return current


@transaction.atomic
def record_preparation(*, user, dialogue: Dialogue, version: str | None,
                       data: Mapping[str, Any], key_indicators: Sequence[Indicator]) -> Dialogue:
    """Step 1: the date, the key indicators and when and how they were shared."""
    dialogue = _open_step(user=user, dialogue=dialogue, step="prepare", version=version)
    return dialogue_update(user=user, dialogue=dialogue, data=data,
                           key_indicators=key_indicators)


@transaction.atomic
def record_holding(*, user, dialogue: Dialogue, version: str | None, held_on,
                   participants: Sequence[Row]) -> Dialogue:
    """Step 2: who took part, and the date it was held (which marks a planned dialogue
    held, or corrects the date of a held one)."""
    dialogue = _open_step(user=user, dialogue=dialogue, step="hold", version=version)
    for row in participants:
        if row.remove and row.instance is not None:
            participant_remove(user=user, participant=row.instance)
    for index, row in enumerate(participants):
        if row.remove:
            continue
        with _row("participants", index):
            if row.instance is not None:
                participant_update(user=user, participant=row.instance, data=row.fields)
            else:
                participant_add(user=user, dialogue=dialogue, **row.fields)
    try:
        if held_on and dialogue.status == DialogueStatus.PLANNED:
            dialogue = dialogue_move(user=user, dialogue=dialogue, status=DialogueStatus.HELD,
                                     held_on=held_on)
        elif held_on and held_on != dialogue.held_on:
            dialogue = dialogue_update(user=user, dialogue=dialogue, data={"held_on": held_on})
    except StateConflict as conflict:
        # A date in the future: shown beside the date rather than above the page.
        raise ValidationError({"held_on": conflict.message}) from conflict
    return dialogue


@transaction.atomic
def record_outcomes(*, user, dialogue: Dialogue, version: str | None, data: Mapping[str, Any],
                    discussions: Sequence[Mapping[str, Any]] = (),
                    proposals: Sequence[Mapping[str, Any]] = (),
                    action_items: Sequence[Row] = (),
                    sections: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
                    ) -> Dialogue:
    """Step 3: the summary, contributions and sustainability, the indicator data discussed
    (figures stamped by the server), targets proposed (a target changes only once TIP staff
    accept), action items, and the rows other apps keep at the dialogue
    (``record_sections``, by prefix)."""
    dialogue = _open_step(user=user, dialogue=dialogue, step="outcomes", version=version)
    dialogue = dialogue_update(user=user, dialogue=dialogue, data=data)
    for index, fields in enumerate(discussions):
        with _row("discussions", index, refused=(ValidationError, YearLocked)):
            discussion_record(dialogue=dialogue, user=user, indicator=fields["indicator"],
                              notes=fields["notes"])
    for index, fields in enumerate(proposals):
        with _row("proposals", index, conflicts=(StateConflict,), field="value"):
            target_proposals.target_propose(
                user=user, dialogue=dialogue, indicator=fields["indicator"],
                value=fields["value"], fiscal_year=fields["fiscal_year"])
    for index, row in enumerate(action_items):
        with _row("action_items", index):
            if row.instance is not None:
                action_item_update(user=user, item=row.instance, data=row.fields)
            else:
                action_item_add(user=user, dialogue=dialogue, **row.fields)
    sections = sections or {}
    for rows in record_sections.registered():
        for index, fields in enumerate(sections.get(rows.prefix, ())):
            with _row(f"rows_{rows.prefix}", index):
                rows.save_row(user, dialogue, fields)
    return dialogue


def review_closing(*, user, dialogue: Dialogue, version: str | None,
                   reason: str | None) -> str:
    """Step 4, first press: what closing needs, checked without writing (``close_reason``),
    on the record as the person saw it."""
    ensure_may_change(user, dialogue)
    _ensure_unchanged(dialogue, "close", version)
    return close_reason(dialogue, reason)


@transaction.atomic
def record_closing(*, user, dialogue: Dialogue, version: str | None,
                   reason: str | None) -> Dialogue:
    """Step 4, confirmed: close the record (held, with a summary, and a reason when a check
    would read not met)."""
    dialogue = _open_step(user=user, dialogue=dialogue, step="close", version=version)
    return dialogue_move(user=user, dialogue=dialogue, status=DialogueStatus.CLOSED,
                         reason=reason)
