"""Performance indicators of a compact, their annual targets and reported results.

Amounts are Decimals. How a year's actual and the life-of-compact figures follow from the
results depends on the indicator's cumulation mode (see ``indicators/progress.py``).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from compacts.models import Compact, Pillar
from compacts.year_locks import YearLockedRecord
from cpc.fiscal import fiscal_year_validators
from cpc.models import ConstraintErrorsOnFields, PrivateDocument, StampsRecordedAt
from cpc.samples import MarksSamples, any_sample
from cpc.validators import LONG_TEXT_MAX, NOTE_MAX, bounded_text

# Choices, shared rules and the tracked-years filter have modules of their own.
from .choices import PARTNER_BUDGET_NOTE, AgeGroup, Cumulation, Direction, ResultStatus, Sex, Unit
from .querysets import active_in_fiscal_year
from .validation import (
    ERR_NEGATIVE,
    ERR_PERCENT_RANGE,
    ERR_YES_NO,
    fiscal_year_errors,
    result_errors,
    unit_value_errors,
)
from .validation import indicator_year_keys as _indicator_year_keys
from .wording import TranslatedWording

__all__ = ["ERR_NEGATIVE", "ERR_PERCENT_RANGE", "ERR_TARGET_STAYS", "ERR_YES_NO",
           "PARTNER_BUDGET_NOTE", "AgeGroup", "Cumulation", "Direction", "Disaggregation",
           "Indicator", "Result", "ResultDocument", "ResultStatus", "Sex", "StandardIndicator",
           "Target", "Unit", "active_in_fiscal_year", "fiscal_year_errors", "unit_value_errors"]

DEFAULT_TOLERANCE = Decimal("15")


ERR_TARGET_STAYS = (_("A target stays with its indicator and keeps the time it was recorded; "
                    "set a target for the other indicator instead."))
ERR_FIRST_AFTER_LAST = _("The first fiscal year cannot come after the last.")
ERR_INDICATOR_NOT_ACTIVE = _("{code} is not tracked in FY{year} (its years: {span}).")


class StandardIndicator(TranslatedWording, models.Model):
    """The program's library of standard indicators, a starting point for every compact."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=255)
    pillar = models.CharField(max_length=16, choices=Pillar.choices)
    unit = models.CharField(max_length=16, choices=Unit.choices)
    direction = models.CharField(max_length=16, choices=Direction.choices,
                                 default=Direction.INCREASE)
    cumulation = models.CharField(max_length=16, choices=Cumulation.choices,
                                  default=Cumulation.NON_CUMULATIVE)
    definition = bounded_text(LONG_TEXT_MAX)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_in()}"


class Indicator(MarksSamples, YearLockedRecord, ConstraintErrorsOnFields, TranslatedWording,
                models.Model):
    compact = models.ForeignKey(Compact, on_delete=models.PROTECT, related_name="indicators")
    standard = models.ForeignKey(
        StandardIndicator, on_delete=models.PROTECT, null=True, blank=True,
        related_name="indicators",
    )
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=255)
    definition = bounded_text(LONG_TEXT_MAX, blank=True)
    pillar = models.CharField(max_length=16, choices=Pillar.choices)
    unit = models.CharField(max_length=16, choices=Unit.choices)
    direction = models.CharField(max_length=16, choices=Direction.choices,
                                 default=Direction.INCREASE)
    cumulation = models.CharField(max_length=16, choices=Cumulation.choices,
                                  default=Cumulation.NON_CUMULATIVE)
    tolerance_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=DEFAULT_TOLERANCE,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("How far below target (in percent of the target) still counts as at risk "
                  "rather than off track."),
    )
    baseline_value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=fiscal_year_validators
    )
    is_key = models.BooleanField(default=False)
    # The baseline is a sample figure (cpc/samples.py): set by the demo, cleared by a user's
    # change of it.
    is_sample = models.BooleanField(default=False, editable=False)
    sample_fields = ("baseline_value",)
    # The fiscal years the indicator is tracked in: empty means from the compact's first
    # year, or to its last. An indicator dropped after a mid-term review keeps its record
    # but stops counting (GAO recommendation 3 asks for targets for each active one).
    first_fiscal_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=fiscal_year_validators,
        help_text=_("First fiscal year the indicator is tracked; empty: the compact's first."),
    )
    last_fiscal_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=fiscal_year_validators,
        help_text=_("Last fiscal year the indicator is tracked; empty: the compact's last."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The awards whose implementers report this indicator's results: their implementers'
    # users may submit them (``cpc.access.scoping.can_record_result``).
    awards = models.ManyToManyField(
        "compacts.Award", blank=True, related_name="indicators",
        help_text=_("Awards of this compact whose implementers report this indicator."),
    )

    constraint_error_fields = {"indicator_code_unique_in_compact": "code",
                               "indicator_first_year_not_after_last": "last_fiscal_year"}
    history = HistoricalRecords(m2m_fields=[awards])

    class Meta:
        ordering = ["compact", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["compact", "code"],
                name="indicator_code_unique_in_compact",
                violation_error_message=_("This compact already has an indicator with this code."),
            ),
            models.CheckConstraint(
                condition=Q(tolerance_percent__gte=0) & Q(tolerance_percent__lte=100),
                name="indicator_tolerance_0_100",
                violation_error_message=_("The tolerance is a percent from 0 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(first_fiscal_year__isnull=True) | Q(last_fiscal_year__isnull=True)
                | Q(first_fiscal_year__lte=models.F("last_fiscal_year")),
                name="indicator_first_year_not_after_last",
                violation_error_message=ERR_FIRST_AFTER_LAST,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_in()}"

    @property
    def shows_sample_figures(self) -> bool:
        """Whether a figure of its row in the tracking table is a sample: the baseline, a
        target or an approved result (read from the prefetched targets and results, as
        ``indicators_with_progress_data`` loads them)."""
        return self.is_sample or any_sample(self.targets.all()) or any_sample(
            r for r in self.results.all() if r.status == ResultStatus.APPROVED)

    def clean(self):
        errors = {}
        # The baseline is a value in the indicator's unit like any target or result: a
        # percent baseline of 250, or a negative count, is no baseline.
        if baseline_errors := unit_value_errors(self.unit, self.baseline_value):
            errors["baseline_value"] = baseline_errors
        if not self.compact_id:
            if errors:
                raise ValidationError(errors)
            return
        for name in ("first_fiscal_year", "last_fiscal_year"):
            if year_errors := fiscal_year_errors(self.compact, getattr(self, name)):
                errors[name] = year_errors
        if errors:
            raise ValidationError(errors)

    def year_lock_keys(self) -> set[tuple[int, int]]:
        stored = self.stored_values("first_fiscal_year", "last_fiscal_year")
        if not stored:
            return set()
        return {(self.compact_id, year) for year in self.tracking_change(
            stored["first_fiscal_year"], stored["last_fiscal_year"])}

    def tracking_change(self, first: int | None, last: int | None) -> set[int]:
        """The compact's fiscal years that tracking from ``first`` to ``last`` adds or drops
        compared with the indicator's own years (a year lock refuses those that are locked)."""
        if (first, last) == (self.first_fiscal_year, self.last_fiscal_year) or not self.compact_id:
            return set()

        def tracked(low, high):
            return {year for year in self.compact.fiscal_years()
                    if (low is None or low <= year) and (high is None or year <= high)}
        return tracked(first, last) ^ tracked(self.first_fiscal_year, self.last_fiscal_year)

    @property
    def is_partner_budget(self) -> bool:
        """The partnership pillar's dollar indicators: the partner government's own budget
        for the purpose, a different measure from its contributions to the compact."""
        return self.pillar == Pillar.PARTNERSHIP and self.unit == Unit.USD

    def is_tracked_in(self, fiscal_year: int) -> bool:
        """Tracked in ``fiscal_year``: within its own years (the compact's when not set).
        Whether the compact itself is active that year is the compact's question."""
        return ((self.first_fiscal_year is None or self.first_fiscal_year <= fiscal_year)
                and (self.last_fiscal_year is None or fiscal_year <= self.last_fiscal_year))

    def fiscal_years(self) -> list[int]:
        """The compact's fiscal years in which the indicator is tracked."""
        return [year for year in self.compact.fiscal_years() if self.is_tracked_in(year)]

    def active_year_errors(self, fiscal_year: int | None) -> list[str]:
        """Targets (and target proposals) exist only for years the indicator is tracked."""
        if fiscal_year is None or self.is_tracked_in(fiscal_year):
            return []
        years = self.fiscal_years()
        span = f"FY{years[0]}-FY{years[-1]}" if years else "none"
        return [ERR_INDICATOR_NOT_ACTIVE.format(code=self.code, year=fiscal_year, span=span)]


class Target(MarksSamples, StampsRecordedAt, YearLockedRecord, ConstraintErrorsOnFields,
             models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    fiscal_year = models.PositiveSmallIntegerField(validators=fiscal_year_validators)
    value = models.DecimalField(max_digits=18, decimal_places=4)
    # The annual dialogue at which a target was agreed is kept by dialogues (TargetSetting),
    # an app above this one.
    created_at = models.DateTimeField(auto_now_add=True)
    # Server time the year and value were last entered (``StampsRecordedAt``): a target
    # recorded after its fiscal year ended does not count for check 3.
    recorded_at = models.DateTimeField(editable=False)
    recorded_fields = ("fiscal_year", "value")
    # A sample figure (cpc/samples.py): set by the demo, cleared by a user's change.
    is_sample = models.BooleanField(default=False, editable=False)
    sample_fields = ("value",)

    constraint_error_fields = {"target_one_per_indicator_year": "fiscal_year"}
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"],
                name="target_one_per_indicator_year",
                violation_error_message=_("This indicator already has a target for that year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} FY{self.fiscal_year} target {self.value}"

    def year_lock_keys(self) -> set[tuple[int, int]]:
        return _indicator_year_keys(self)

    def clean(self):
        if not self.indicator_id:
            return
        indicator = self.indicator
        errors = {}
        year_errors = (fiscal_year_errors(indicator.compact, self.fiscal_year)
                       or indicator.active_year_errors(self.fiscal_year))
        if year_errors:
            errors["fiscal_year"] = year_errors
        if value_errors := unit_value_errors(indicator.unit, self.value):
            errors["value"] = value_errors
        # Moved to another indicator, a target would keep the time it was recorded (check 3
        # counts a target recorded before its year ended): it stays with its indicator.
        stored = self.stored_values("indicator_id")
        if stored and stored["indicator_id"] != self.indicator_id:
            errors["indicator"] = [ERR_TARGET_STAYS]
        if errors:
            raise ValidationError(errors)


class Result(MarksSamples, StampsRecordedAt, YearLockedRecord, ConstraintErrorsOnFields,
             models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="results")
    fiscal_year = models.PositiveSmallIntegerField(validators=fiscal_year_validators)
    value = models.DecimalField(max_digits=18, decimal_places=4)
    # Percent indicators store the parts; the value is computed from them.
    numerator = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    source = bounded_text(NOTE_MAX, blank=True)
    status = models.CharField(max_length=16, choices=ResultStatus.choices,
                              default=ResultStatus.SUBMITTED)
    review_note = bounded_text(NOTE_MAX, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    reported_at = models.DateTimeField(null=True, blank=True)
    # Four eyes: whoever last changed the value (or its parts) cannot approve it, like whoever
    # submitted it. Set by the services.
    value_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", editable=False,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Server time the figures were last entered (``StampsRecordedAt``).
    recorded_at = models.DateTimeField(editable=False)
    recorded_fields = ("fiscal_year", "value", "numerator", "denominator")
    # A sample figure (cpc/samples.py): set by the demo, cleared by a user's change.
    is_sample = models.BooleanField(default=False, editable=False)
    sample_fields = ("value", "numerator", "denominator")

    constraint_error_fields = {"result_one_per_indicator_year": "fiscal_year"}
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"],
                name="result_one_per_indicator_year",
                violation_error_message=_("This indicator already has a result for that year."),
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                name="result_denominator_positive",
                violation_error_message=_("The denominator must be greater than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} FY{self.fiscal_year} result {self.value}"

    def year_lock_keys(self) -> set[tuple[int, int]]:
        return _indicator_year_keys(self)

    def clean(self):
        if self.indicator_id and (errors := result_errors(
                self.indicator, fiscal_year=self.fiscal_year, value=self.value,
                numerator=self.numerator, denominator=self.denominator)):
            raise ValidationError(errors)


class Disaggregation(models.Model):
    """One part of a result by sex and age group; the parts add up to the result."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="disaggregations")
    sex = models.CharField(max_length=8, choices=Sex.choices)
    age_group = models.CharField(max_length=8, choices=AgeGroup.choices)
    value = models.DecimalField(max_digits=18, decimal_places=4,
                                validators=[MinValueValidator(Decimal("0"))])

    history = HistoricalRecords()

    class Meta:
        ordering = ["result", "sex", "age_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["result", "sex", "age_group"], name="disaggregation_unique_part",
                violation_error_message=_("Each sex and age group appears once."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_sex_display()}, {self.get_age_group_display()}: {self.value}"


class ResultDocument(PrivateDocument):
    """A source document of a result (a ministry report, a case register extract), served
    only to those who may see the result."""

    upload_folder = "indicators/results"

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="documents")

    history = HistoricalRecords()

    class Meta:
        ordering = ["result", "uploaded_at", "pk"]


from .evaluations import Evaluation, EvaluationKind  # noqa: E402  (names Indicator by label)

__all__ += ["Evaluation", "EvaluationKind"]
