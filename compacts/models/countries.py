"""Partner countries and their TIP Report tiers; the pillars of the program."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from cpc.fiscal import fiscal_year_validators
from cpc.models import ConstraintErrorsOnFields
from cpc.validators import LONG_TEXT_MAX, bounded_text

from .orgids import org_id_field

FIRST_TIP_REPORT_YEAR = 2001


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
        return self.annotate(current_tip_tier=Subquery(latest.values("tier")[:1]),
                             tip_tier_report_year=Subquery(latest.values("report_year")[:1]))


class PartnerCountry(models.Model):
    iso_code = CountryField(unique=True, verbose_name=_("ISO 3166 code"))
    region = models.CharField(max_length=32, choices=Region.choices)
    notes = bounded_text(LONG_TEXT_MAX, blank=True)
    # The partner government's IATI organisation identifier (publishing/iati, docs/iati.md).
    government_iati_ref = org_id_field(_("government's IATI organisation identifier"), _(
        "The partner government's identifier in IATI, e.g. as its aid ministry publishes. "
        "Leave empty when not known: never invent one."))

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
