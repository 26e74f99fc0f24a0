"""The six checks, cached per compact, fiscal year and day, until the records change.

``compliance.compliance_for_compacts`` stays the one home of every rule; this module only
remembers its answers. A verdict is stored under the current records version
(``cpc.access.cache_version``), which grows after each committed write to the records: a write
makes every cached verdict unreachable, so a page never shows a verdict older than the
records. The version names the database's epoch too: after a restore, or for another
database sharing the cache, no verdict of another timeline is read. The release is in the
key too (``cpc.release``): a deploy that changes a rule is
never answered with the previous rule's verdicts. "Today" is part of the key (plans fall
overdue, dialogues fall due), and entries also expire after an hour. With the cache
unreachable (``cpc.cache.FailOpenRedisCache``) verdicts are kept in the process's memory,
still under the records version, until Redis answers again.
"""

import datetime as dt

from django.core.cache import cache

from cpc.access.cache_version import change_pending, content_version

from .compliance import Check, compliance_for_compacts

TIMEOUT_SECONDS = 3600


def cached_compliance_for_compacts(compacts, *, fiscal_year: int,
                                   today: dt.date) -> dict[int, list[Check]]:
    compacts = list(compacts)
    if change_pending():  # a write of this transaction is not in the version yet
        return compliance_for_compacts(compacts, fiscal_year=fiscal_year, today=today)
    version = content_version()
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
