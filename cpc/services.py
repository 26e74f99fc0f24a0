"""What every service does before writing a row."""

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
