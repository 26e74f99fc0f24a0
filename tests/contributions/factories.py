import datetime as dt
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from contributions.models import (
    Contribution,
    FollowUp,
    Measure,
    PlanStatus,
    SustainabilityPlan,
)
from tests.compacts.factories import CompactFactory
from tests.dialogues.factories import DialogueFactory  # noqa: F401  (used by the tests)
from tests.documents import pdf_bytes


class ContributionFactory(DjangoModelFactory):
    class Meta:
        model = Contribution

    compact = factory.SubFactory(CompactFactory)
    fiscal_year = 2024
    kind = "funding"
    description = "Sample: ministry budget line for shelters."
    amount_local = Decimal("120000.00")
    currency = "GHS"
    amount_usd = Decimal("10000.00")
    personnel_count = None
    verified = False
    # A verified contribution records the figures it was verified with.
    verified_amount_usd = factory.LazyAttribute(lambda o: o.amount_usd if o.verified else None)
    verified_amount_local = factory.LazyAttribute(
        lambda o: o.amount_local if o.verified else None)
    verified_currency = factory.LazyAttribute(lambda o: o.currency if o.verified else "")
    verified_personnel_count = factory.LazyAttribute(
        lambda o: o.personnel_count if o.verified else None)

    class Params:
        # Staff verify a contribution only against its evidence (tests store it privately).
        with_evidence = factory.Trait(evidence=factory.LazyFunction(
            lambda: SimpleUploadedFile("evidence.pdf", pdf_bytes())))


class SustainabilityPlanFactory(DjangoModelFactory):
    class Meta:
        model = SustainabilityPlan

    compact = factory.SubFactory(CompactFactory)
    status = PlanStatus.NOT_REQUESTED
    requested_on = None

    class Params:
        requested = factory.Trait(
            status=PlanStatus.REQUESTED,
            requested_on=dt.date(2024, 1, 15),
            due_on=dt.date(2024, 6, 30),
        )

    # A request is recorded on the day it is dated.
    requested_at = factory.LazyAttribute(lambda o: o.requested_on and timezone.make_aware(
        dt.datetime.combine(o.requested_on, dt.time(12))))

    @factory.post_generation
    def measures(plan, create, extracted, **kwargs):
        """``measures=N`` gives the plan N measures (check 6 needs one)."""
        if create and extracted:
            for _ in range(extracted):
                Measure.objects.create(plan=plan, description="Fund the shelters.",
                                       category="budget_line",
                                       responsible_institution="Ministry of Gender")


class MeasureFactory(DjangoModelFactory):
    class Meta:
        model = Measure

    plan = factory.SubFactory(SustainabilityPlanFactory)
    description = "Fund the shelter network from the national budget."
    category = "budget_line"
    responsible_institution = "Ministry of Gender, Children and Social Protection"


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUp

    plan = factory.SubFactory(SustainabilityPlanFactory)
    date = dt.date(2024, 7, 10)
    note = "Called the ministry about the draft plan."
