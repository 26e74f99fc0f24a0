"""Report test data: one compact with every section of the report filled in."""

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from compacts.models import GuidanceDocument
from reports.models import ReportJob
from tests.compacts.factories import (
    AwardFactory,
    CompactFactory,
    GuidanceDocumentFactory,
    UserFactory,
)
from tests.dialogues.factories import (
    ActionItemFactory,
    DialogueFactory,
    DiscussionFactory,
    ParticipantFactory,
)
from tests.indicators.factories import IndicatorFactory, ResultFactory, TargetFactory

FISCAL_YEAR = 2024


class ReportJobFactory(DjangoModelFactory):
    class Meta:
        model = ReportJob

    kind = "compact_oversight"
    compact = factory.SubFactory(CompactFactory)
    fiscal_year = FISCAL_YEAR
    requested_by = factory.SubFactory(UserFactory)


def reportable_compact(compact, *, indicators: int = 1):
    """Fill ``compact`` so that FY2024's checks are: 1 met, 2 met, 3 met, 4 met (guidance
    requires targets), 5 not met (no contribution), 6 not met (sustainability not discussed).
    The first key indicator has a FY2024 target of 120 and an approved actual of 96 (80%)."""
    AwardFactory(compact=compact, amount_usd=Decimal("2500000.00"))
    if not GuidanceDocument.objects.exclude(targets_passage="").exists():
        # The document's name is enough for check 4; no file is stored for the report tests.
        # Entered by one staff member, its passage confirmed by another (four eyes).
        GuidanceDocumentFactory(
            title="CPC Partnership Monitoring Guidance", version="2.0",
            effective_from=dt.date(2023, 10, 1), document="guidance/sample-guidance-2.0.pdf",
            targets_passage="Each compact sets annual targets for its performance indicators.",
            confirmed=True,
        )
    key = IndicatorFactory(compact=compact, code=f"PROT-{compact.pk}",
                           name="Child victims referred to care", is_key=True)
    TargetFactory(indicator=key, fiscal_year=FISCAL_YEAR, value=Decimal("120"))
    ResultFactory(indicator=key, fiscal_year=FISCAL_YEAR, value=Decimal("96"))
    for n in range(indicators - 1):
        other = IndicatorFactory(compact=compact, code=f"PREV-{compact.pk}-{n}", is_key=False)
        TargetFactory(indicator=other, fiscal_year=FISCAL_YEAR, value=Decimal("50"))
        ResultFactory(indicator=other, fiscal_year=FISCAL_YEAR, value=Decimal("55"))
    dialogue = DialogueFactory(
        compact=compact, fiscal_year=FISCAL_YEAR, scheduled_for=dt.date(2024, 3, 15),
        held_on=dt.date(2024, 3, 15), status="held",
        key_indicators_identified_on=dt.date(2024, 2, 1), sustainability_discussed=False,
        key_indicators_shared_on=dt.date(2024, 2, 5), key_indicators_shared_via="email",
    )
    dialogue.key_indicators.add(key)
    DiscussionFactory(dialogue=dialogue, indicator=key, target_value=Decimal("120"),
                      actual_value=Decimal("96"), actual_fiscal_year=FISCAL_YEAR)
    ParticipantFactory(dialogue=dialogue, side="partner_government")
    ParticipantFactory(dialogue=dialogue, side="us_government")
    ActionItemFactory(dialogue=dialogue, description="Share the shelter referral data.")
    return key
