"""The program guidance, version by version, and the four eyes on its passage on targets."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cpc.fiscal import fiscal_year_bounds
from cpc.models import ConstraintErrorsOnFields, DeletesReplacedFiles
from cpc.samples import MarksSamples
from cpc.storage import private_storage
from cpc.uploads import validate_evidence
from cpc.validators import LONG_TEXT_MAX, bounded_text, validate_sane_date

ERR_GUIDANCE_ENDS_BEFORE_START = _("A version cannot end before it takes effect.")
ERR_GUIDANCE_SAME_DAY = _("Another version of the guidance takes effect on that day.")
ERR_GUIDANCE_PASSAGE = (
    _("Quote the passage that references indicator targets (this text does not mention a "
    "target), or leave it empty when the guidance has none.")
)
ERR_GUIDANCE_CONFIRM_STAMPED = (
    _("A confirmation records who confirmed and when, and is not the author's own.")
)
PASSAGE_EXCERPT_CHARS = 160
# What a confirmation covers: changing either clears it.
GUIDANCE_CONFIRMED_FIELDS = ("targets_passage", "document")


class GuidanceDocument(MarksSamples, ConstraintErrorsOnFields, DeletesReplacedFiles,
                       models.Model):
    """One version of the program guidance. GAO recommendation 4 asks that the guidance
    reference the need for targets: check 4 reads the version in force during each fiscal
    year (:meth:`in_force_during`) and needs its document and the quoted passage.

    A version is in force from ``effective_from`` until the day before the next version takes
    effect, or until ``effective_to`` when it was withdrawn earlier.
    """

    title = models.CharField(max_length=255)
    version = models.CharField(max_length=32)
    effective_from = models.DateField(help_text=_("The day this version takes effect."),
                                      validators=[validate_sane_date])
    effective_to = models.DateField(
        null=True, blank=True,
        help_text=_("Last day in force, only when the version was withdrawn without a "
                  "successor; a later version ends this one the day before it takes effect."),
        validators=[validate_sane_date],
    )
    document = models.FileField(
        storage=private_storage, upload_to="guidance/%Y/%m/", blank=True, max_length=255,
        validators=[validate_evidence],
        help_text=_("The guidance as issued. Stored privately; served only to signed-in roles."),
    )
    targets_passage = bounded_text(
        LONG_TEXT_MAX, "passage on targets", blank=True,
        help_text=_("The passage of this version that references the need for indicator "
                  "targets, quoted word for word. Leave empty when the guidance has none."),
    )
    summary = bounded_text(LONG_TEXT_MAX, blank=True)
    # Provenance and four eyes: who entered the version and when (server time), and the
    # second TIP Office staff member who confirmed that the quoted passage references
    # indicator targets. Check 4 counts a version only once it is confirmed; a change of the
    # passage or the document clears the confirmation (the history keeps it).
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+", editable=False)
    recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+", editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A sample version (cpc/samples.py), loaded by the demo; its title says so too.
    is_sample = models.BooleanField(default=False, editable=False)

    sample_fields = ("title", "version", "effective_from", "targets_passage", "document")
    constraint_error_fields = {
        "guidance_confirmed_stamped": "confirmed_by",
        "guidance_unique_version": "version",
        "guidance_ends_after_start": "effective_to",
        "guidance_one_version_per_day": "effective_from",
    }
    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "version"],
                name="guidance_unique_version",
                violation_error_message=_("This version of the guidance already exists."),
            ),
            # Versions follow one another, so which one is in force on a day stays plain.
            models.UniqueConstraint(
                fields=["effective_from"],
                name="guidance_one_version_per_day",
                violation_error_message=ERR_GUIDANCE_SAME_DAY,
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=F("effective_from")),
                name="guidance_ends_after_start",
                violation_error_message=ERR_GUIDANCE_ENDS_BEFORE_START,
            ),
            # A confirmation says who and when, and is never the author's own.
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True, confirmed_at__isnull=True)
                | (Q(confirmed_by__isnull=False, confirmed_at__isnull=False)
                   & (Q(recorded_by__isnull=True) | ~Q(confirmed_by=F("recorded_by")))),
                name="guidance_confirmed_stamped",
                violation_error_message=ERR_GUIDANCE_CONFIRM_STAMPED,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_by_id is not None

    def clean(self):
        errors = {}
        self.targets_passage = (self.targets_passage or "").strip()
        if self.targets_passage and "target" not in self.targets_passage.lower():
            errors["targets_passage"] = [ERR_GUIDANCE_PASSAGE]
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            errors["effective_to"] = [ERR_GUIDANCE_ENDS_BEFORE_START]
        if errors:
            raise ValidationError(errors)

    @property
    def passage_excerpt(self) -> str:
        """The quoted passage, shortened at a word to about PASSAGE_EXCERPT_CHARS."""
        text = " ".join(self.targets_passage.split())
        if len(text) <= PASSAGE_EXCERPT_CHARS:
            return text
        return text[:PASSAGE_EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"

    def ends_on(self) -> dt.date | None:
        """The last day in force: the day before the next version, or ``effective_to``."""
        following = (GuidanceDocument.objects.filter(effective_from__gt=self.effective_from)
                     .order_by("effective_from").values_list("effective_from", flat=True)
                     .first())
        ends = [d for d in (self.effective_to,
                            following and following - dt.timedelta(days=1)) if d]
        return min(ends) if ends else None

    @classmethod
    def in_force_between(cls, first_day: dt.date,
                         last_day: dt.date) -> "GuidanceDocument | None":
        """The version in force during the period: the latest to take effect on or before
        its last day, unless that version ended (``effective_to``) before its first day.
        (An earlier version cannot be the one: the latest superseded it.)"""
        latest = (cls.objects.filter(effective_from__lte=last_day)
                  .order_by("-effective_from", "-pk").first())
        if latest is None or (latest.effective_to and latest.effective_to < first_day):
            return None
        return latest

    @classmethod
    def in_force_during(cls, fiscal_year: int) -> "GuidanceDocument | None":
        return cls.in_force_between(*fiscal_year_bounds(fiscal_year))

    @classmethod
    def current(cls, on: dt.date | None = None) -> "GuidanceDocument | None":
        on = on or dt.date.today()
        return cls.in_force_between(on, on)
