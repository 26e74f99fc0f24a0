import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from dialogues.models import ActionItem, Dialogue, Discussion, Participant
from indicators.models import Indicator, Result, Target
from tests.compacts.factories import CompactFactory


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    compact = factory.SubFactory(CompactFactory)
    code = factory.Sequence(lambda n: f"IND-{n:03d}")
    name = factory.Sequence(lambda n: f"Child trafficking cases investigated {n}")
    pillar = "prosecution"
    unit = "count"
    is_key = True


class TargetFactory(DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    fiscal_year = 2024
    value = Decimal("100")


class ResultFactory(DjangoModelFactory):
    class Meta:
        model = Result

    indicator = factory.SubFactory(IndicatorFactory)
    fiscal_year = 2024
    value = Decimal("90")
    status = "approved"


class DialogueFactory(DjangoModelFactory):
    class Meta:
        model = Dialogue

    compact = factory.SubFactory(CompactFactory)
    fiscal_year = 2024
    scheduled_for = dt.date(2024, 3, 15)
    status = "planned"


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = Participant

    dialogue = factory.SubFactory(DialogueFactory)
    name = factory.Sequence(lambda n: f"Participant {n}")
    organization = "Ministry of Gender, Children and Social Protection"
    side = "partner_government"


class DiscussionFactory(DjangoModelFactory):
    class Meta:
        model = Discussion

    dialogue = factory.SubFactory(DialogueFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    notes = "Progress reviewed."


class ActionItemFactory(DjangoModelFactory):
    class Meta:
        model = ActionItem

    dialogue = factory.SubFactory(DialogueFactory)
    description = "Share the shelter referral data."
    owner = "Embassy"
