"""Fiscal-year locks: once a compact's year is locked, nothing that would change its figures
is written (docs/compliance.md, "Year locks").

The effective state of a year, the one rule every writer asks (:func:`year_state`):

* TIP staff locked it (a :class:`~compacts.models.FiscalYearLock` row in state ``locked``):
  locked;
* TIP staff unlocked it, with a reason (state ``unlocked``): open, until staff lock it again;
* no decision recorded: locked once its dialogue window has closed, that is from the 121st
  day after the fiscal year ends (``AUTO_LOCK_DAYS_AFTER_FISCAL_YEAR``, the window
  ``dialogues.models.DIALOGUE_DAYS_AFTER_FISCAL_YEAR`` gives a dialogue), open before.

Every service that changes a year's results, targets, contributions, discussions or
indicator tracking calls :func:`ensure_year_open` first, inside its transaction; a locked
year raises :class:`YearLocked`, a state conflict the API answers 409 and the pages show as
the form's error. The same rule is the models' last line (:class:`YearLockedRecord`): their
``full_clean()`` refuses a record of a locked year, so the admin's forms, whose writes do not
pass through the services, refuse it too.

A write and a lock cannot interleave: on PostgreSQL the guard takes a shared transaction
lock on the compact's year (``pg_advisory_xact_lock_shared``) and locking or unlocking takes
it exclusively, so a lock waits for the writes in flight to commit and a write that starts
after a lock sees it. (SQLite runs one writing transaction at a time anyway.)
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cpc import signals
from cpc.access import scoping
from cpc.fiscal import fiscal_year_bounds, is_fiscal_year
from cpc.models import recorded_now
from cpc.services import StateConflict, validated_save

from .models import Compact, FiscalYearLock, YearLockState

# The dialogue window: a year's dialogue is held within it, and its figures settle with it.
AUTO_LOCK_DAYS_AFTER_FISCAL_YEAR = 120
# A key of our own for PostgreSQL's advisory locks ("YRLK"); the second key names the
# compact's year (fiscal years are 2000-2100, see cpc.fiscal).
ADVISORY_NAMESPACE = 0x59524C4B

ERR_YEAR_LOCKED = gettext_lazy(
    "FY{year} of {compact} is locked ({why}): its results, targets, contributions, "
    "discussions and indicator tracking cannot change. TIP staff can unlock the year, "
    "saying why.")
WHY_LOCKED_BY = gettext_lazy("locked by {user} on {day}")
WHY_WINDOW_CLOSED = gettext_lazy("its dialogue window closed on {day}")
ERR_ONLY_STAFF = gettext_lazy("Only TIP staff lock and unlock fiscal years.")
ERR_UNLOCK_REASON = gettext_lazy("Say why the year is unlocked.")
ERR_ALREADY_LOCKED = gettext_lazy("FY{year} is already locked.")
ERR_NOT_LOCKED = gettext_lazy("FY{year} is not locked.")
ERR_NOT_A_YEAR_OF_COMPACT = gettext_lazy("FY{year} is not a fiscal year of this compact.")
ERR_REASON_TOO_LONG = gettext_lazy("Keep the reason to {limit} characters.")
REASON_MAX_LENGTH = 2000


@dataclass(frozen=True)
class YearState:
    """One fiscal year of a compact as the lock rule sees it on ``today``."""

    compact_id: int
    fiscal_year: int
    locked: bool
    explicit: bool  # TIP staff decided (a FiscalYearLock row); otherwise the rule
    reason: str
    changed_by: str | None
    changed_at: dt.datetime | None
    auto_locks_on: dt.date  # the day the rule locks it when staff have not decided


def auto_locks_on(fiscal_year: int) -> dt.date:
    """The first day a year is locked by the rule: the day after its dialogue window."""
    return (fiscal_year_bounds(fiscal_year)[1]
            + dt.timedelta(days=AUTO_LOCK_DAYS_AFTER_FISCAL_YEAR + 1))


def _today() -> dt.date:
    """The day of the recording clock (``cpc.models.recorded_now``): today, or the day a
    loader of past records replays them at, when the year was still open."""
    return timezone.localdate(recorded_now())


def _state(compact_id: int, fiscal_year: int, record: FiscalYearLock | None,
           today: dt.date) -> YearState:
    locks_on = auto_locks_on(fiscal_year)
    if record is None:
        return YearState(compact_id, fiscal_year, today >= locks_on, False, "", None, None,
                         locks_on)
    return YearState(compact_id, fiscal_year, record.state == YearLockState.LOCKED, True,
                     record.reason, record.changed_by.get_username(), record.changed_at,
                     locks_on)


def year_state(compact, fiscal_year: int, *, today: dt.date | None = None) -> YearState:
    compact_id = getattr(compact, "pk", compact)
    record = (FiscalYearLock.objects.select_related("changed_by")
              .filter(compact_id=compact_id, fiscal_year=fiscal_year).first())
    return _state(compact_id, fiscal_year, record, today or _today())


def year_states(compact: Compact, *, today: dt.date | None = None) -> list[YearState]:
    """Every fiscal year of the compact's term (extensions included), oldest first, in one
    query."""
    today = today or _today()
    records = {r.fiscal_year: r for r in FiscalYearLock.objects.select_related("changed_by")
               .filter(compact_id=compact.pk)}
    return [_state(compact.pk, year, records.get(year), today)
            for year in compact.fiscal_years()]


def year_locked(compact, fiscal_year: int, today: dt.date | None = None) -> bool:
    return year_state(compact, fiscal_year, today=today).locked


def _hold(compact_id: int, fiscal_year: int, *, exclusive: bool) -> None:
    """The transaction's lock on the compact's year (PostgreSQL; released at its end)."""
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)",
                       [ADVISORY_NAMESPACE, compact_id * 128 + (fiscal_year - 2000) % 128])


class YearLocked(StateConflict):
    """A write that would change a locked fiscal year (409 in the API)."""


def locked_message(compact: Compact, state: YearState) -> str:
    if state.explicit:
        why = str(WHY_LOCKED_BY).format(user=state.changed_by,
                                        day=timezone.localdate(state.changed_at).isoformat())
    else:
        why = str(WHY_WINDOW_CLOSED).format(
            day=(state.auto_locks_on - dt.timedelta(days=1)).isoformat())
    return str(ERR_YEAR_LOCKED).format(year=state.fiscal_year, compact=compact.title, why=why)


def ensure_year_open(compact, fiscal_year: int | None, *, today: dt.date | None = None) -> None:
    """Raise :class:`YearLocked` when ``fiscal_year`` of ``compact`` (an instance or an id) is
    locked. Call inside the writing transaction: it holds the year against a concurrent lock
    until the write commits. A missing year (a form left empty) or one out of range (FY 1)
    is the model's to refuse."""
    if fiscal_year is None or compact is None or not is_fiscal_year(fiscal_year):
        return
    compact_id = getattr(compact, "pk", compact)
    _hold(compact_id, fiscal_year, exclusive=False)
    state = year_state(compact_id, fiscal_year, today=today)
    if not state.locked:
        return
    if not isinstance(compact, Compact):
        compact = Compact.objects.get(pk=compact_id)
    # A year outside the compact's term is no year of it: the models refuse it (400).
    if fiscal_year in compact.fiscal_years():
        raise YearLocked(locked_message(compact, state))


def ensure_years_open(compact, fiscal_years: Iterable[int | None]) -> None:
    for fiscal_year in sorted({y for y in fiscal_years if y is not None}):
        ensure_year_open(compact, fiscal_year)


class YearLockedRecord:
    """Model mixin: ``full_clean()`` refuses a record whose fiscal year, as it is or as it is
    stored, is locked (a non-field error naming the lock). Subclasses say which (compact,
    fiscal year) pairs a change touches in :meth:`year_lock_keys`. The services check first
    and answer 409; this keeps the admin's forms, which write through ``full_clean()`` but
    not through the services, to the same rule."""

    def year_lock_keys(self) -> set[tuple[int, int]]:
        raise NotImplementedError

    def stored_values(self, *names: str) -> dict | None:
        """The fields as they are in the database (as locked by a service, or read), or None
        for a new record."""
        if self.pk is None:
            return None
        locked = getattr(self, "_values_when_locked", None)
        if locked is not None:
            return {name: locked[name] for name in names}
        return type(self)._default_manager.filter(pk=self.pk).values(*names).first()

    def _unchanged(self) -> bool:
        """Whether the record is stored and as stored: checking it changes nothing."""
        if self.pk is None:
            return False
        names = [f.attname for f in self._meta.concrete_fields]
        stored = type(self)._default_manager.filter(pk=self.pk).values(*names).first()
        # A stored file compares equal to its name (FieldFile.__eq__).
        return stored is not None and all(getattr(self, name) == stored[name]
                                          for name in names)

    def full_clean(self, *args, **kwargs):
        try:
            keys = () if self._unchanged() else sorted(self.year_lock_keys())
            for compact_id, fiscal_year in keys:
                ensure_year_open(compact_id, fiscal_year)
        except YearLocked as locked:
            raise ValidationError({NON_FIELD_ERRORS: [locked.message]}) from locked
        return super().full_clean(*args, **kwargs)


def _check_can_decide(user, compact: Compact, fiscal_year: int) -> None:
    if not scoping.is_tip_staff(user):
        raise PermissionDenied(ERR_ONLY_STAFF)
    if fiscal_year not in compact.fiscal_years():
        raise ValidationError(
            {"fiscal_year": [str(ERR_NOT_A_YEAR_OF_COMPACT).format(year=fiscal_year)]})


def _decide(*, user, compact: Compact, fiscal_year: int, state: str, reason: str,
            today: dt.date | None) -> YearState:
    record = (FiscalYearLock.objects.select_for_update()
              .filter(compact=compact, fiscal_year=fiscal_year).first()
              or FiscalYearLock(compact=compact, fiscal_year=fiscal_year))
    record._history_user = user
    record._change_reason = reason
    validated_save(record, {"state": state, "reason": reason, "changed_by": user,
                            "changed_at": timezone.now()})
    return year_state(compact, fiscal_year, today=today)


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": [str(ERR_REASON_TOO_LONG).format(
            limit=REASON_MAX_LENGTH)]})
    return reason


@transaction.atomic
def fiscal_year_lock(*, user, compact: Compact, fiscal_year: int, reason: str = "",
                     today: dt.date | None = None) -> YearState:
    """TIP staff lock a year of the compact now (before its window closes, or again after an
    unlock); the reason, when given, is kept in the history."""
    _check_can_decide(user, compact, fiscal_year)
    reason = _reason(reason)
    _hold(compact.pk, fiscal_year, exclusive=True)
    if year_state(compact, fiscal_year, today=today).locked:
        raise StateConflict(str(ERR_ALREADY_LOCKED).format(year=fiscal_year))
    return _decide(user=user, compact=compact, fiscal_year=fiscal_year,
                   state=YearLockState.LOCKED, reason=reason, today=today)


@transaction.atomic
def fiscal_year_unlock(*, user, compact: Compact, fiscal_year: int, reason: str,
                       today: dt.date | None = None) -> YearState:
    """TIP staff open a locked year to correct it, saying why (kept in the history). It stays
    open until staff lock it again."""
    _check_can_decide(user, compact, fiscal_year)
    reason = _reason(reason)
    if not reason:
        raise ValidationError({"reason": [str(ERR_UNLOCK_REASON)]})
    _hold(compact.pk, fiscal_year, exclusive=True)
    if not year_state(compact, fiscal_year, today=today).locked:
        raise StateConflict(str(ERR_NOT_LOCKED).format(year=fiscal_year))
    state = _decide(user=user, compact=compact, fiscal_year=fiscal_year,
                    state=YearLockState.UNLOCKED, reason=reason, today=today)
    # The audit trail records it as an auth event, in this transaction.
    signals.year_unlocked.send(sender=FiscalYearLock, compact=compact, user=user,
                               fiscal_year=fiscal_year, reason=reason)
    return state
