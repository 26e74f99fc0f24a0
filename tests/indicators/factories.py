import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from indicators.models import Disaggregation, Indicator, Result, StandardIndicator, Target
from tests.compacts.factories import CompactFactory


class StandardIndicatorFactory(DjangoModelFactory):
    class Meta:
        model = StandardIndicator
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"TEST-{n}")
    name = factory.Sequence(lambda n: f"Standard indicator {n}")
    pillar = "protection"
    unit = "count"
    definition = "A test definition."


class IndicatorFactory(DjangoModelFactory):
    """An indicator of a compact active FY2022-FY2027 (the compact factory's dates)."""

    class Meta:
        model = Indicator

    compact = factory.SubFactory(CompactFactory)
    code = factory.Sequence(lambda n: f"IND-{n}")
    name = factory.Sequence(lambda n: f"Child victims identified ({n})")
    pillar = "protection"
    unit = "count"
    direction = "increase"
    cumulation = "non_cumulative"
    tolerance_percent = Decimal("15")
    is_key = True


class TargetFactory(DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    fiscal_year = 2023
    value = Decimal("100")
    # Recorded on the first day of its fiscal year (a test of late targets sets it).
    recorded_at = factory.LazyAttribute(lambda o: timezone.make_aware(
        dt.datetime(o.fiscal_year - 1, 10, 1, 12)))


class ResultFactory(DjangoModelFactory):
    """An approved result unless told otherwise (progress counts only approved ones)."""

    class Meta:
        model = Result

    indicator = factory.SubFactory(IndicatorFactory)
    fiscal_year = 2023
    value = Decimal("100")
    status = "approved"
    source = "Test figure"


class DisaggregationFactory(DjangoModelFactory):
    class Meta:
        model = Disaggregation

    result = factory.SubFactory(ResultFactory)
    sex = "female"
    age_group = "12_17"
    value = Decimal("10")


class EvaluationFactory(DjangoModelFactory):
    class Meta:
        model = "indicators.Evaluation"

    compact = factory.SubFactory(CompactFactory)
    kind = "baseline"
    title = factory.Sequence(lambda n: f"Baseline study {n}")
    fieldwork_start = dt.date(2023, 2, 1)
    fieldwork_end = dt.date(2023, 5, 31)
