"""How the program's six checks will stand for a dialogue's compact and fiscal year once the
dialogue is closed.

The checks belong to the oversight app, above this one, which this app may not import. The
oversight app registers the function that projects them from its ``AppConfig.ready``
(``oversight.selectors.dialogue_checks_once_closed``); the close step shows what it returns
and ``services.dialogue_move`` asks for a reason whenever one of them would read not met.
Without a registered projection there is nothing to show and no reason to ask for.
"""

from collections.abc import Callable
from typing import Protocol

from cpc.check_status import NOT_MET


class ProjectedCheck(Protocol):
    recommendation: int
    title: str
    status: str  # met, not_met, pending, not_applicable
    detail: str


_PROJECTION: list[Callable] = []


def register(projection: Callable) -> None:
    """``projection(dialogue) -> list[ProjectedCheck]``, the six checks once it is closed."""
    _PROJECTION[:] = [projection]


def checks_once_closed(dialogue) -> list[ProjectedCheck]:
    return list(_PROJECTION[0](dialogue)) if _PROJECTION else []


def not_met(checks) -> list[ProjectedCheck]:
    return [check for check in checks if check.status == NOT_MET]
