"""What every service shares: the rule check before writing a row, and the error for a
request that is impossible in the record's current state."""

from collections.abc import Mapping
from typing import Any


def validated_save(instance, data: Mapping[str, Any] | None = None):
    """Set ``data`` on ``instance``, run every model rule (``full_clean()``: fields, ``clean()``,
    uniqueness and constraints), then save. A rule that fails raises ValidationError with the
    field named, before the database sees anything."""
    for field, value in (data or {}).items():
        setattr(instance, field, value)
    instance.full_clean()
    instance.save()
    return instance


class StateConflict(Exception):
    """A request that is well formed but impossible in the object's current state (the API
    answers 409, the pages show the message)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
