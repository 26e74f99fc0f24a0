"""Fields that apps above this one keep about a target, shown and written through
``/api/v1/targets/`` as fields of the target.

A target's value may have been agreed at an annual dialogue; that link is the dialogues app's
record (its ``TargetSetting``), and this app never imports the apps above it. Such an app
registers a ``TargetLink`` from its ``AppConfig.ready``; the target serializer then offers
the field (its choices scoped to the reader), checks it against the target's indicator, and
saves it once the target is written, in the same transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TargetLink:
    name: str  # the field's name in the API
    # (user) -> the serializer field, its choices narrowed to what the user sees
    field: Callable
    # (indicator, value) -> None; raises serializers.ValidationError naming the field
    validate: Callable
    # (user, target, value) -> None, once the target is written
    save: Callable
    # What a list of targets selects with it (select_related), so each row costs nothing
    related: str = ""


_REGISTERED: dict[str, TargetLink] = {}


def register(link: TargetLink) -> None:
    _REGISTERED[link.name] = link


def registered() -> list[TargetLink]:
    return list(_REGISTERED.values())
