"""Demo indicators, targets and results for every demo compact that has dates.

All figures are invented samples and labelled so (``source``). A few targets are missing on
purpose, some results wait for review and one was returned, so that the compliance checks and
the dashboards are not all green. Idempotent: records are looked up by their natural keys.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from compacts.demo import SAMPLE
from compacts.models import Compact
from cpc.fiscal import fiscal_year_of

from . import services
from .models import Indicator, Result, StandardIndicator, Target

# Key indicators first: each compact gets the first 5-7 of these, the first four key.
PICK_ORDER = ["PROT-1", "PROS-1", "PROT-2", "PREV-1", "PROS-2", "PROT-3", "PART-1", "PROS-3"]
KEY_COUNT = 4
# How each year's actual compares with its target, in turn: on track, at risk, off track.
ACHIEVEMENT = [Decimal("1.10"), Decimal("0.92"), Decimal("0.70"), Decimal("1.00"),
               Decimal("1.25")]
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


@transaction.atomic
def seed(*, password: str) -> dict[str, int]:
    created = {"indicators": 0, "targets": 0, "results": 0}
    User = get_user_model()
    staff = User.objects.get(username="tip.staff")
    officer = User.objects.get(username="embassy.officer")
    current_year = fiscal_year_of(dt.date.today())
    library = {s.code: s for s in StandardIndicator.objects.all()}
    compacts = Compact.objects.filter(start_date__isnull=False).select_related("country")
    for index, compact in enumerate(compacts.order_by("start_date", "pk")):
        years = compact.fiscal_years()
        iso = compact.country.iso_code.code
        codes = [c for c in PICK_ORDER if c in library][: 5 + index % 3]
        for position, code in enumerate(codes):
            standard = library[code]
            indicator = Indicator.objects.filter(compact=compact, code=code).first()
            if indicator is None:
                indicator = services.indicator_create(
                    compact=compact, standard=standard, is_key=position < KEY_COUNT,
                    baseline_year=years[0] - 1,
                    baseline_value=_target_value(standard, 0) * Decimal("0.5")
                    if standard.unit not in ("yes_no", "percent") else Decimal("0"),
                )
                created["indicators"] += 1
            past_years = [y for y in years if y < current_year]
            for step, year in enumerate(years):
                # Missing on purpose: one key indicator has no target for the compact's last
                # year, and every other compact lacks one for the current year as well.
                if position == index % KEY_COUNT and (
                    year == years[-1] or (index % 2 == 0 and year == current_year)
                ):
                    continue
                target_value = _target_value(standard, step)
                if not Target.objects.filter(indicator=indicator, fiscal_year=year).exists():
                    services.target_create(indicator=indicator, fiscal_year=year,
                                           value=target_value)
                    created["targets"] += 1
                if year not in past_years:
                    continue
                if Result.objects.filter(indicator=indicator, fiscal_year=year).exists():
                    continue
                by_officer = iso in OFFICER_COUNTRIES and year == past_years[-1] and position < 2
                factor = ACHIEVEMENT[(index + position + step) % len(ACHIEVEMENT)]
                result = services.result_record(
                    user=officer if by_officer else staff, indicator=indicator,
                    fiscal_year=year, source=SAMPLE,
                    **_result_fields(standard, target_value, factor),
                )
                created["results"] += 1
                if by_officer and iso == RETURNED_COUNTRY and position == 1:
                    services.result_return(user=staff, result=result, review_note=RETURN_NOTE)
    return created
