"""The records version: one number that grows after each committed write to the program's
records, so that anything computed from them can be cached under it and never outlive them.

``records_changed`` listens to ``post_save``, ``post_delete`` and ``m2m_changed`` of every
model of ``VERSIONED_APPS`` (history rows included) and registers one bump for when the
transaction commits; a rollback bumps nothing. The number lives in the database
(:class:`compacts.models.RecordsVersion`), so a cache outage cannot lose a bump. Users and
sessions are not versioned: a cached fragment is keyed by the reader's role and scope
(``cpc.fragments``), computed from the user on every request.
"""

from contextvars import ContextVar

from django.db import connection, transaction
from django.db.models import F

from cpc.release import release

from .models import RecordsVersion

VERSIONED_APPS = frozenset({"compacts", "indicators", "dialogues", "contributions",
                            "oversight"})


def change_pending() -> bool:
    """Whether this connection's open transaction has written records whose bump waits for
    the commit. Until then the version does not yet tell that write apart, so whatever this
    transaction reads must be computed, not taken from the cache (nor stored in it)."""
    return connection.in_atomic_block and any(
        entry[1] is _bump for entry in connection.run_on_commit)


# Within one request the version is read once (``RequestVersionMiddleware``): the page's
# content and its header ask for it alike. A bump made by the request itself forgets it.
_request_memo: ContextVar[dict | None] = ContextVar("records_version_memo", default=None)


def records_version() -> int:
    memo = _request_memo.get()
    if memo is not None and "number" in memo:
        return memo["number"]
    number = (RecordsVersion.objects.filter(pk=1).values_list("number", flat=True).first()
              or 0)
    if memo is not None:
        memo["number"] = number
    return number


def content_version() -> str:
    """What content cached from the records is computed from: this release's code and
    templates (``cpc.release``) and the records version. Cache keys name it, never the
    records version alone."""
    return f"{release()}.{records_version()}"


class RequestVersionMiddleware:
    """Reads the records version at most once a request (until the request writes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_memo.set({})
        try:
            return self.get_response(request)
        finally:
            _request_memo.reset(token)


def _bump() -> None:
    memo = _request_memo.get()
    if memo is not None:
        memo.pop("number", None)
    updated = RecordsVersion.objects.filter(pk=1).update(number=F("number") + 1)
    if not updated:
        RecordsVersion.objects.get_or_create(pk=1, defaults={"number": 1})


def records_changed(**kwargs) -> None:
    """Signal receiver: a versioned record was saved, deleted or relinked. The version grows
    once the transaction commits (once per transaction); a rollback bumps nothing."""
    sender = kwargs.get("sender")
    meta = getattr(sender, "_meta", None)
    if (kwargs.get("raw") or meta is None or meta.app_label not in VERSIONED_APPS
            or sender is RecordsVersion):
        return
    # A migration's historical models (module "__fake__") write before the version's table
    # may exist; ``records_migrated`` bumps once migrate has finished instead.
    if sender.__module__ == "__fake__":
        return
    if change_pending():
        return
    # robust: the write has committed whatever happens here; a failed bump is logged, and
    # the expiry of what is cached bounds what it could leave behind.
    transaction.on_commit(_bump, robust=True)


def records_migrated(**kwargs) -> None:
    """post_migrate receiver: data migrations may have changed the records; the version
    grows once the tables are in place."""
    _bump()
