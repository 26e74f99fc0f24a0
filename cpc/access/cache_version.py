"""The records version: one number that grows after each committed write to the program's
records, so that anything computed from them can be cached under it and never outlive them.

``records_changed`` listens to ``post_save``, ``post_delete`` and ``m2m_changed`` of every
model of ``VERSIONED_APPS`` (history rows included) and registers one bump for when the
transaction commits; a rollback bumps nothing. The number lives in the database
(:class:`cpc.access.models.RecordsVersion`), so a cache outage cannot lose a bump. Users and
sessions are not versioned: a cached fragment is keyed by the reader's role and scope
(``cpc.fragments``), computed from the user on every request.

The number alone names a point of one database's timeline, not of every timeline: a restore
puts it back and the next writes reach numbers whose cached content was computed before the
restore; a copied database counts alike. So the version row also holds an **epoch**, random,
made anew whenever the database's timeline forks (``scripts/restore``, ``loaddata``,
``manage.py new_records_epoch`` for a copy made by other means), and every cache key names the
epoch with the release and the number (``content_version``).
"""

import uuid
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
# content and its header ask for it alike. A bump made by the request itself forgets the
# number (the epoch stays: only a renewal changes it, and no request renews it).
_request_memo: ContextVar[dict | None] = ContextVar("records_version_memo", default=None)


def _read() -> tuple[str, int]:
    """The epoch (hex) and the number, in one query; memoised for the request."""
    memo = _request_memo.get()
    if memo is not None and "number" in memo:
        return memo["epoch"], memo["number"]
    row = RecordsVersion.objects.filter(pk=1).values_list("epoch", "number").first()
    if row is None:  # a database whose row was deleted (flush): give it one, with its epoch
        created, _ = RecordsVersion.objects.get_or_create(pk=1)
        row = (created.epoch, created.number)
    epoch, number = row[0].hex, row[1]
    if memo is not None:
        memo["epoch"], memo["number"] = epoch, number
    return epoch, number


def records_version() -> int:
    return _read()[1]


def records_epoch() -> str:
    """This database's timeline: a random value, never shared by two databases that went
    their own ways (see the module's docstring)."""
    memo = _request_memo.get()
    if memo is not None and "epoch" in memo:
        return memo["epoch"]
    return _read()[0]


def content_version() -> str:
    """What content cached from the records is computed from: this release's code and
    templates (``cpc.release``), the database's epoch and the records version. Cache keys
    name it, never the records version alone."""
    epoch, number = _read()
    return f"{release()}.{epoch}.{number}"


def records_epoch_renew(*, using: str = "default") -> str:
    """Give this database a new epoch, so that nothing cached before (from this database's
    earlier timeline or from a database it was copied from) is ever read again. For after a
    restore, a wholesale load of data, or a copy of the database; returns the new epoch."""
    epoch = uuid.uuid4()
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()
    rows = RecordsVersion.objects.using(using)
    if not rows.filter(pk=1).update(epoch=epoch):
        rows.get_or_create(pk=1, defaults={"epoch": epoch})
    return epoch.hex


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
        memo.pop("number", None)  # the epoch stays memoised: a bump does not change it
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
