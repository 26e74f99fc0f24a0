"""Partner-government contributions to a compact: what was given, in which fiscal year,
with its evidence and staff's verification by a second person.

GAO found that partner contributions were not tracked; this table records them. Foreign
keys to oversight data use ``on_delete=PROTECT`` so a compact or dialogue with
contributions cannot vanish by accident.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from compacts.models import Compact
from compacts.year_locks import YearLockedRecord
from cpc.fiscal import fiscal_year_validators, is_fiscal_year
from cpc.models import ConstraintErrorsOnFields, DeletesReplacedFiles
from cpc.samples import MarksSamples
from cpc.storage import private_storage
from cpc.uploads import validate_evidence
from cpc.validators import LONG_TEXT_MAX, bounded_text

# ISO 4217 active currency codes (the standard's list one, 2024 edition). Python has no
# standard-library list; a constant keeps validation free of another dependency.
CURRENCY_CODES = (
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
    "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUP", "CVE",
    "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL",
    "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR",
    "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD",
    "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK",
    "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO",
    "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON",
    "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD",
    "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD",
    "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV",
    "WST", "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XDR", "XOF", "XPD", "XPF",
    "XPT", "XSU", "XTS", "XUA", "XXX", "YER", "ZAR", "ZMW", "ZWG", "ZWL",
)

ERR_NEGATIVE = _("Amounts cannot be negative.")
ERR_CURRENCY = _("Enter a known ISO 4217 currency code, such as GHS, PEN or USD.")
ERR_PERSONNEL_REQUIRED = _("Give the number of personnel for a personnel contribution.")
ERR_PERSONNEL_ONLY = _("A personnel count is recorded only for personnel contributions.")
ERR_FISCAL_YEAR_OUTSIDE = _("The compact was not active in fiscal year {fy}.")
ERR_DIALOGUE_OTHER_COMPACT = _("The dialogue belongs to another compact.")
ERR_VERIFY_NO_EVIDENCE = (
    _("Attach the evidence (a budget extract, payroll or receipt) before verifying this "
    "contribution.")
)
ERR_VERIFY_ZERO = (
    _("A contribution of zero value (no amount in U.S. dollars or local currency, no "
    "personnel) cannot be verified.")
)
ERR_VERIFY_UNSTAMPED = _("A verified contribution records who verified it and when.")
ERR_VERIFY_FIGURES = (
    _("A verification stands for the figures it recorded; these figures differ, so verify the "
    "contribution again.")
)
ERR_DUPLICATE = (
    _("This compact already has exactly this FY{fy} contribution (same kind, description and "
    "amounts); record a contribution once.")
)
REASON_VERIFICATION_CLEARED = (
    "Verification withdrawn: {fields} changed after the contribution was verified."
)
# What a verification records: the figures staff checked against the evidence.
VERIFIED_FIGURES = {"amount_usd": "verified_amount_usd",
                    "amount_local": "verified_amount_local",
                    "currency": "verified_currency",
                    "personnel_count": "verified_personnel_count"}

non_negative = MinValueValidator(Decimal("0"), message=ERR_NEGATIVE)


def validate_currency(value: str) -> None:
    if value not in CURRENCY_CODES:
        raise ValidationError(ERR_CURRENCY, code="unknown_currency")


def verified_by_a_second_person(*, verified: bool, verifier_id, recorder_id, changer_id) -> bool:
    """Four eyes, the one rule every total and check 5 read: a verification stands when
    someone other than whoever recorded the contribution or last changed its figures or
    evidence made it (older records verified by their own author do not count)."""
    return bool(verified and verifier_id is not None
                and verifier_id not in {recorder_id, changer_id})


class ContributionKind(models.TextChoices):
    PERSONNEL = "personnel", _("Personnel")
    FUNDING = "funding", _("Funding")
    IN_KIND = "in_kind", _("In kind")
    OTHER = "other", _("Other")


# Kinds whose U.S. dollar figure is an estimated value, not money spent: shown apart.
ESTIMATED_KINDS = frozenset({ContributionKind.PERSONNEL, ContributionKind.IN_KIND})


class Contribution(MarksSamples, YearLockedRecord, ConstraintErrorsOnFields,
                   DeletesReplacedFiles, models.Model):
    """A partner-government contribution to a compact in one fiscal year."""

    compact = models.ForeignKey(Compact, on_delete=models.PROTECT, related_name="contributions")
    fiscal_year = models.PositiveSmallIntegerField(validators=fiscal_year_validators)
    kind = models.CharField(max_length=16, choices=ContributionKind.choices)
    description = bounded_text(LONG_TEXT_MAX)
    amount_local = models.DecimalField(
        "amount (local currency)", max_digits=18, decimal_places=2, validators=[non_negative]
    )
    currency = models.CharField(
        max_length=3, validators=[validate_currency], help_text=_("ISO 4217 code, e.g. GHS.")
    )
    amount_usd = models.DecimalField(
        "amount (USD)", max_digits=14, decimal_places=2, validators=[non_negative]
    )
    personnel_count = models.PositiveIntegerField(null=True, blank=True)
    evidence = models.FileField(
        storage=private_storage, upload_to="contributions/evidence/%Y/%m/", blank=True,
        max_length=255, validators=[validate_evidence],
    )
    verified = models.BooleanField(default=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    # The figures as they stood when staff verified them; a verification stands only while
    # the contribution still has them (see the constraint below).
    verified_amount_usd = models.DecimalField(max_digits=14, decimal_places=2, null=True,
                                              blank=True, editable=False)
    verified_amount_local = models.DecimalField(max_digits=18, decimal_places=2, null=True,
                                                blank=True, editable=False)
    verified_currency = models.CharField(max_length=3, blank=True, editable=False)
    verified_personnel_count = models.PositiveIntegerField(null=True, blank=True,
                                                           editable=False)
    # The annual dialogue where the partner government reported it, when it was.
    recorded_at_dialogue = models.ForeignKey(
        "dialogues.Dialogue", on_delete=models.PROTECT, null=True, blank=True,
        related_name="contributions_reported",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    # Four eyes: whoever last changed the figures or the evidence (set by the services)
    # cannot verify them, like whoever recorded the contribution.
    value_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", editable=False,
    )
    # Server time the current evidence was stored, apart from any date a user types.
    evidence_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Sample figures (cpc/samples.py): set by the demo, cleared by a user's change of them.
    is_sample = models.BooleanField(default=False, editable=False)

    sample_fields = ("amount_local", "currency", "amount_usd", "personnel_count")
    constraint_error_fields = {
        "contribution_amounts_not_negative": "amount_local",
        "contribution_personnel_count_only_for_personnel": "personnel_count",
        "contribution_verified_with_evidence": "verified",
        "contribution_verified_not_zero": "verified",
        "contribution_verified_stamped": "verified",
        "contribution_verified_figures_current": "verified",
    }
    history = HistoricalRecords()

    class Meta:
        ordering = ["compact", "fiscal_year", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_local__gte=0) & Q(amount_usd__gte=0),
                name="contribution_amounts_not_negative",
                violation_error_message=ERR_NEGATIVE,
            ),
            # Personnel contributions say how many people; other kinds have no head count.
            models.CheckConstraint(
                condition=Q(kind="personnel", personnel_count__isnull=False)
                | (~Q(kind="personnel") & Q(personnel_count__isnull=True)),
                name="contribution_personnel_count_only_for_personnel",
                violation_error_message=ERR_PERSONNEL_ONLY,
            ),
            # Verification rests on evidence of something of value, and says who and when.
            models.CheckConstraint(
                condition=Q(verified=False) | ~Q(evidence=""),
                name="contribution_verified_with_evidence",
                violation_error_message=ERR_VERIFY_NO_EVIDENCE,
            ),
            models.CheckConstraint(
                condition=Q(verified=False) | Q(amount_usd__gt=0) | Q(amount_local__gt=0)
                | Q(personnel_count__gt=0),
                name="contribution_verified_not_zero",
                violation_error_message=ERR_VERIFY_ZERO,
            ),
            models.CheckConstraint(
                condition=Q(verified=False)
                | Q(verified_by__isnull=False, verified_at__isnull=False),
                name="contribution_verified_stamped",
                violation_error_message=ERR_VERIFY_UNSTAMPED,
            ),
            # A verification stands for the figures it recorded: a write that changes them
            # without withdrawing it is refused, whatever path it takes.
            models.CheckConstraint(
                condition=Q(verified=False)
                | (Q(verified_amount_usd=F("amount_usd"))
                   & Q(verified_amount_local=F("amount_local"))
                   & Q(verified_currency=F("currency"))
                   & (Q(personnel_count__isnull=True, verified_personnel_count__isnull=True)
                      | Q(verified_personnel_count=F("personnel_count")))),
                name="contribution_verified_figures_current",
                violation_error_message=ERR_VERIFY_FIGURES,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compact.country} FY{self.fiscal_year} {self.get_kind_display()}"

    @property
    def has_value(self) -> bool:
        """Money in either currency or people: a record of nothing is no contribution."""
        return bool(
            (self.amount_usd or 0) > 0
            or (self.amount_local or 0) > 0
            or (self.personnel_count or 0) > 0
        )

    def figures_changed_since_verification(self) -> list[str]:
        """The figures that differ from those the verification recorded."""
        return [field for field, recorded in VERIFIED_FIGURES.items()
                if getattr(self, field) != getattr(self, recorded)]

    def record_verified_figures(self) -> None:
        for field, recorded in VERIFIED_FIGURES.items():
            setattr(self, recorded, getattr(self, field))

    def withdraw_verification(self, *, changed: list[str]) -> None:
        """Clear the verification because ``changed`` fields moved since; the history keeps
        the reason."""
        self.verified, self.verified_by, self.verified_at = False, None, None
        for recorded in VERIFIED_FIGURES.values():
            setattr(self, recorded, "" if recorded == "verified_currency" else None)
        names = ", ".join(self._meta.get_field(f).verbose_name for f in changed)
        self._change_reason = REASON_VERIFICATION_CLEARED.format(fields=names)

    def year_lock_keys(self) -> set[tuple[int, int]]:
        keys = {(self.compact_id, self.fiscal_year)} if self.compact_id and self.fiscal_year \
            else set()
        if stored := self.stored_values("compact_id", "fiscal_year"):
            keys.add((stored["compact_id"], stored["fiscal_year"]))
        return keys

    def clean(self):
        if self.verified and self.pk and (changed := self.figures_changed_since_verification()):
            # Whatever changed the figures (a form, the admin, an import), the verification
            # no longer covers them.
            self.withdraw_verification(changed=changed)
        errors = {**self._verification_errors(), **self._kind_errors(),
                  **self._compact_errors()}
        if not errors and self.is_duplicate():
            errors["description"] = [ERR_DUPLICATE.format(fy=self.fiscal_year)]
        if errors:
            raise ValidationError(errors)

    def _verification_errors(self) -> dict[str, list[str]]:
        # GAO asked that contributions be tracked; a verification must rest on evidence of
        # something given.
        if not self.verified:
            return {}
        messages = [message for refused, message in (
            (not self.evidence, ERR_VERIFY_NO_EVIDENCE), (not self.has_value, ERR_VERIFY_ZERO))
            if refused]
        return {"verified": messages} if messages else {}

    def _kind_errors(self) -> dict[str, list[str]]:
        if self.kind == ContributionKind.PERSONNEL and self.personnel_count is None:
            return {"personnel_count": [ERR_PERSONNEL_REQUIRED]}
        if self.kind and self.kind != ContributionKind.PERSONNEL and (
            self.personnel_count is not None
        ):
            return {"personnel_count": [ERR_PERSONNEL_ONLY]}
        return {}

    def _compact_errors(self) -> dict[str, list[str]]:
        """The fiscal year and the dialogue must be the compact's own."""
        errors = {}
        if self.compact_id and is_fiscal_year(self.fiscal_year) and not self.compact.is_active_in(
            self.fiscal_year
        ):
            errors["fiscal_year"] = [ERR_FISCAL_YEAR_OUTSIDE.format(fy=self.fiscal_year)]
        if (
            self.recorded_at_dialogue_id
            and self.compact_id
            and self.recorded_at_dialogue.compact_id != self.compact_id
        ):
            errors["recorded_at_dialogue"] = [ERR_DIALOGUE_OTHER_COMPACT]
        return errors

    def is_duplicate(self) -> bool:
        """Another contribution of the compact with the same year, kind, description and
        amounts: the same contribution recorded twice. (Not a database constraint: the
        description is free text, too long for a unique index; contribution_create locks
        the compact so that two identical requests cannot both pass.)"""
        if not (self.compact_id and self.fiscal_year and self.kind):
            return False
        return Contribution.objects.filter(
            compact_id=self.compact_id, fiscal_year=self.fiscal_year, kind=self.kind,
            description=self.description, amount_local=self.amount_local,
            currency=self.currency, amount_usd=self.amount_usd,
            personnel_count=self.personnel_count,
        ).exclude(pk=self.pk).exists()
