import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from dialogues.models import ActionItem, Dialogue, Discussion, Participant, TargetProposal
from tests.compacts.factories import CompactFactory
from tests.indicators.factories import IndicatorFactory, ResultFactory, TargetFactory

__all__ = [
    "ActionItemFactory", "DialogueFactory", "DiscussionFactory", "IndicatorFactory",
    "ParticipantFactory", "ResultFactory", "TargetFactory", "TargetProposalFactory",
]


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
    notes = "Progress against the annual target reviewed."


class ActionItemFactory(DjangoModelFactory):
    class Meta:
        model = ActionItem

    dialogue = factory.SubFactory(DialogueFactory)
    description = "Share the shelter referral data."
    owner = "Embassy"


class TargetProposalFactory(DjangoModelFactory):
    """A pending proposal at a FY2024 dialogue for the next year's target."""

    class Meta:
        model = TargetProposal

    dialogue = factory.SubFactory(DialogueFactory)
    indicator = factory.SubFactory(IndicatorFactory,
                                   compact=factory.SelfAttribute("..dialogue.compact"))
    fiscal_year = 2025
    value = Decimal("45")
    status = "pending"
