"""The compact's own document: what State's fact sheet says a partnership document states.

A compact's document states its objectives (:class:`~compacts.models.Objective`), each side's
responsibilities, each side's estimated contributions (the U.S. funding ceiling on the
compact; the partner government's pledges, :class:`PartnerPledge`), its activities, and the
mechanisms to implement, monitor, assess and sustain the work. :class:`CompactDocument` holds
the text of each element and the signed document itself; which elements are missing is one
rule, :func:`compacts.completeness.document_completeness`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cpc.fiscal import fiscal_year_validators, is_fiscal_year
from cpc.models import ConstraintErrorsOnFields, DeletesReplacedFiles, StampsRecordedAt
from cpc.samples import MarksSamples
from cpc.storage import private_storage
from cpc.uploads import validate_evidence
from cpc.validators import LONG_TEXT_MAX, NOTE_MAX, bounded_text

from .compacts import Compact, non_negative

ERR_PUBLIC_URL_NOT_PUBLIC = _("Only a public document has a public address; mark the document "
                              "public or leave the address empty.")

# The text elements of the document, in the fact sheet's order (objectives and the
# estimated contributions are records of their own).
DOCUMENT_TEXT_FIELDS = (
    "us_responsibilities", "partner_responsibilities", "activities",
    "implementation_mechanism", "monitoring_mechanism", "assessment_mechanism",
    "sustainability_mechanism",
)


def _element(verbose_name: str, help_text) -> models.TextField:
    return bounded_text(LONG_TEXT_MAX, verbose_name, blank=True, help_text=help_text)


class CompactDocument(MarksSamples, StampsRecordedAt, ConstraintErrorsOnFields,
                      DeletesReplacedFiles, models.Model):
    """The partnership document of one compact: its elements as text, the signed document
    (stored privately, served through a view that checks the reader's scope) and whether it
    is public, with its public address when it has one (the IATI file links to it)."""

    compact = models.OneToOneField(Compact, on_delete=models.PROTECT, related_name="document")
    us_responsibilities = _element(
        "U.S. responsibilities", _("What the United States undertakes, as the document states."))
    partner_responsibilities = _element(
        "partner government responsibilities",
        _("What the partner government undertakes, as the document states."))
    activities = _element("activities", _("The activities the document plans."))
    implementation_mechanism = _element(
        "implementation mechanism", _("How the work is to be implemented."))
    monitoring_mechanism = _element("monitoring mechanism", _("How the work is to be monitored."))
    assessment_mechanism = _element("assessment mechanism", _("How the work is to be assessed."))
    sustainability_mechanism = _element(
        "sustainability mechanism", _("How the work is to be sustained after the compact."))
    signed_document = models.FileField(
        storage=private_storage, upload_to="compacts/documents/%Y/%m/", blank=True,
        max_length=255, validators=[validate_evidence],
        help_text=_("The document as signed. Stored privately; served only to users who may "
                    "see the compact."),
    )
    is_public = models.BooleanField(
        default=False, help_text=_("Whether the document has been made public."))
    public_url = models.URLField(
        "public address", max_length=500, blank=True,
        help_text=_("Where the public can read the document, when it is public."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+", editable=False)
    recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Sample text (cpc/samples.py), written by the demo where the document is not public.
    is_sample = models.BooleanField(default=False, editable=False)

    sample_fields = DOCUMENT_TEXT_FIELDS
    recorded_fields = (*DOCUMENT_TEXT_FIELDS, "signed_document", "is_public", "public_url")
    constraint_error_fields = {"compact_document_public_url_when_public": "public_url"}
    history = HistoricalRecords()

    class Meta:
        ordering = ["compact"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_public=True) | Q(public_url=""),
                name="compact_document_public_url_when_public",
                violation_error_message=ERR_PUBLIC_URL_NOT_PUBLIC,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compact}: document"

    def clean(self):
        for field in DOCUMENT_TEXT_FIELDS:
            setattr(self, field, (getattr(self, field) or "").strip())
        self.public_url = (self.public_url or "").strip()
        if self.public_url and not self.is_public:
            raise ValidationError({"public_url": [ERR_PUBLIC_URL_NOT_PUBLIC]})

    @property
    def publishable_url(self) -> str:
        """The address the IATI file links to (``document-link``): the public address of a
        public document, else empty."""
        return self.public_url if self.is_public else ""


class PledgeKind(models.TextChoices):
    """What a partner government pledged: the values of ``contributions.ContributionKind``
    (that app sits above this one), so a pledge and the contributions against it compare by
    kind."""

    FUNDING = "funding", _("Funding")
    PERSONNEL = "personnel", _("Personnel")
    IN_KIND = "in_kind", _("In kind")


ERR_PLEDGE_EMPTY = _("A pledge states an amount (local currency or U.S. dollars) or, for "
                     "personnel, a number of people.")
ERR_PLEDGE_PERSONNEL_ONLY = _("A number of people is pledged only as personnel.")
ERR_PLEDGE_CURRENCY = _("Give the currency of the amount in local currency (ISO 4217 code, "
                        "such as PEN or PHP).")
ERR_PLEDGE_YEAR_OUTSIDE = _("The compact is not active in fiscal year {fy}.")
ERR_NEGATIVE_PLEDGE = _("Amounts cannot be negative.")

validate_currency_code = RegexValidator(r"^[A-Z]{3}$", ERR_PLEDGE_CURRENCY)


class PartnerPledge(MarksSamples, StampsRecordedAt, ConstraintErrorsOnFields, models.Model):
    """What the partner government pledged in the compact's document for one fiscal year and
    kind: an amount in its currency and in U.S. dollars, or a number of people, with the
    clause of the document (or the source) that states it. The contributions app compares
    these with the contributions recorded and verified
    (``contributions.selectors.pledged_against_recorded``)."""

    compact = models.ForeignKey(Compact, on_delete=models.PROTECT, related_name="pledges")
    fiscal_year = models.PositiveSmallIntegerField(validators=fiscal_year_validators)
    kind = models.CharField(max_length=16, choices=PledgeKind.choices)
    amount_local = models.DecimalField(
        "amount (local currency)", max_digits=18, decimal_places=2, null=True, blank=True,
        validators=[non_negative])
    currency = models.CharField(max_length=3, blank=True, validators=[validate_currency_code],
                                help_text=_("ISO 4217 code, e.g. PEN."))
    amount_usd = models.DecimalField("amount (USD)", max_digits=14, decimal_places=2,
                                     null=True, blank=True, validators=[non_negative])
    personnel_count = models.PositiveIntegerField(null=True, blank=True)
    source = bounded_text(NOTE_MAX, "clause or source", blank=True, help_text=_(
        "The clause of the compact's document that states the pledge, or where it is "
        "reported."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+", editable=False)
    recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_sample = models.BooleanField(default=False, editable=False)

    sample_fields = ("fiscal_year", "amount_local", "currency", "amount_usd", "personnel_count")
    recorded_fields = (*sample_fields, "kind", "source")
    constraint_error_fields = {
        "pledge_amounts_not_negative": "amount_local",
        "pledge_has_value": "amount_usd",
        "pledge_personnel_only_for_personnel": "personnel_count",
        "pledge_currency_with_local_amount": "currency",
    }
    history = HistoricalRecords()

    class Meta:
        ordering = ["compact", "fiscal_year", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(amount_local__isnull=True) | Q(amount_local__gte=0))
                & (Q(amount_usd__isnull=True) | Q(amount_usd__gte=0)),
                name="pledge_amounts_not_negative",
                violation_error_message=ERR_NEGATIVE_PLEDGE,
            ),
            models.CheckConstraint(
                condition=Q(amount_local__gt=0) | Q(amount_usd__gt=0)
                | Q(personnel_count__gt=0),
                name="pledge_has_value",
                violation_error_message=ERR_PLEDGE_EMPTY,
            ),
            models.CheckConstraint(
                condition=Q(kind="personnel") | Q(personnel_count__isnull=True),
                name="pledge_personnel_only_for_personnel",
                violation_error_message=ERR_PLEDGE_PERSONNEL_ONLY,
            ),
            models.CheckConstraint(
                condition=Q(amount_local__isnull=True) | ~Q(currency=""),
                name="pledge_currency_with_local_amount",
                violation_error_message=ERR_PLEDGE_CURRENCY,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compact} FY{self.fiscal_year} {self.get_kind_display()} pledge"

    @property
    def has_value(self) -> bool:
        return bool((self.amount_local or 0) > 0 or (self.amount_usd or 0) > 0
                    or (self.personnel_count or 0) > 0)

    def clean(self):
        errors: dict[str, list] = {}
        self.currency = (self.currency or "").strip().upper()
        self.source = (self.source or "").strip()
        if not self.has_value:
            errors["amount_usd"] = [ERR_PLEDGE_EMPTY]
        if self.personnel_count is not None and self.kind != PledgeKind.PERSONNEL:
            errors["personnel_count"] = [ERR_PLEDGE_PERSONNEL_ONLY]
        if self.amount_local is not None and not self.currency:
            errors["currency"] = [ERR_PLEDGE_CURRENCY]
        if (self.compact_id and is_fiscal_year(self.fiscal_year)
                and self.compact.start_date and not self.compact.is_active_in(self.fiscal_year)):
            errors["fiscal_year"] = [ERR_PLEDGE_YEAR_OUTSIDE.format(fy=self.fiscal_year)]
        if errors:
            raise ValidationError(errors)
