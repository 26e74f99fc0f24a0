"""Partner countries, their TIP Report tiers, compacts, awards and who may see them.

Foreign keys to oversight data use ``on_delete=PROTECT``: a compact with objectives,
extensions or awards cannot be deleted by accident, and its history stays readable.
"""

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, F, Max, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from cpc.fiscal import (
    add_years,
    fiscal_year_bounds,
    fiscal_year_of,
    fiscal_year_validators,
    is_fiscal_year,
)
from cpc.models import ConstraintErrorsOnFields, DeletesReplacedFiles
from cpc.samples import MarksSamples
from cpc.storage import private_storage
from cpc.uploads import validate_evidence
from cpc.validators import LONG_TEXT_MAX, NOTE_MAX, bounded_text, is_sane_date, validate_sane_date

MAX_ORIGINAL_TERM_YEARS = 5  # 22 U.S.C. § 7103a: a partnership may last up to five years.
FIRST_TIP_REPORT_YEAR = 2001

ERR_END_BEFORE_START = _("The end date must be after the start date.")
ERR_TERM_TOO_LONG = (
    _("A compact's original term lasts at most five years; record longer periods as extensions.")
)
ERR_DATES_REQUIRED = _("A signed, active or closed compact needs a start date and an end date.")
ERR_EXTENSION_NOT_LATER = _("An extension must move the end date later than {current}.")
ERR_EXTENSION_NO_END = _("The compact has no end date to extend.")
ERR_AWARD_OUTSIDE_COMPACT = _("Award dates must fall inside the compact ({start} to {end}).")
ERR_AWARD_END_BEFORE_START = _("The award cannot end before it starts.")
ERR_PILLARS = _("Choose one or more of: prosecution, protection, prevention, partnership.")
ERR_NEGATIVE = _("Amounts cannot be negative.")

non_negative = MinValueValidator(Decimal("0"), message=ERR_NEGATIVE)


class Pillar(models.TextChoices):
    PROSECUTION = "prosecution", _("Prosecution")
    PROTECTION = "protection", _("Protection")
    PREVENTION = "prevention", _("Prevention")
    PARTNERSHIP = "partnership", _("Partnership")


class Region(models.TextChoices):
    """The State Department's regional bureaus."""

    AFRICA = "africa", _("Africa")
    EAST_ASIA_PACIFIC = "east_asia_pacific", _("East Asia and Pacific")
    EUROPE_EURASIA = "europe_eurasia", _("Europe and Eurasia")
    NEAR_EAST = "near_east", _("Near East")
    SOUTH_CENTRAL_ASIA = "south_central_asia", _("South and Central Asia")
    WESTERN_HEMISPHERE = "western_hemisphere", _("Western Hemisphere")


class Tier(models.TextChoices):
    TIER_1 = "tier_1", _("Tier 1")
    TIER_2 = "tier_2", _("Tier 2")
    TIER_2_WATCH_LIST = "tier_2_watch_list", _("Tier 2 Watch List")
    TIER_3 = "tier_3", _("Tier 3")
    SPECIAL_CASE = "special_case", _("Special Case")


class PartnerCountryQuerySet(models.QuerySet):
    def with_current_tier(self):
        latest = TierRanking.objects.filter(country=OuterRef("pk")).order_by("-report_year")
        return self.annotate(current_tip_tier=Subquery(latest.values("tier")[:1]))


class PartnerCountry(models.Model):
    iso_code = CountryField(unique=True, verbose_name=_("ISO 3166 code"))
    region = models.CharField(max_length=32, choices=Region.choices)
    notes = bounded_text(LONG_TEXT_MAX, blank=True)

    objects = PartnerCountryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = _("partner countries")
        ordering = ["iso_code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.iso_code.name


class TierRanking(ConstraintErrorsOnFields, models.Model):
    country = models.ForeignKey(
        PartnerCountry, on_delete=models.PROTECT, related_name="tier_rankings"
    )
    report_year = models.PositiveSmallIntegerField(validators=fiscal_year_validators)
    tier = models.CharField(max_length=24, choices=Tier.choices)

    constraint_error_fields = {
        "tier_one_per_country_year": "report_year",
        "tier_report_year_after_first_report": "report_year",
    }
    history = HistoricalRecords()

    class Meta:
        ordering = ["country", "-report_year"]
        constraints = [
            # The TIP Report ranks a country once a year.
            models.UniqueConstraint(
                fields=["country", "report_year"],
                name="tier_one_per_country_year",
                violation_error_message=_("This country already has a tier for that report year."),
            ),
            models.CheckConstraint(
                condition=Q(report_year__gte=FIRST_TIP_REPORT_YEAR),
                name="tier_report_year_after_first_report",
                violation_error_message=_("The first TIP Report was published in 2001."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.report_year}: {self.get_tier_display()}"

    def clean(self):
        if self.report_year and self.report_year > dt.date.today().year + 1:
            raise ValidationError({"report_year": _("The report year cannot be in the future.")})


class CompactStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NEGOTIATING = "negotiating", _("Negotiating")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class CompactQuerySet(models.QuerySet):
    def with_current_end(self):
        """Annotates ``current_end`` : the latest extension's end date, or the original one."""
        latest = (
            Extension.objects.filter(compact=OuterRef("pk"))
            .order_by()
            .values("compact")
            .annotate(latest=Max("new_end_date"))
            .values("latest")
        )
        return self.annotate(current_end=Coalesce(Subquery(latest), F("end_date")))

    def with_awarded_total(self):
        """Annotates ``awarded_total``: the sum of the compact's awards (0 without any), and
        ``awarded_includes_sample``: whether one of them is a sample, in subqueries so a list
        of compacts costs no query per compact."""
        total = (
            Award.objects.filter(compact=OuterRef("pk"))
            .order_by()
            .values("compact")
            .annotate(total=Sum("amount_usd"))
            .values("total")
        )
        return self.with_award_samples().annotate(awarded_total=Coalesce(
            Subquery(total, output_field=models.DecimalField(max_digits=16, decimal_places=2)),
            Value(Decimal("0.00")),
            output_field=models.DecimalField(max_digits=16, decimal_places=2),
        ))

    def with_award_samples(self):
        """Annotates ``awarded_includes_sample``: whether one of the compact's awards is a
        sample (cpc/samples.py), so the awarded total is marked as one without a query."""
        return self.annotate(awarded_includes_sample=Exists(
            Award.objects.filter(compact=OuterRef("pk"), is_sample=True)))

    def fiscal_year_span(self) -> tuple[int | None, int | None]:
        """First and last fiscal year any of these compacts is active in (None, None when
        none has dates)."""
        bounds = self.with_current_end().filter(start_date__isnull=False).aggregate(
            first=Min("start_date"), last=Max("current_end"))
        if bounds["first"] is None:
            return None, None
        return fiscal_year_of(bounds["first"]), fiscal_year_of(bounds["last"])

    def active_in(self, fiscal_year: int):
        """Compacts whose period (extensions included) overlaps the fiscal year."""
        first_day, last_day = fiscal_year_bounds(fiscal_year)
        return self.with_current_end().filter(
            start_date__lte=last_day, current_end__gte=first_day
        )


class Compact(MarksSamples, ConstraintErrorsOnFields, models.Model):
    country = models.ForeignKey(PartnerCountry, on_delete=models.PROTECT, related_name="compacts")
    title = models.CharField(max_length=255)
    status = models.CharField(
        max_length=16, choices=CompactStatus.choices, default=CompactStatus.DRAFT
    )
    signed_on = models.DateField(null=True, blank=True, validators=[validate_sane_date])
    start_date = models.DateField(null=True, blank=True, validators=[validate_sane_date])
    end_date = models.DateField(
        null=True, blank=True, help_text=_("End of the original term, extensions not included."),
        validators=[validate_sane_date],
    )
    # The ceiling stated when the compact was signed (or first announced), not what was
    # awarded in the end: the awards add up to that (``us_awarded_usd``). Null is "not
    # reported": some compacts' public record gives only the total awarded.
    us_funding_usd = models.DecimalField(
        "U.S. funding ceiling at signing (USD)", max_digits=14, decimal_places=2,
        null=True, blank=True, default=Decimal("0"), validators=[non_negative],
        help_text=_("The most the United States committed to the compact when it was signed "
                  "(leave empty when not reported). What was awarded in the end is the sum "
                  "of the awards, shown as the total awarded."),
    )
    # Null is "not reported": a missing figure is not a zero commitment.
    partner_contribution_planned_usd = models.DecimalField(
        "partner contribution planned (USD)", max_digits=14, decimal_places=2,
        null=True, blank=True, default=None, validators=[non_negative],
        help_text=_("Leave empty when the compact does not state the partner's contribution."),
    )
    # Set by the demo only (cpc/samples.py): the planned contribution is a sample figure.
    partner_contribution_planned_is_sample = models.BooleanField(default=False, editable=False)
    # The partner government's language: the dialogue preparation pack and the dialogue
    # record print in it, whatever the reader's own interface language (docs/i18n.md).
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, default="en",
        help_text=_("The language the dialogue preparation pack and the dialogue record are "
                    "printed in for the partner government."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CompactQuerySet.as_manager()
    # The demo says which planned contribution is a sample; a user's change clears it.
    sample_fields = ("partner_contribution_planned_usd",)
    sample_flag = "partner_contribution_planned_is_sample"
    sample_flag_on_load = False
    constraint_error_fields = {
        "compact_end_after_start": "end_date",
        "compact_dates_once_signed": "start_date",
        "compact_amounts_not_negative": "us_funding_usd",
    }
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "country"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date"))
                | Q(end_date__isnull=True)
                | Q(start_date__isnull=True),
                name="compact_end_after_start",
                violation_error_message=ERR_END_BEFORE_START,
            ),
            # Only draft and negotiating compacts may lack their dates.
            models.CheckConstraint(
                condition=Q(status__in=["draft", "negotiating"])
                | Q(start_date__isnull=False, end_date__isnull=False),
                name="compact_dates_once_signed",
                violation_error_message=ERR_DATES_REQUIRED,
            ),
            models.CheckConstraint(
                condition=(Q(us_funding_usd__gte=0) | Q(us_funding_usd__isnull=True))
                & (Q(partner_contribution_planned_usd__gte=0)
                   | Q(partner_contribution_planned_usd__isnull=True)),
                name="compact_amounts_not_negative",
                violation_error_message=ERR_NEGATIVE,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors = {}
        # A date outside the sane range is its field's own error; no term is worked out.
        if is_sane_date(self.start_date) and is_sane_date(self.end_date):
            if self.end_date <= self.start_date:
                errors["end_date"] = [ERR_END_BEFORE_START]
            elif self.end_date > add_years(self.start_date, MAX_ORIGINAL_TERM_YEARS):
                errors["end_date"] = [ERR_TERM_TOO_LONG]
        if self.status not in (CompactStatus.DRAFT, CompactStatus.NEGOTIATING):
            for field in ("start_date", "end_date"):
                if getattr(self, field) is None:
                    errors.setdefault(field, []).append(ERR_DATES_REQUIRED)
        if errors:
            raise ValidationError(errors)

    @property
    def current_end_date(self) -> dt.date | None:
        """The latest extension's end date, or the original end date."""
        if hasattr(self, "current_end"):
            return self.current_end
        if "extensions" in getattr(self, "_prefetched_objects_cache", {}):
            ends = [e.new_end_date for e in self.extensions.all()]
        else:
            ends = list(self.extensions.values_list("new_end_date", flat=True))
        return max([self.end_date, *ends]) if self.end_date else None

    @property
    def us_awarded_usd(self) -> Decimal:
        """The sum of the compact's awards: what was awarded under the ``us_funding_usd``
        ceiling. Read from ``with_awarded_total()`` or prefetched awards when present."""
        if hasattr(self, "awarded_total"):
            return self.awarded_total
        if "awards" in getattr(self, "_prefetched_objects_cache", {}):
            return sum((a.amount_usd for a in self.awards.all()), start=Decimal("0.00"))
        if self.pk is None:
            return Decimal("0.00")
        total = self.awards.aggregate(total=Sum("amount_usd"))["total"]
        return total if total is not None else Decimal("0.00")

    @property
    def us_awarded_includes_sample(self) -> bool:
        """Whether the awarded total adds up a sample award amount (cpc/samples.py). Read
        from ``with_awarded_total()`` or prefetched awards when present."""
        if hasattr(self, "awarded_includes_sample"):
            return self.awarded_includes_sample
        if "awards" in getattr(self, "_prefetched_objects_cache", {}):
            return any(a.is_sample for a in self.awards.all())
        if self.pk is None:
            return False
        return self.awards.filter(is_sample=True).exists()

    def fiscal_years(self) -> list[int]:
        """The fiscal years the compact is active in, extensions included (none without
        dates)."""
        end = self.current_end_date if self.start_date else None
        if not end:
            return []
        return list(range(fiscal_year_of(self.start_date), fiscal_year_of(end) + 1))

    def is_active_in(self, fiscal_year: int) -> bool:
        if not self.start_date or not self.current_end_date or not is_fiscal_year(fiscal_year):
            return False
        first_day, last_day = fiscal_year_bounds(fiscal_year)
        return self.start_date <= last_day and self.current_end_date >= first_day


class Extension(ConstraintErrorsOnFields, models.Model):
    """A signed extension of a compact past its original term."""

    compact = models.ForeignKey(Compact, on_delete=models.PROTECT, related_name="extensions")
    signed_on = models.DateField(validators=[validate_sane_date])
    new_end_date = models.DateField(validators=[validate_sane_date])
    reason = bounded_text(NOTE_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    constraint_error_fields = {"extension_unique_end": "new_end_date"}
    history = HistoricalRecords()

    class Meta:
        ordering = ["compact", "new_end_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["compact", "new_end_date"],
                name="extension_unique_end",
                violation_error_message=_("The compact already has an extension to that date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.compact}: extended to {self.new_end_date}"

    def previous_end_date(self) -> dt.date | None:
        """The end this extension moves: the original end or the latest earlier extension."""
        earlier = Extension.objects.filter(compact_id=self.compact_id)
        if self.pk:
            earlier = earlier.filter(pk__lt=self.pk)
        latest = earlier.aggregate(latest=Max("new_end_date"))["latest"]
        end = self.compact.end_date
        return max(end, latest) if latest and end else (latest or end)

    def clean(self):
        if not self.compact_id or not self.new_end_date:
            return
        previous = self.previous_end_date()
        if previous is None:
            raise ValidationError({"new_end_date": ERR_EXTENSION_NO_END})
        if self.new_end_date <= previous:
            raise ValidationError(
                {"new_end_date": ERR_EXTENSION_NOT_LATER.format(current=previous.isoformat())}
            )


class Objective(models.Model):
    compact = models.ForeignKey(Compact, on_delete=models.PROTECT, related_name="objectives")
    pillar = models.CharField(max_length=16, choices=Pillar.choices)
    description = bounded_text(LONG_TEXT_MAX)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["compact", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_pillar_display()}: {self.description[:60]}"


class ImplementerKind(models.TextChoices):
    INTERNATIONAL_ORGANIZATION = "international_organization", _("International organization")
    CIVIL_SOCIETY = "civil_society", _("Civil society organization")
    UNIVERSITY = "university", _("University or research institute")
    PRIVATE_FIRM = "private_firm", _("Private firm")
    OTHER = "other", _("Other")


class Implementer(models.Model):
    name = models.CharField(max_length=255, unique=True)
    kind = models.CharField(
        max_length=32, choices=ImplementerKind.choices, default=ImplementerKind.CIVIL_SOCIETY
    )
    website = models.URLField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Mechanism(models.TextChoices):
    GRANT = "grant", _("Grant")
    COOPERATIVE_AGREEMENT = "cooperative_agreement", _("Cooperative agreement")
    CONTRACT = "contract", _("Contract")


class Award(MarksSamples, ConstraintErrorsOnFields, models.Model):
    """A U.S.-funded grant, cooperative agreement or contract under a compact."""

    compact = models.ForeignKey(Compact, on_delete=models.PROTECT, related_name="awards")
    implementer = models.ForeignKey(Implementer, on_delete=models.PROTECT, related_name="awards")
    mechanism = models.CharField(max_length=32, choices=Mechanism.choices)
    award_number = models.CharField(max_length=64, unique=True)
    amount_usd = models.DecimalField(
        "amount (USD)", max_digits=14, decimal_places=2, validators=[non_negative]
    )
    start_date = models.DateField(validators=[validate_sane_date])
    end_date = models.DateField(validators=[validate_sane_date])
    pillars = models.JSONField(default=list, blank=True)
    # A sample amount (cpc/samples.py): set by the demo, cleared by a user's change.
    is_sample = models.BooleanField(default=False, editable=False)

    sample_fields = ("amount_usd",)
    constraint_error_fields = {
        "award_end_not_before_start": "end_date",
        "award_amount_not_negative": "amount_usd",
    }
    history = HistoricalRecords()

    class Meta:
        ordering = ["compact", "start_date", "award_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="award_end_not_before_start",
                violation_error_message=ERR_AWARD_END_BEFORE_START,
            ),
            models.CheckConstraint(
                condition=Q(amount_usd__gte=0),
                name="award_amount_not_negative",
                violation_error_message=ERR_NEGATIVE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_number} ({self.implementer})"

    def clean(self):
        errors = {}
        valid = set(Pillar.values)
        if (
            not isinstance(self.pillars, list)
            or not self.pillars
            or any(p not in valid for p in self.pillars)
            or len(set(self.pillars)) != len(self.pillars)
        ):
            errors["pillars"] = [ERR_PILLARS]
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = [ERR_AWARD_END_BEFORE_START]
        compact = self.compact if self.compact_id else None
        if compact and self.start_date and self.end_date:
            start, end = compact.start_date, compact.current_end_date
            if start is None or end is None:
                errors.setdefault("start_date", []).append(ERR_DATES_REQUIRED)
            else:
                message = ERR_AWARD_OUTSIDE_COMPACT.format(start=start, end=end)
                if self.start_date < start:
                    errors.setdefault("start_date", []).append(message)
                if self.end_date > end:
                    errors.setdefault("end_date", []).append(message)
        if errors:
            raise ValidationError(errors)


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


class UserProfile(models.Model):
    """The countries an embassy officer is assigned to, and the interface language a user
    chose (docs/i18n.md)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    countries = models.ManyToManyField(PartnerCountry, blank=True, related_name="profiles")
    implementers = models.ManyToManyField(
        Implementer, blank=True, related_name="profiles",
        help_text=_("For implementers: the organisations whose awards they report results for."),
    )
    # Empty until the user picks one: the browser's language (Accept-Language) applies.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True,
                                default="")

    history = HistoricalRecords(m2m_fields=[countries, implementers])

    def __str__(self) -> str:
        return f"Profile of {self.user}"


class RecordsVersion(models.Model):
    """One row: a number that grows after every committed write to the program's records
    (the apps in ``compacts.versioning.VERSIONED_APPS``), and the epoch of this database's
    timeline. Cached verdicts and page fragments are keyed by both, so a write makes every
    earlier one unreachable. Kept in the database, not in the cache, so that a cache outage
    cannot lose a bump.

    The number alone does not tell two timelines apart: a restore puts it back, and the next
    writes bring it to numbers whose cached content belongs to the timeline the restore
    undid; two databases sharing one Redis count alike. The epoch is random, made with the
    row and made anew by ``scripts/restore``, ``loaddata`` and ``new_records_epoch``
    (``compacts.versioning.records_epoch_renew``)."""

    number = models.BigIntegerField(default=0)
    epoch = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("records version")

    def __str__(self):
        return f"Records version {self.number}"


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
