"""The API of compacts' documents and pledges: reads scoped like compacts, staff writes,
and the pledged-against-recorded figures."""

from decimal import Decimal

import pytest

from compacts.models import CompactDocument, PartnerPledge
from contributions.pledges import pledge_picture
from tests.compacts.factories import CompactDocumentFactory, PartnerPledgeFactory
from tests.contributions.factories import ContributionFactory

pytestmark = pytest.mark.django_db


def test_the_document_answer_names_what_is_missing(staff_api, ghana_compact):
    CompactDocumentFactory(compact=ghana_compact, activities=" ", is_public=True,
                           public_url="https://example.org/compact.pdf")
    body = staff_api.get(f"/api/v1/compacts/{ghana_compact.pk}/document/").json()
    assert body["document"]["public_url"] == "https://example.org/compact.pdf"
    assert body["completeness"]["complete"] is False
    assert "activities" in body["completeness"]["missing"]
    assert "us_responsibilities" not in body["completeness"]["missing"]
    assert len(body["completeness"]["elements"]) == 11


def test_a_compact_without_a_document_answers_null(staff_api, ghana_compact):
    body = staff_api.get(f"/api/v1/compacts/{ghana_compact.pk}/document/").json()
    assert body["document"] is None and "signed_document" in body["completeness"]["missing"]


def test_reads_are_scoped_like_compacts(officer_api, ghana_compact, peru_compact):
    PartnerPledgeFactory(compact=peru_compact)
    for path in ("document", "pledges"):
        assert officer_api.get(f"/api/v1/compacts/{peru_compact.pk}/{path}/").status_code == 404
        assert officer_api.get(f"/api/v1/compacts/{ghana_compact.pk}/{path}/").status_code == 200
    assert officer_api.get("/api/v1/pledges/").json()["count"] == 0


def test_staff_write_and_others_are_refused(staff_api, auditor_api, officer_api,
                                            ghana_compact):
    data = {"compact": ghana_compact.pk, "fiscal_year": 2023, "kind": "funding",
            "amount_usd": "800000.00", "source": "Compact, section 5"}
    for client in (auditor_api, officer_api):
        assert client.post("/api/v1/pledges/", data, format="json").status_code == 403
        assert client.post("/api/v1/compact-documents/", {"compact": ghana_compact.pk},
                           format="json").status_code == 403
    response = staff_api.post("/api/v1/pledges/", data, format="json")
    assert response.status_code == 201, response.json()
    bad = staff_api.post("/api/v1/pledges/", data | {"amount_usd": None}, format="json")
    assert bad.status_code == 400 and "amount_usd" in bad.json()
    pledge = PartnerPledge.objects.get()
    etag = staff_api.get(f"/api/v1/pledges/{pledge.pk}/")["ETag"]
    assert staff_api.patch(f"/api/v1/pledges/{pledge.pk}/", {"amount_usd": "700000.00"},
                           format="json", HTTP_IF_MATCH=etag).status_code == 200
    assert staff_api.patch(f"/api/v1/pledges/{pledge.pk}/", {"amount_usd": "1.00"},
                           format="json", HTTP_IF_MATCH=etag).status_code == 412
    document = staff_api.post("/api/v1/compact-documents/",
                              {"compact": ghana_compact.pk, "activities": "Shelters."},
                              format="json")
    assert document.status_code == 201, document.json()
    again = staff_api.post("/api/v1/compact-documents/", {"compact": ghana_compact.pk},
                           format="json")
    assert again.status_code == 400 and "compact" in again.json()
    assert CompactDocument.objects.get().recorded_by.username == "staff"


def test_pledged_against_recorded_agrees_with_the_one_function(staff_api, staff_user,
                                                               supervisor_user, ghana_compact):
    PartnerPledgeFactory(compact=ghana_compact, fiscal_year=2023, amount_usd=Decimal("400000"))
    PartnerPledgeFactory(compact=ghana_compact, fiscal_year=2024, amount_usd=Decimal("400000"))
    ContributionFactory(compact=ghana_compact, fiscal_year=2023, kind="funding",
                        amount_usd=Decimal("150000"), recorded_by=staff_user)
    body = staff_api.get(f"/api/v1/compacts/{ghana_compact.pk}/pledges/").json()
    years = pledge_picture(user=staff_user, compact=ghana_compact)
    assert [row["fiscal_year"] for row in body["by_year"]] == [2023, 2024]
    assert [Decimal(row["pledged_usd"]) for row in body["by_year"]] == [
        y.pledged_usd for y in years]
    assert Decimal(body["by_year"][0]["recorded_usd"]) == Decimal("150000")
    assert body["by_year"][0]["verified_usd"] == "0.00"
    assert body["by_year"][1]["recorded_usd"] is None
    assert Decimal(body["total"]["pledged_usd"]) == Decimal("800000")
    assert len(body["pledges"]) == 2
