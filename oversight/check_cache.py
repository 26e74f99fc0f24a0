"""The six checks, cached per compact, fiscal year and day, until the records change.

``compliance.compliance_for_compacts`` stays the one home of every rule; this module only
remembers its answers. A verdict is stored under the current :class:`RecordsVersion`, which
grows after each committed write to the apps the checks read (compacts, indicators,
dialogues, contributions): a write makes every cached verdict unreachable, so a page never
shows a verdict older than the records. "Today" is part of the key (plans fall overdue,
dialogues fall due), and entries also expire after an hour. With the cache unreachable
(``cpc.cache.FailOpenRedisCache``) every verdict is simply computed.
"""

import datetime as dt

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F

from .compliance import Check, compliance_for_compacts
from .models import RecordsVersion

# The apps whose records the checks read.
CHECKED_APPS = frozenset({"compacts", "indicators", "dialogues", "contributions"})
TIMEOUT_SECONDS = 3600


def records_version() -> int:
    return (RecordsVersion.objects.filter(pk=1).values_list("number", flat=True).first()
            or 0)


def _bump() -> None:
    updated = RecordsVersion.objects.filter(pk=1).update(number=F("number") + 1)
    if not updated:
        RecordsVersion.objects.get_or_create(pk=1, defaults={"number": 1})


def records_changed(**kwargs) -> None:
    """Signal receiver: a record the checks read was saved, deleted or relinked. The version
    grows once the transaction commits (once per transaction); a rollback bumps nothing."""
    sender = kwargs.get("sender")
    meta = getattr(sender, "_meta", None)
    if kwargs.get("raw") or meta is None or meta.app_label not in CHECKED_APPS:
        return
    # A migration's historical models (module "__fake__") write before this app's own
    # table may exist; ``records_migrated`` bumps once migrate has finished instead.
    if sender.__module__ == "__fake__":
        return
    if connection.in_atomic_block and any(
            entry[1] is _bump for entry in connection.run_on_commit):
        return
    # robust: the write has committed whatever happens here; a failed bump is logged, and
    # the hour's expiry bounds what it could leave cached.
    transaction.on_commit(_bump, robust=True)


def records_migrated(**kwargs) -> None:
    """post_migrate receiver: data migrations may have changed the records; the version
    grows once the tables are in place."""
    _bump()


def cached_compliance_for_compacts(compacts, *, fiscal_year: int,
                                   today: dt.date) -> dict[int, list[Check]]:
    compacts = list(compacts)
    version = records_version()
    keys = {c.pk: f"checks:{version}:{fiscal_year}:{today.isoformat()}:{c.pk}"
            for c in compacts}
    found = cache.get_many(list(keys.values()))
    verdicts = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [c for c in compacts if c.pk not in verdicts]
    if missing:
        computed = compliance_for_compacts(missing, fiscal_year=fiscal_year, today=today)
        cache.set_many({keys[pk]: checks for pk, checks in computed.items()},
                       timeout=TIMEOUT_SECONDS)
        verdicts |= computed
    return verdicts
