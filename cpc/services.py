"""What every service shares: the rule check before writing a row, the locked update that
changes only the fields it was given, and the error for a request that is impossible in the
record's current state."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Changes to records someone else approved, verified or confirmed need a reason (AU-3).
ERR_REASON_REQUIRED = _("Say why this {what} is changed: the history keeps the reason.")
ERR_REASON_TOO_LONG = _("Keep the reason to {limit} characters.")
ERR_REASON_TOO_SHORT = _("Say why in at least {limit} characters: the history keeps the "
                         "reason.")
REASON_MAX_LENGTH = 2000


def required_reason(reason: str | None, *, what: str, field: str = "reason",
                    min_length: int = 0) -> str:
    """The reason, stripped; a field error (``{field: [...]}``: a 400 in the API, a form
    error on the pages and in the admin) when there is none, it is shorter than
    ``min_length`` or it is too long."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: [str(ERR_REASON_REQUIRED).format(what=what)]})
    if len(reason) < min_length:
        raise ValidationError({field: [str(ERR_REASON_TOO_SHORT).format(limit=min_length)]})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({field: [str(ERR_REASON_TOO_LONG).format(
            limit=REASON_MAX_LENGTH)]})
    return reason


def validated_save(instance, data: Mapping[str, Any] | None = None):
    """Set ``data`` on ``instance``, run every model rule (``full_clean()``: fields, ``clean()``,
    uniqueness and constraints), then save. A rule that fails raises ValidationError with the
    field named, before the database sees anything."""
    for field, value in (data or {}).items():
        setattr(instance, field, value)
    instance.full_clean()
    instance.save()
    return instance


def field_values(instance) -> dict[str, Any]:
    """The stored fields of ``instance`` as plain values (a file by its name)."""
    values = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(field, models.FileField):
            value = (value.name or "", getattr(value, "_committed", True))
        values[field.attname] = value
    return values


def lock(instance):
    """The row of ``instance`` as it is now in the database, locked until the transaction
    ends (PostgreSQL ``SELECT ... FOR UPDATE``; SQLite takes its write lock when the
    transaction begins). A writer that changes a record from what it read earlier would
    write back every field as it read them, undoing whatever was saved meanwhile; a writer
    that locks first and changes only what it was given cannot."""
    current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    current._values_when_locked = field_values(current)
    current._read_earlier = instance
    return current


def validated_update(instance, data: Mapping[str, Any] | None = None, *,
                     change_reason: str = "") -> Any:
    """Change only the fields in ``data`` on the record's current, locked row, run every
    model rule, and save only the fields that changed (with ``update_fields``).

    ``instance`` may be a copy read earlier (it is locked and read again here) or one
    returned by :func:`lock` and already changed by the caller. Nothing changed, nothing
    saved: no write, no history version. Call inside ``transaction.atomic``.
    """
    before = getattr(instance, "_values_when_locked", None)
    current = instance if before is not None else lock(instance)
    before = current._values_when_locked
    history_user = getattr(instance, "_history_user", None)
    for field, value in (data or {}).items():
        setattr(current, field, value)
    current.full_clean()
    after = field_values(current)
    changed = [name for name, value in after.items()
               if value != before[name] or (isinstance(value, tuple) and not value[1])]
    if changed:
        auto_now = [f.attname for f in current._meta.concrete_fields
                    if getattr(f, "auto_now", False)]
        if change_reason:
            current._change_reason = change_reason
        if history_user is not None:
            current._history_user = history_user
        current.save(update_fields=sorted({*changed, *auto_now}))
        current._values_when_locked = field_values(current)
    _bring_up_to_date(getattr(current, "_read_earlier", None), current)
    return current


def _bring_up_to_date(earlier, current) -> None:
    """The copy a caller passed in shows the record as saved, as ``validated_save`` did."""
    if earlier is None or earlier is current:
        return
    for field in current._meta.concrete_fields:
        setattr(earlier, field.attname, getattr(current, field.attname))
    earlier._state.fields_cache = {}
    for attr in ("_stored_files", "_change_reason"):
        if hasattr(current, attr):
            setattr(earlier, attr, getattr(current, attr))


class StateConflict(Exception):
    """A request that is well formed but impossible in the object's current state (the API
    answers 409, the pages show the message)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
