"""Compacts, their extensions and objectives, and the one rule of a compact being active in
a fiscal year (:meth:`CompactQuerySet.active_in`, :meth:`Compact.is_active_in`)."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, F, Max, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cpc.fiscal import add_years, fiscal_year_bounds, fiscal_year_of, is_fiscal_year
from cpc.models import ConstraintErrorsOnFields
from cpc.samples import MarksSamples
from cpc.validators import (
    LONG_TEXT_MAX,
    NOTE_MAX,
    bounded_text,
    is_sane_date,
    validate_sane_date,
)

from .countries import PartnerCountry, Pillar

MAX_ORIGINAL_TERM_YEARS = 5  # 22 U.S.C. § 7103a: a partnership may last up to five years.

ERR_END_BEFORE_START = _("The end date must be after the start date.")
ERR_TERM_TOO_LONG = (
    _("A compact's original term lasts at most five years; record longer periods as extensions.")
)
ERR_DATES_REQUIRED = _("A signed, active or closed compact needs a start date and an end date.")
ERR_EXTENSION_NOT_LATER = _("An extension must move the end date later than {current}.")
ERR_EXTENSION_NO_END = _("The compact has no end date to extend.")
ERR_NEGATIVE = _("Amounts cannot be negative.")

non_negative = MinValueValidator(Decimal("0"), message=ERR_NEGATIVE)


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
        from .awards import Award  # awards belong to a compact: defined after it

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
        from .awards import Award

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

    def started_by(self, fiscal_year: int):
        """Compacts whose term began by the fiscal year's last day, whether or not it has
        ended since (the program's timeline up to a year)."""
        return self.filter(start_date__lte=fiscal_year_bounds(fiscal_year)[1])

    def active_in(self, fiscal_year: int):
        """Compacts active in the fiscal year: their term, extensions included, overlaps it.
        The one statement of the rule for a list; :meth:`Compact.is_active_in` reads it for
        one compact. The latest end is annotated once (``with_current_end``)."""
        return self.active_between(fiscal_year, fiscal_year)

    def active_between(self, first_year: int, last_year: int):
        """Compacts active in at least one fiscal year from ``first_year`` to ``last_year``."""
        first_day, last_day = fiscal_year_bounds(first_year)[0], fiscal_year_bounds(last_year)[1]
        queryset = self if "current_end" in self.query.annotations else self.with_current_end()
        return queryset.filter(start_date__lte=last_day, current_end__gte=first_day)


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
        """Whether the compact's term, extensions included, overlaps the fiscal year (as
        :meth:`CompactQuerySet.active_in` selects); never without dates."""
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
