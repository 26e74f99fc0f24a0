"""The demo's compact documents and pledges, true to the public record and marked as
samples; the generated portfolio fills them too."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from compacts.models import Compact, CompactDocument, PartnerPledge
from compacts.partnership.completeness import document_completeness


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def test_the_pledges_keep_to_the_public_totals_and_are_samples(demo):
    philippines = PartnerPledge.objects.filter(compact__country__iso_code="PH")
    assert philippines.aggregate(total=Sum("amount_usd"))["total"] == Decimal("800000")
    peru = PartnerPledge.objects.filter(compact__country__iso_code="PE")
    assert peru.aggregate(total=Sum("amount_local"))["total"] == Decimal("8000000")
    assert set(peru.values_list("currency", flat=True)) == {"PEN"}
    assert PartnerPledge.objects.exists()
    assert not PartnerPledge.objects.filter(is_sample=False).exists()
    assert not CompactDocument.objects.filter(is_sample=False).exists()


def test_the_panel_has_something_to_name_and_seeding_again_adds_nothing(demo):
    nepal = Compact.objects.get(country__iso_code="NP")
    assert "activities" in [e.key for e in document_completeness(nepal).missing]
    ivory = Compact.objects.get(country__iso_code="CI")
    missing = [e.key for e in document_completeness(ivory).missing]
    assert {"assessment_mechanism", "sustainability_mechanism"} <= set(missing)
    peru = Compact.objects.get(country__iso_code="PE")
    assert [e.key for e in document_completeness(peru).missing] == ["signed_document"]
    counts = (CompactDocument.objects.count(), PartnerPledge.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (CompactDocument.objects.count(), PartnerPledge.objects.count()) == counts


def test_the_generated_portfolio_fills_documents_and_pledges(db, settings, private_storage):
    settings.DEBUG = True
    call_command("generate_portfolio", compacts=3, seed=11, stdout=io.StringIO())
    generated = Compact.objects.filter(title__startswith="Generated compact 11-")
    assert CompactDocument.objects.filter(compact__in=generated).count() == 3
    assert PartnerPledge.objects.filter(compact__in=generated).exists()
    assert not PartnerPledge.objects.filter(is_sample=False).exists()
