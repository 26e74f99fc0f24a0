"""The state of the program's records as a whole: the records version cached content is keyed
by, and TIP staff's lock on each fiscal year of a compact."""


from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cpc.fiscal import fiscal_year_validators
from cpc.validators import NOTE_MAX, bounded_text

from .compacts import Compact


class YearLockState(models.TextChoices):
    LOCKED = "locked", _("Locked")
    UNLOCKED = "unlocked", _("Unlocked")


class FiscalYearLock(models.Model):
    """TIP staff's last decision on one fiscal year of a compact: locked or unlocked.

    A locked year's results, targets, contributions, dialogue discussions and indicator
    tracking cannot change (``compacts.year_locks``). Without a row, a year locks by itself
    once its dialogue window has closed (120 days after the fiscal year ends); a row records
    that staff locked it earlier, or unlocked it (with a reason) to correct something, and
    it stays so until staff decide again. The row is changed, never deleted: its history
    holds every lock and unlock, each with its reason as the history's change reason.
    """

    # Never cascade: the lock record is oversight data.
    compact = models.ForeignKey(Compact, on_delete=models.PROTECT, related_name="year_locks")
    fiscal_year = models.PositiveSmallIntegerField(validators=fiscal_year_validators)
    state = models.CharField(max_length=8, choices=YearLockState.choices)
    reason = bounded_text(NOTE_MAX, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    changed_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["compact", "fiscal_year"]
        constraints = [
            # One decision per year of a compact: the latest; earlier ones are its history.
            models.UniqueConstraint(fields=["compact", "fiscal_year"],
                                    name="year_lock_one_per_compact_year"),
            # An unlock must say why (a lock may, an unlock must).
            models.CheckConstraint(condition=~Q(state="unlocked") | ~Q(reason=""),
                                   name="year_unlock_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.compact}: FY{self.fiscal_year} {self.get_state_display().lower()}"
