"""Oversight report jobs: one row per requested PDF, from queued to succeeded or failed.

The PDF itself lives on the private storage (never under a public URL) under a name fixed
per job, so a retry overwrites its own file instead of leaving a second one behind.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from compacts.models import Compact
from cpc.fiscal import fiscal_year_of
from cpc.models import ConstraintErrorsOnFields
from cpc.storage import private_storage

# The first Child Protection Compact Partnership (Ghana) was signed in fiscal year 2015.
FIRST_FISCAL_YEAR = 2015

ERR_COMPACT_REQUIRED = _("Choose the compact this oversight report is about.")
ERR_COMPACT_FORBIDDEN = _("A program oversight report covers every compact: leave compact empty.")
ERR_FISCAL_YEAR_RANGE = _("Choose a fiscal year from FY{first} to FY{last}.")
ERR_COMPACT_NOT_ACTIVE = _("The compact was not active in fiscal year {fy} ({span}).")
ERR_PROGRESS_RANGE = _("Progress is a percentage from 0 to 100.")
ERR_SUCCEEDED_WITHOUT_PDF = _("A succeeded report job has a stored PDF and its SHA-256.")


class ReportKind(models.TextChoices):
    COMPACT_OVERSIGHT = "compact_oversight", _("Compact oversight report")
    PROGRAM_OVERSIGHT = "program_oversight", _("Program oversight report")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


def latest_reportable_fiscal_year() -> int:
    """Reports look back, or at the year just begun: never further than next fiscal year."""
    return fiscal_year_of(timezone.localdate()) + 1


class ReportJobQuerySet(models.QuerySet):
    def stale_running(self, *, before):
        """Running jobs whose worker has given no sign of life since ``before``."""
        return self.filter(status=ReportStatus.RUNNING).filter(
            Q(heartbeat_at__lt=before) | Q(heartbeat_at__isnull=True, started_at__lt=before))

    def stale_queued(self, *, before):
        return self.filter(status=ReportStatus.QUEUED, requested_at__lt=before)

    def undispatched(self):
        return self.filter(status=ReportStatus.QUEUED, dispatched=False)


class ReportJob(ConstraintErrorsOnFields, models.Model):
    kind = models.CharField(max_length=24, choices=ReportKind.choices)
    # A compact with oversight reports cannot be deleted; the reports refer to it.
    compact = models.ForeignKey(
        Compact, on_delete=models.PROTECT, null=True, blank=True, related_name="report_jobs"
    )
    fiscal_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(FIRST_FISCAL_YEAR), MaxValueValidator(2100)]
    )
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100, message=ERR_PROGRESS_RANGE)]
    )
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="report_jobs"
    )
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # False while the broker has not accepted the task (it was down): the sweeper retries.
    dispatched = models.BooleanField(default=False)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # Why the last hand-over to the broker failed (empty once it succeeds).
    enqueue_error = models.CharField(max_length=500, blank=True)
    # Touched by the worker at each step of a render: a running job whose heartbeat is older
    # than REPORTS_HEARTBEAT_TIMEOUT_MINUTES has lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(storage=private_storage, max_length=255, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True, db_index=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    data_as_of = models.DateTimeField(null=True, blank=True)

    objects = ReportJobQuerySet.as_manager()
    constraint_error_fields = {
        "report_compact_matches_kind": "compact",
        "report_progress_percent": "progress",
    }
    history = HistoricalRecords(excluded_fields=["progress", "heartbeat_at"])

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # A compact report is about one compact; a program report about all of them.
            models.CheckConstraint(
                condition=Q(kind="compact_oversight", compact__isnull=False)
                | Q(kind="program_oversight", compact__isnull=True),
                name="report_compact_matches_kind",
                violation_error_message=ERR_COMPACT_REQUIRED,
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="report_progress_percent",
                violation_error_message=ERR_PROGRESS_RANGE,
            ),
            # What an auditor verifies against must exist once the job says it succeeded.
            models.CheckConstraint(
                condition=~Q(status="succeeded") | (~Q(sha256="") & ~Q(pdf="")),
                name="report_succeeded_has_pdf",
                violation_error_message=ERR_SUCCEEDED_WITHOUT_PDF,
            ),
        ]

    def __str__(self) -> str:
        subject = self.compact if self.compact_id else "all compacts"
        return f"{self.get_kind_display()} FY{self.fiscal_year}, {subject} (#{self.pk})"

    def clean(self):
        errors: dict[str, list[str]] = {}
        if self.kind == ReportKind.COMPACT_OVERSIGHT and not self.compact_id:
            errors["compact"] = [ERR_COMPACT_REQUIRED]
        if self.kind == ReportKind.PROGRAM_OVERSIGHT and self.compact_id:
            errors["compact"] = [ERR_COMPACT_FORBIDDEN]
        last = latest_reportable_fiscal_year()
        if self.fiscal_year is not None and not (
            FIRST_FISCAL_YEAR <= self.fiscal_year <= last
        ):
            errors["fiscal_year"] = [ERR_FISCAL_YEAR_RANGE.format(first=FIRST_FISCAL_YEAR,
                                                                  last=last)]
        elif (self.kind == ReportKind.COMPACT_OVERSIGHT and self.compact_id
              and self.fiscal_year is not None and self._state.adding):
            years = self.compact.fiscal_years()
            if self.fiscal_year not in years:
                span = f"FY{years[0]}-FY{years[-1]}" if years else "no dates yet"
                errors["fiscal_year"] = [ERR_COMPACT_NOT_ACTIVE.format(fy=self.fiscal_year,
                                                                       span=span)]
        if errors:
            raise ValidationError(errors)

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.SUCCEEDED, ReportStatus.FAILED)

    def storage_name(self) -> str:
        """The job's one file name: fixed per job, so retries overwrite instead of adding.
        The request time keeps names apart between databases that reuse ids."""
        stamp = self.requested_at.strftime("%Y%m%dT%H%M%S%f")
        return f"reports/{self.requested_at:%Y}/{self.kind}-{self.pk}-{stamp}.pdf"

    def download_filename(self) -> str:
        subject = self.compact.country.iso_code.code.lower() if self.compact_id else "program"
        return f"cpc-oversight-{subject}-fy{self.fiscal_year}-{self.pk}.pdf"
