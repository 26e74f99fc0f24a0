"""Implementing organisations and the U.S.-funded awards they hold under a compact."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cpc.models import ConstraintErrorsOnFields
from cpc.samples import MarksSamples
from cpc.validators import validate_sane_date

from .compacts import ERR_DATES_REQUIRED, ERR_NEGATIVE, Compact, non_negative
from .countries import Pillar
from .orgids import NgoOrgType, org_id_field

ERR_AWARD_OUTSIDE_COMPACT = _("Award dates must fall inside the compact ({start} to {end}).")
ERR_AWARD_END_BEFORE_START = _("The award cannot end before it starts.")
ERR_PILLARS = _("Choose one or more of: prosecution, protection, prevention, partnership.")
ERR_NGO_TYPE_ONLY_FOR_CIVIL_SOCIETY = _("Only a civil society organization has an NGO type.")


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
    # Published in the IATI file (publishing/iati, docs/iati.md).
    iati_ref = org_id_field(_("IATI organisation identifier"), _(
        "Its identifier in IATI, as it publishes it or as IATI's registration agencies give "
        "it, e.g. XM-DAC-47066. Leave empty when not known: never invent one."))
    ngo_type = models.CharField(
        _("NGO type"), max_length=2, choices=NgoOrgType.choices, blank=True,
        help_text=_("For a civil society organization: international, national (U.S.), "
                    "regional, or based in the partner country."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.ngo_type and self.kind != ImplementerKind.CIVIL_SOCIETY:
            raise ValidationError({"ngo_type": ERR_NGO_TYPE_ONLY_FOR_CIVIL_SOCIETY})


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
