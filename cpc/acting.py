"""Who is acting, and why, for writes made outside a request.

In a request, django-simple-history takes the acting user from the request
(``HistoryRequestMiddleware``; DRF sets the request's user when it authenticates a token).
Celery tasks, management commands and imports have no request: they wrap their writes in
``acting(user=..., reason=...)``, and every history row written inside gets that user and
reason unless the write named its own (``_change_reason``). A request may also give a reason
for all its writes (a returned result's note). Rows written with neither keep ``None``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from simple_history.signals import pre_create_historical_record

_acting: ContextVar[tuple[object | None, str] | None] = ContextVar("cpc_acting", default=None)
REASON_MAX_LENGTH = 2000


@contextmanager
def acting(*, user=None, reason: str = "") -> Iterator[None]:
    token = _acting.set((user, reason[:REASON_MAX_LENGTH]))
    try:
        yield
    finally:
        _acting.reset(token)


def acting_now() -> tuple[object | None, str] | None:
    """The (user, reason) of the enclosing ``acting`` block, or None outside one."""
    return _acting.get()


def _fill_in(sender, history_instance, **kwargs) -> None:
    current = _acting.get()
    if current is None:
        return
    user, reason = current
    if user is not None and history_instance.history_user_id is None:
        history_instance.history_user_id = user.pk
    if reason and not history_instance.history_change_reason:
        history_instance.history_change_reason = reason


pre_create_historical_record.connect(_fill_in, dispatch_uid="cpc-acting-fill-in")
