"""The records version (``cpc.access.cache_version``): one row, kept in the database."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordsVersion(models.Model):
    """One row: a number that grows after every committed write to the program's records
    (the apps in ``cpc.access.cache_version.VERSIONED_APPS``), and the epoch of this database's
    timeline. Cached verdicts and page fragments are keyed by both, so a write makes every
    earlier one unreachable. Kept in the database, not in the cache, so that a cache outage
    cannot lose a bump.

    The number alone does not tell two timelines apart: a restore puts it back, and the next
    writes bring it to numbers whose cached content belongs to the timeline the restore
    undid; two databases sharing one Redis count alike. The epoch is random, made with the
    row and made anew by ``scripts/restore``, ``loaddata`` and ``new_records_epoch``
    (``cpc.access.cache_version.records_epoch_renew``)."""

    number = models.BigIntegerField(default=0)
    epoch = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        # The table keeps the name it had in compacts (no data moves).
        db_table = "compacts_recordsversion"
        verbose_name = _("records version")

    def __str__(self):
        return f"Records version {self.number}"
