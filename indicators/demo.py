"""Demo indicators and their results up to fiscal year 2024, for every demo compact that has
dates.

All figures are invented samples and marked so (``is_sample``, cpc/samples.py; each result's
``source`` says so too), the partner-budget results of the years before September 2024
included. The story follows GAO's record (../shared/DOMAIN_FACTS.md): before the dialogues
of September 2024 to January 2025 the indicators had no annual targets, so none is created here; targets come from the FY 2025
dialogues on, proposed and accepted there, and the results of those years are recorded after
each year's dialogue (see ``dialogues.demo``). Idempotent: records are looked up by their
natural keys.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from compacts.demo import COMPACTS, SAMPLE
from compacts.models import Compact
from cpc.fiscal import fiscal_year_of
from cpc.samples import loading_samples, mark_as_samples

from . import record_demo, services
from .models import Indicator, Result, StandardIndicator

# Key indicators first: each compact gets the first 5-7 of these, the first four key.
PICK_ORDER = ["PROT-1", "PROS-1", "PROT-2", "PREV-1", "PROS-2", "PROT-3", "PART-1", "PROS-3"]
KEY_COUNT = 4
# How each year's actual compares with its target, in turn: on track, at risk, off track.
ACHIEVEMENT = [Decimal("1.10"), Decimal("0.92"), Decimal("0.70"), Decimal("1.00"),
               Decimal("1.25")]
# Results of later years are recorded after each year's dialogue (dialogues.demo).
LAST_HISTORIC_YEAR = 2024
# Embassy officer's countries (compacts/demo.py): their last results await review.
OFFICER_COUNTRIES = {"CO", "PE"}
RETURNED_COUNTRY = "PE"
RETURN_NOTE = "Sample review note: please attach the ministry's source table."


def _target_value(standard: StandardIndicator, step: int) -> Decimal:
    if standard.unit == "percent":
        return Decimal(min(60 + 5 * step, 90))
    if standard.unit == "yes_no":
        return Decimal(0 if step == 0 else 1)
    if standard.unit == "usd":
        return Decimal(250000 + 50000 * step)
    if standard.cumulation == "latest":
        return Decimal(2 + step)
    return Decimal(40 + 15 * step)


def _whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def _result_fields(standard: StandardIndicator, target: Decimal, factor: Decimal) -> dict:
    if standard.unit == "percent":
        denominator = Decimal(40)
        numerator = min(_whole(denominator * target / 100 * factor), denominator)
        return {"numerator": numerator, "denominator": denominator}
    if standard.unit == "yes_no":
        return {"value": Decimal(1 if factor >= 1 or target == 0 else 0)}
    value = _whole(target * factor)
    fields = {"value": value}
    if standard.code == "PROT-1":
        girls_young = _whole(value * Decimal("0.3"))
        girls_older = _whole(value * Decimal("0.3"))
        boys_young = _whole(value * Decimal("0.2"))
        fields["disaggregations"] = [
            {"sex": "female", "age_group": "under_12", "value": girls_young},
            {"sex": "female", "age_group": "12_17", "value": girls_older},
            {"sex": "male", "age_group": "under_12", "value": boys_young},
            {"sex": "male", "age_group": "12_17",
             "value": value - girls_young - girls_older - boys_young},
        ]
    return fields


def result_fields(standard: StandardIndicator, step: int, factor_index: int) -> dict:
    """A sample result for the ``step``-th year of a compact: the year's sample target scaled
    by one of the ACHIEVEMENT factors (on track, at risk, off track in turn)."""
    factor = ACHIEVEMENT[factor_index % len(ACHIEVEMENT)]
    return _result_fields(standard, target_value(standard, step), factor)


def target_value(standard: StandardIndicator, step: int) -> Decimal:
    return _target_value(standard, step)


def baseline_value(standard: StandardIndicator) -> Decimal:
    """The sample baseline: half the first year's sample target (0 for percent and yes/no
    indicators)."""
    if standard.unit in ("yes_no", "percent"):
        return Decimal("0")
    return _target_value(standard, 0) * Decimal("0.5")


@transaction.atomic
@loading_samples()
def seed(*, password: str) -> dict[str, int]:
    created = {"indicators": 0, "results": 0}
    User = get_user_model()
    staff = User.objects.get(username="tip.staff")
    current_year = fiscal_year_of(dt.date.today())
    library = {s.code: s for s in StandardIndicator.objects.all()}
    compacts = Compact.objects.filter(start_date__isnull=False).select_related("country")
    for index, compact in enumerate(compacts.order_by("start_date", "pk")):
        years = compact.fiscal_years()
        codes = [c for c in PICK_ORDER if c in library][: 5 + index % 3]
        for position, code in enumerate(codes):
            standard = library[code]
            indicator = Indicator.objects.filter(compact=compact, code=code).first()
            if indicator is None:
                indicator = services.indicator_create(
                    user=staff, compact=compact, standard=standard,
                    is_key=position < KEY_COUNT,
                    baseline_year=years[0] - 1, baseline_value=baseline_value(standard),
                )
                created["indicators"] += 1
            if not indicator.awards.exists():
                # Reported under the compact's awards of the indicator's pillar (sample).
                indicator.awards.set([award for award in compact.awards.all()
                                      if indicator.pillar in award.pillars])
            for step, year in enumerate(years):
                if year > LAST_HISTORIC_YEAR or year >= current_year:
                    break
                if Result.objects.filter(indicator=indicator, fiscal_year=year).exists():
                    continue
                services.result_record(
                    user=staff, indicator=indicator, fiscal_year=year, source=SAMPLE,
                    **result_fields(standard, step, index + position + step),
                )
                created["results"] += 1
    created.update(record_demo.seed_record(staff=staff))
    return created


def mark_earlier_samples() -> int:
    """The figures an earlier version of the demo loaded before it marked them as samples:
    results whose source says so, and the sample baselines of the demo compacts'
    indicators."""
    results = Result.objects.filter(source=SAMPLE, is_sample=False)
    indicators = [
        indicator for indicator in Indicator.objects.filter(
            compact__title__in=[spec["title"] for spec in COMPACTS], code__in=PICK_ORDER,
            standard__isnull=False, is_sample=False).select_related("standard")
        if indicator.baseline_value == baseline_value(indicator.standard)]
    return mark_as_samples(results) + mark_as_samples(indicators)
