"""API contract, country scope and role rules of contributions and sustainability plans."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contributions.models import Contribution, PlanStatus, SustainabilityPlan
from cpc.models import recorded_as_of
from tests.contributions.factories import (
    ContributionFactory,
    FollowUpFactory,
    MeasureFactory,
    SustainabilityPlanFactory,
)
from tests.dialogues.factories import noon
from tests.documents import pdf_bytes

EVIDENCE_PDF = pdf_bytes("Receipt: evidence of the contribution.")
PLAN_PDF = pdf_bytes("Sustainability plan.")

# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]

CONTRACT_FIELDS = {"id", "compact", "fiscal_year", "kind", "description", "amount_local",
                   "currency", "amount_usd", "personnel_count", "recorded_at_dialogue",
                   "verified"}


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = settings.STORAGES | {
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}}}
    return tmp_path / "private"


def payload(compact, **overrides):
    return {"compact": compact.pk, "fiscal_year": 2024, "kind": "funding",
            "description": "Sample: shelter budget line.", "amount_local": "120000.00",
            "currency": "GHS", "amount_usd": "10000.00"} | overrides


def test_list_has_the_contract_fields_and_filters(staff_api, ghana_compact, peru_compact):
    ContributionFactory(compact=ghana_compact, fiscal_year=2023)
    ContributionFactory(compact=ghana_compact, fiscal_year=2024)
    ContributionFactory(compact=peru_compact, currency="PEN")
    response = staff_api.get("/api/v1/contributions/",
                             {"compact": ghana_compact.pk, "fiscal_year": 2024})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert set(row) >= CONTRACT_FIELDS
    assert row["amount_usd"] == "10000.00"
    assert row["verified"] is False


def test_officer_sees_only_own_countries_contributions(officer_api, ghana_compact,
                                                       peru_compact):
    mine = ContributionFactory(compact=ghana_compact)
    theirs = ContributionFactory(compact=peru_compact, currency="PEN")
    ids = [r["id"] for r in officer_api.get("/api/v1/contributions/").json()["results"]]
    assert ids == [mine.pk]
    assert officer_api.get(f"/api/v1/contributions/{theirs.pk}/").status_code == 404
    assert officer_api.patch(f"/api/v1/contributions/{theirs.pk}/",
                             {"description": "x"}).status_code == 404


def test_officer_records_a_contribution_for_own_country(officer_api, ghana_compact,
                                                        ghana_officer):
    response = officer_api.post("/api/v1/contributions/", payload(ghana_compact))
    assert response.status_code == 201, response.json()
    assert Contribution.objects.get().recorded_by == ghana_officer


def test_officer_cannot_record_for_another_countrys_compact(officer_api, peru_compact):
    response = officer_api.post("/api/v1/contributions/", payload(peru_compact, currency="PEN"))
    assert response.status_code == 400
    assert "compact" in response.json()
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount_local": "-1.00"}, "amount_local"),
        ({"amount_usd": "-0.01"}, "amount_usd"),
        ({"currency": "XYZ"}, "currency"),
        ({"kind": "personnel"}, "personnel_count"),
        ({"personnel_count": 4}, "personnel_count"),
        ({"fiscal_year": 2019}, "fiscal_year"),
    ],
)
def test_invalid_contributions_are_400_naming_the_field(staff_api, ghana_compact, overrides,
                                                        field):
    response = staff_api.post("/api/v1/contributions/", payload(ghana_compact, **overrides))
    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_auditor_gets_403_on_every_write(auditor_api, ghana_compact):
    contribution = ContributionFactory(compact=ghana_compact)
    plan = SustainabilityPlanFactory(compact=ghana_compact, requested=True)
    assert auditor_api.get("/api/v1/contributions/").status_code == 200
    writes = [
        ("post", "/api/v1/contributions/", payload(ghana_compact)),
        ("patch", f"/api/v1/contributions/{contribution.pk}/", {"description": "x"}),
        ("post", f"/api/v1/contributions/{contribution.pk}/verify/", {}),
        ("post", "/api/v1/sustainability-plans/", {"compact": ghana_compact.pk}),
        ("patch", f"/api/v1/sustainability-plans/{plan.pk}/", {"notes": "x"}),
        ("post", f"/api/v1/sustainability-plans/{plan.pk}/receive/", {}),
        ("post", f"/api/v1/sustainability-plans/{plan.pk}/follow-ups/",
         {"date": "2024-07-01", "note": "x"}),
    ]
    for method, url, data in writes:
        assert getattr(auditor_api, method)(url, data).status_code == 403, url


def test_no_delete_and_no_put(staff_api, ghana_compact):
    contribution = ContributionFactory(compact=ghana_compact)
    url = f"/api/v1/contributions/{contribution.pk}/"
    assert staff_api.delete(url).status_code == 405
    assert staff_api.put(url, payload(ghana_compact)).status_code == 405


def test_staff_verify_and_officers_may_not(staff_api, officer_api, ghana_compact):
    contribution = ContributionFactory(compact=ghana_compact, with_evidence=True)
    url = f"/api/v1/contributions/{contribution.pk}/verify/"
    assert officer_api.post(url).status_code == 403
    response = staff_api.post(url)
    assert response.status_code == 200
    assert response.json()["verified"] is True
    # verified is read-only in the representation
    staff_api.patch(f"/api/v1/contributions/{contribution.pk}/", {"verified": False})
    contribution.refresh_from_db()
    assert contribution.verified is True


def test_history_of_a_contribution(staff_api, ghana_compact):
    created = staff_api.post("/api/v1/contributions/", payload(ghana_compact)).json()
    staff_api.patch(f"/api/v1/contributions/{created['id']}/", {"amount_usd": "12.00"})
    history = staff_api.get(f"/api/v1/contributions/{created['id']}/history/").json()
    assert history["results"][0]["user"] == "staff"
    assert {"field": "amount_usd", "old": "10000.00", "new": "12.00"} in (
        history["results"][0]["changes"]
    )


# --- Attachments -------------------------------------------------------------------------

def test_evidence_is_uploaded_and_served_only_inside_the_country(
    officer_api, staff_api, api_for, ghana_compact, peru, private_files
):
    from compacts import services as compact_services
    from cpc.access.roles import EMBASSY_OFFICER
    from tests.compacts.factories import UserFactory

    upload = SimpleUploadedFile("receipt.pdf", EVIDENCE_PDF, "application/pdf")
    response = officer_api.post("/api/v1/contributions/", payload(ghana_compact,
                                evidence=upload), format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["has_evidence"] is True
    url = body["evidence_url"]
    assert url == f"/api/v1/contributions/{body['id']}/evidence/"
    stored = Contribution.objects.get().evidence
    assert (private_files / stored.name).exists()  # in private storage, not under MEDIA

    for client in (officer_api, staff_api):
        download = client.get(url)
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == EVIDENCE_PDF

    peru_officer = UserFactory(username="officer.pe")
    compact_services.user_assign_role(user=peru_officer, role=EMBASSY_OFFICER, countries=[peru])
    assert api_for(peru_officer).get(url).status_code == 404
    assert api_for(None).get(url).status_code in (401, 403)


def test_contribution_without_evidence_is_404_for_the_file(staff_api, ghana_compact):
    contribution = ContributionFactory(compact=ghana_compact)
    assert staff_api.get(f"/api/v1/contributions/{contribution.pk}/evidence/").status_code == 404


def test_plan_document_is_served_only_inside_the_country(staff_api, officer_api, api_for,
                                                          peru_compact, ghana_compact):
    plan = SustainabilityPlanFactory(compact=peru_compact, requested=True)
    document = SimpleUploadedFile("plan.pdf", PLAN_PDF, "application/pdf")
    response = staff_api.post(f"/api/v1/sustainability-plans/{plan.pk}/receive/",
                              {"received_on": "2024-06-01", "document": document},
                              format="multipart")
    assert response.status_code == 200, response.json()
    url = response.json()["document_url"]
    assert b"".join(staff_api.get(url).streaming_content) == PLAN_PDF
    assert officer_api.get(url).status_code == 404  # Ghana officer, Peru plan


# --- Sustainability plans ----------------------------------------------------------------

def test_plan_representation_nests_measures(staff_api, ghana_compact):
    plan = SustainabilityPlanFactory(compact=ghana_compact)
    MeasureFactory(plan=plan, category="training", responsible_institution="Police academy")
    response = staff_api.get("/api/v1/sustainability-plans/", {"compact": ghana_compact.pk})
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert {"id", "compact", "status", "requested_on", "due_on", "received_on",
            "measures"} <= set(row)
    assert row["status"] == "not_requested"
    assert row["measures"] == [{
        "description": "Fund the shelter network from the national budget.",
        "category": "training", "responsible_institution": "Police academy",
        "status": "planned"}]


def test_staff_create_a_plan_with_measures_and_cannot_set_its_status(staff_api, ghana_compact):
    response = staff_api.post("/api/v1/sustainability-plans/", {
        "compact": ghana_compact.pk, "status": "accepted",
        "measures": [{"description": "Budget line", "category": "budget_line",
                      "responsible_institution": "Ministry of Finance"}]})
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "not_requested"
    assert len(response.json()["measures"]) == 1
    again = staff_api.post("/api/v1/sustainability-plans/", {"compact": ghana_compact.pk})
    assert again.status_code == 400 and "compact" in again.json()


def test_officer_cannot_create_or_move_plans(officer_api, ghana_compact):
    plan = SustainabilityPlanFactory(compact=ghana_compact)
    assert officer_api.post("/api/v1/sustainability-plans/",
                            {"compact": ghana_compact.pk}).status_code == 403
    assert officer_api.post(f"/api/v1/sustainability-plans/{plan.pk}/request/",
                            {"due_on": "2030-01-01"}).status_code == 403


def test_status_moves_and_409_on_impossible_moves(staff_api, ghana_compact):
    plan = SustainabilityPlanFactory(compact=ghana_compact)
    base = f"/api/v1/sustainability-plans/{plan.pk}"
    assert staff_api.post(f"{base}/accept/").status_code == 409
    assert staff_api.post(f"{base}/receive/").status_code == 409
    # The server dates the request: a client may send today's date (as v1.0 clients do),
    # never another.
    with recorded_as_of(noon(dt.date(2024, 1, 10))):
        refused = staff_api.post(f"{base}/request/",
                                 {"requested_on": "2023-06-01", "due_on": "2024-04-10"})
        assert refused.status_code == 400 and "requested_on" in refused.json()
        response = staff_api.post(f"{base}/request/",
                                  {"requested_on": "2024-01-10", "due_on": "2024-04-10"})
    assert response.status_code == 200, response.json()
    assert response.json()["requested_at"].startswith("2024-01-10")
    assert response.json()["status"] == "requested"
    assert response.json()["is_overdue"] is True  # long past 10 April 2024
    conflict = staff_api.post(f"{base}/request/", {"due_on": "2030-01-01"})
    assert conflict.status_code == 409 and "detail" in conflict.json()
    assert staff_api.post(f"{base}/accept/").status_code == 409
    assert staff_api.post(f"{base}/receive/", {"received_on": "2024-04-02"}).json()["status"] == (
        "received")
    assert staff_api.post(f"{base}/accept/").json()["status"] == "accepted"
    for move in ("request", "receive", "accept"):
        assert staff_api.post(f"{base}/{move}/", {"due_on": "2030-01-01"}).status_code == 409
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACCEPTED


def test_request_with_due_date_before_request_is_400(staff_api, ghana_compact):
    plan = SustainabilityPlanFactory(compact=ghana_compact)
    with recorded_as_of(noon(dt.date(2024, 5, 1))):
        response = staff_api.post(f"/api/v1/sustainability-plans/{plan.pk}/request/",
                                  {"due_on": "2024-04-01"})
    assert response.status_code == 400
    assert "due_on" in response.json()


def test_plan_outside_scope_is_404_for_officer(officer_api, peru_compact):
    plan = SustainabilityPlanFactory(compact=peru_compact)
    assert officer_api.get(f"/api/v1/sustainability-plans/{plan.pk}/").status_code == 404
    assert officer_api.get(
        f"/api/v1/sustainability-plans/{plan.pk}/follow-ups/").status_code == 404
    assert officer_api.post(f"/api/v1/sustainability-plans/{plan.pk}/follow-ups/",
                            {"date": "2024-07-01", "note": "x"}).status_code == 404


def test_officer_follows_up_own_countrys_plan(officer_api, ghana_compact):
    plan = SustainabilityPlanFactory(compact=ghana_compact, requested=True)
    FollowUpFactory(plan=plan, date=dt.date(2024, 7, 1), note="First call")
    url = f"/api/v1/sustainability-plans/{plan.pk}/follow-ups/"
    response = officer_api.post(url, {"date": "2024-08-01", "note": "Met the ministry.",
                                      "next_step": "Draft due in September."})
    assert response.status_code == 201, response.json()
    assert response.json()["recorded_by"] == "officer.gh"
    listed = officer_api.get(url).json()
    assert [r["note"] for r in listed["results"]] == ["Met the ministry.", "First call"]
    assert {"date", "note", "next_step"} <= set(listed["results"][0])
    assert officer_api.post(url, {"date": "2024-08-01"}).status_code == 400
    assert SustainabilityPlan.objects.get().follow_ups.count() == 2
