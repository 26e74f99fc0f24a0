"""What happened to an award's money, per U.S. fiscal year: obligated, disbursed and spent.

A row holds the figures the financial system reported for one award and one fiscal year
(not cumulative: the year's own amounts), with the system's reference and the date the
figures were as of. The compact page, the report, the API, the CSV and the IATI file read
totals, balances and burn rates from one module, :mod:`compacts.finances`; the rules a
finance officer checks on entry (the year inside the award's term or the close-out year
after it, cumulative disbursements within cumulative obligations, obligations within the
award) live in :mod:`compacts.finance_services`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cpc.fiscal import fiscal_year_validators
from cpc.models import ConstraintErrorsOnFields
from cpc.samples import MarksSamples
from cpc.validators import validate_sane_date

from .awards import Award
from .compacts import ERR_NEGATIVE, non_negative

SOURCE_REFERENCE_MAX = 128
ERR_FINANCE_YEAR_TAKEN = _("The award already has figures for this fiscal year.")


def _money(label):
    return models.DecimalField(label, max_digits=14, decimal_places=2, validators=[non_negative])


class AwardFinance(MarksSamples, ConstraintErrorsOnFields, models.Model):
    """One award's obligations, disbursements and expenditures in one fiscal year."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="finances")
    fiscal_year = models.PositiveSmallIntegerField(validators=fiscal_year_validators)
    obligated_usd = _money(_("obligated (USD)"))
    disbursed_usd = _money(_("disbursed (USD)"))
    spent_usd = _money(_("spent (USD)"))
    # Where the figures come from: the financial system's document or report number.
    source_reference = models.CharField(
        _("source reference"), max_length=SOURCE_REFERENCE_MAX, blank=True,
        help_text=_("The financial system's reference for these figures (document, report "
                    "or extract number)."),
    )
    as_of = models.DateField(
        _("as of"), validators=[validate_sane_date],
        help_text=_("The date the financial system's figures were as of."),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+", editable=False)
    recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Sample figures (cpc/samples.py): set by the demo, cleared by a user's change of them.
    is_sample = models.BooleanField(default=False, editable=False)

    sample_fields = ("obligated_usd", "disbursed_usd", "spent_usd")
    constraint_error_fields = {
        "award_finance_one_row_a_year": "fiscal_year",
        "award_finance_not_negative": "obligated_usd",
    }
    history = HistoricalRecords()

    class Meta:
        ordering = ["award", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "fiscal_year"],
                name="award_finance_one_row_a_year",
                violation_error_message=ERR_FINANCE_YEAR_TAKEN,
            ),
            models.CheckConstraint(
                condition=Q(obligated_usd__gte=0) & Q(disbursed_usd__gte=0)
                & Q(spent_usd__gte=0),
                name="award_finance_not_negative",
                violation_error_message=ERR_NEGATIVE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award.award_number} FY {self.fiscal_year}"
