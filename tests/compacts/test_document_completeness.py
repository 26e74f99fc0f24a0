"""The one rule of which elements of a compact's document are recorded."""

from decimal import Decimal

import pytest

from compacts.partnership.completeness import document_completeness, has_content
from tests.compacts.factories import (
    CompactDocumentFactory,
    CompactFactory,
    ObjectiveFactory,
    PartnerPledgeFactory,
)

pytestmark = pytest.mark.django_db

EVERY_ELEMENT = ["objectives", "us_responsibilities", "partner_responsibilities",
                 "us_estimated_contribution", "partner_estimated_contribution", "activities",
                 "implementation_mechanism", "monitoring_mechanism", "assessment_mechanism",
                 "sustainability_mechanism", "signed_document"]


def missing(compact):
    return [e.key for e in document_completeness(compact).missing]


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "-", "...", "TBD", "n/a", "N/A.",
                                  "t.b.d.", "x", "None", "to be determined", "ab"])
def test_blank_punctuation_or_a_placeholder_is_no_content(text):
    assert not has_content(text)


@pytest.mark.parametrize("text", ["Shelters", "Fund the awards.", "Ministerio asigna personal"])
def test_words_are_content(text):
    assert has_content(text)


def test_a_compact_without_a_document_misses_everything_but_the_ceiling():
    compact = CompactFactory()
    assert missing(compact) == [k for k in EVERY_ELEMENT if k != "us_estimated_contribution"]


def test_a_complete_compact_misses_nothing(private_storage):
    from django.core.files.base import ContentFile

    from tests.documents import pdf_bytes

    compact = CompactFactory()
    ObjectiveFactory(compact=compact)
    PartnerPledgeFactory(compact=compact)
    document = CompactDocumentFactory(compact=compact)
    document.signed_document.save("compact.pdf", ContentFile(pdf_bytes()))
    compact.refresh_from_db()
    result = document_completeness(compact)
    assert result.is_complete and missing(compact) == []


def test_whitespace_and_tokens_in_the_document_do_not_count():
    compact = CompactFactory(us_funding_usd=None)
    CompactDocumentFactory(compact=compact, us_responsibilities="   ", activities="TBD",
                           monitoring_mechanism="-")
    assert {"us_responsibilities", "activities", "monitoring_mechanism",
            "us_estimated_contribution"} <= set(missing(compact))
    assert "partner_responsibilities" not in missing(compact)


def test_pledges_count_only_with_a_value():
    compact = CompactFactory()
    assert "partner_estimated_contribution" in missing(compact)
    PartnerPledgeFactory(compact=compact, kind="personnel", amount_local=None, currency="",
                         amount_usd=None, personnel_count=12)
    assert "partner_estimated_contribution" not in missing(compact)


def test_a_ceiling_of_zero_is_no_estimated_contribution():
    compact = CompactFactory(us_funding_usd=Decimal("0"))
    assert "us_estimated_contribution" in missing(compact)
