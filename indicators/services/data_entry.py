"""Saving the data-entry grid: a compact's targets and results, one cell per indicator and
fiscal year, submitted together.

A submit is saved whole or not at all. Every cell is tried, each in its own savepoint, so
that all the services' errors come back at once, each with the cell that caused it; then the
whole submit is undone unless every cell was saved (or ``keep`` is false: the page found
errors of its own). A cell whose target or result changed since the page showed it is
refused, never written over: the page sends the version of each record it showed
(``cpc.versions``, the rule of the edit pages and, as ETags, of the API).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compacts.models import Compact
from compacts.year_locks import YearLocked
from cpc.access import scoping
from cpc.versions import RecordChanged, check_version

from ..choices import figure_names
from ..formatting import plain
from ..models import Indicator, Result, Target
from ..versions import NO_RECORD
from .results import result_record, result_update
from .targets import target_create, target_update

ERR_MAY_NOT_ENTER = gettext_noop("Your role does not allow entering indicator data.")
ERR_CANNOT_CLEAR = gettext_noop(
    "A saved figure cannot be removed here; enter a corrected value instead.")
ERR_CELL_CHANGED = gettext_noop(
    "Someone else saved {saved} here since you opened the page; your figure was not saved. "
    "Check it and save again."
)


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED = _Unchanged()


@dataclass
class CellEntry:
    """One cell as submitted: the target and result read for this request, what the user
    changed (``UNCHANGED`` / None where they left the inputs alone) and the versions of the
    target and result the page showed ("" when it did not say: a client of its own)."""

    indicator: Indicator
    fiscal_year: int
    target: Target | None = None
    result: Result | None = None
    target_value: Decimal | _Unchanged | None = UNCHANGED
    figures: dict[str, Decimal | None] | None = None
    target_version: str = ""
    result_version: str = ""


@dataclass
class CellRefusal:
    """Why a cell was not saved: the services' field errors, or a message about the cell as
    a whole; ``conflict`` when it changed meanwhile or its year is locked (a 409)."""

    error: ValidationError | None = None
    message: str = ""
    conflict: bool = False


@dataclass
class GridOutcome:
    saved: int = 0  # records changed
    refusals: dict[int, CellRefusal] = field(default_factory=dict)  # by entry index

    @property
    def valid(self) -> bool:
        return not self.refusals


class CellChanged(RecordChanged):
    """A cell's target or result changed since the page showed it."""

    def __init__(self, name: str, saved: str):
        super().__init__(_(ERR_CELL_CHANGED).format(saved=saved))
        self.error = ValidationError({name: [self.message]})


def data_entry_save(*, user, compact: Compact, entries: list[CellEntry],
                    change_reason: str = "", source: str = "",
                    keep: bool = True) -> GridOutcome:
    """Save the grid's cells through the target and result services, all or nothing.

    ``change_reason`` goes in the history of every approved result changed, ``source`` on
    every result recorded or changed. Nothing is kept unless every cell is saved and
    ``keep``; the refusals say, cell by cell, why not."""
    if not scoping.records_results_in(user, compact):
        raise PermissionDenied(_(ERR_MAY_NOT_ENTER))
    if (any(entry.target_value is not UNCHANGED for entry in entries)
            and not scoping.is_tip_staff(user)):
        raise PermissionDenied(_(ERR_MAY_NOT_ENTER))  # only TIP staff set targets
    outcome = GridOutcome()
    with transaction.atomic():
        for index, entry in enumerate(entries):
            try:
                with transaction.atomic():
                    outcome.saved += _save_cell(user, entry, change_reason=change_reason,
                                                source=source)
            except CellChanged as changed:
                outcome.refusals[index] = CellRefusal(error=changed.error, conflict=True)
            except ValidationError as error:
                outcome.refusals[index] = CellRefusal(error=error)
            except YearLocked as locked:
                outcome.refusals[index] = CellRefusal(message=locked.message, conflict=True)
        if outcome.refusals or not keep:
            transaction.set_rollback(True)
    return outcome


def _save_cell(user, entry: CellEntry, *, change_reason: str, source: str) -> int:
    """Write one cell's changes; return how many records changed."""
    return (_save_target(user, entry)
            + _save_result(user, entry, change_reason=change_reason, source=source))


def _ensure_unchanged(record, version: str, names: list[str], fields: list[str]) -> None:
    """Refuse a change to a record that is no longer the version the page showed, naming
    its saved ``fields`` beside the first of the inputs ``names``."""
    if not version:
        return
    try:
        if record is None or version == NO_RECORD:
            if (record is None) != (version == NO_RECORD):
                raise RecordChanged()
        else:
            check_version(record, version)
    except RecordChanged as changed:
        values = [None if record is None else getattr(record, name) for name in fields]
        saved = " / ".join(plain(value) or "nothing" for value in values)
        raise CellChanged(names[0], saved) from changed


def _save_target(user, entry: CellEntry) -> int:
    value, target = entry.target_value, entry.target
    if value is UNCHANGED:
        return 0  # whatever is saved now stays, even if someone changed it meanwhile
    _ensure_unchanged(target, entry.target_version, ["target"], ["value"])
    if value is None and target is not None:
        raise ValidationError({"target": [_(ERR_CANNOT_CLEAR)]})
    if value is not None and target is None:
        _as_target_errors(lambda: target_create(
            indicator=entry.indicator, fiscal_year=entry.fiscal_year, value=value, user=user))
        return 1
    if value is not None and value != target.value:
        _as_target_errors(lambda: target_update(target=target, data={"value": value},
                                                user=user))
        return 1
    return 0


def _as_target_errors(save):
    """A target's ``value`` error belongs beside the target input, not the actual."""
    try:
        return save()
    except ValidationError as error:
        errors = dict(error.message_dict)
        if "value" in errors:
            errors["target"] = errors.pop("value")
        raise ValidationError(errors) from error


def _save_result(user, entry: CellEntry, *, change_reason: str, source: str) -> int:
    new, result = entry.figures, entry.result
    if new is None:
        return 0  # left alone
    names = figure_names(entry.indicator.unit)
    _ensure_unchanged(result, entry.result_version, names, names)
    if result is None:
        if all(v is None for v in new.values()):
            return 0
        result_record(user=user, indicator=entry.indicator, fiscal_year=entry.fiscal_year,
                      source=source, **new)
        return 1
    if new == {name: getattr(result, name) for name in names}:
        return 0
    if all(v is None for v in new.values()):
        raise ValidationError({names[0]: [_(ERR_CANNOT_CLEAR)]})
    update = dict(new, source=source) if source else dict(new)
    result_update(user=user, result=result, data=update, change_reason=change_reason)
    return 1
