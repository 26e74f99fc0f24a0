import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from dialogues.models import ActionItem, Dialogue, Discussion, Participant, TargetProposal
from tests.compacts.factories import CompactFactory
from tests.indicators.factories import IndicatorFactory, ResultFactory, TargetFactory

__all__ = [
    "ActionItemFactory", "DialogueFactory", "DiscussionFactory", "IndicatorFactory",
    "ParticipantFactory", "ResultFactory", "TargetFactory", "TargetProposalFactory",
]


def noon(day: dt.date | None) -> dt.datetime | None:
    """A record keyed in on ``day``: the server time a factory gives what it dates."""
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


class DialogueFactory(DjangoModelFactory):
    """Key indicators and their sharing are recorded on the days given, the sustainability
    discussion on the day of the dialogue (a test about provenance sets
    ``key_indicators_recorded_at`` / ``..._shared_recorded_at`` /
    ``sustainability_recorded_at`` itself)."""

    class Meta:
        model = Dialogue

    compact = factory.SubFactory(CompactFactory)
    fiscal_year = 2024
    scheduled_for = dt.date(2024, 3, 15)
    status = "planned"
    # A held or closed dialogue has the date it was held (a database constraint).
    held_on = factory.LazyAttribute(lambda o: None if o.status == "planned" else o.scheduled_for)
    key_indicators_identified_on = None
    key_indicators_shared_on = None
    key_indicators_recorded_at = factory.LazyAttribute(
        lambda o: noon(o.key_indicators_identified_on))
    key_indicators_shared_recorded_at = factory.LazyAttribute(
        lambda o: noon(o.key_indicators_shared_on))
    # The sustainability discussion is recorded on the day of the dialogue.
    sustainability_recorded_at = factory.LazyAttribute(
        lambda o: noon(o.held_on or o.scheduled_for))


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
    # Recorded on the day of the dialogue.
    recorded_at = factory.LazyAttribute(
        lambda o: noon(o.dialogue.held_on or o.dialogue.scheduled_for))


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
