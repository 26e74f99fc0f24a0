"""Check 4 cannot be typed into being (issue 23): a guidance version whose passage reads
"Targets are not required", with a one-byte document, backdated, entered and accepted by the
same person, does not meet it. A version counts once a second TIP Office staff member has
confirmed its passage; the API (``/api/v1/guidance-documents/``), the admin and the check
follow the same services."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from compacts import services
from compacts.models import GuidanceDocument
from cpc import uploads
from oversight.compliance import compact_compliance
from tests.documents import pdf_bytes

pytestmark = pytest.mark.django_db

FY = 2024
TODAY = dt.date(2024, 11, 1)
PASSAGE = ("Each compact sets annual targets for its performance indicators at the annual "
           "dialogue.")
API_FIELDS = {"id", "title", "version", "effective_from", "targets_passage", "document_url",
              "recorded_by", "recorded_at", "confirmed_by", "confirmed_at", "is_sample"}
URL = "/api/v1/guidance-documents/"


def check4(compact):
    checks = compact_compliance(compact=compact, fiscal_year=FY, today=TODAY)
    return next(c for c in checks if c.recommendation == 4)


def document(data=None, name="guidance.pdf"):
    return SimpleUploadedFile(name, pdf_bytes("CPC monitoring guidance.") if data is None
                              else data, content_type="application/pdf")


def payload(**extra):
    return {"title": "CPC Partnership Monitoring Guidance", "version": "2.0",
            "effective_from": "2023-10-01", "targets_passage": PASSAGE,
            "document": document(), **extra}


@pytest.fixture(autouse=True)
def _private(private_storage):
    return private_storage


def test_the_issues_attempt_does_not_meet_check_4(staff_api, ghana_compact):
    # A one-byte document is refused on its field.
    response = staff_api.post(URL, payload(targets_passage="Targets are not required",
                                           document=document(b"x", "guidance.txt")),
                              format="multipart")
    assert response.status_code == 400
    assert response.json() == {"document": [
        str(uploads.ERR_TEXT_TOO_SHORT).format(size=1, minimum=100)]}
    # With a real document, backdated, it is recorded, stamped with the server's time...
    response = staff_api.post(URL, payload(targets_passage="Targets are not required",
                                           recorded_at="2023-01-01T00:00:00Z"),
                              format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["recorded_by"] == "staff" and body["confirmed_by"] is None
    assert dt.datetime.fromisoformat(body["recorded_at"]) > timezone.now() - dt.timedelta(
        minutes=5)
    # ...its author cannot confirm it...
    confirm = staff_api.post(f"{URL}{body['id']}/confirm/")
    assert confirm.status_code == 409
    assert confirm.json() == {"detail": str(services.ERR_GUIDANCE_CONFIRM_OWN)}
    # ...and unconfirmed, it does not meet check 4.
    result = check4(ghana_compact)
    assert result.status == "not_met"
    assert "no second TIP Office staff member has confirmed yet" in result.detail


def test_a_second_staff_member_confirms_and_the_check_is_met(staff_api, supervisor_api,
                                                             ghana_compact):
    pk = staff_api.post(URL, payload(), format="multipart").json()["id"]
    response = supervisor_api.post(f"{URL}{pk}/confirm/")
    assert response.status_code == 200
    body = response.json()
    assert body["confirmed_by"] == "supervisor" and body["confirmed_at"]
    assert set(body) == API_FIELDS
    assert body["is_sample"] is False  # a version staff record is never a sample
    result = check4(ghana_compact)
    assert result.status == "met" and "(confirmed on " in result.detail
    again = supervisor_api.post(f"{URL}{pk}/confirm/")
    assert again.status_code == 409


def test_every_role_reads_staff_write(api_for, staff_api, auditor_api, officer_api,
                                      no_role_user):
    pk = staff_api.post(URL, payload(), format="multipart").json()["id"]
    for client in (auditor_api, officer_api):
        listing = client.get(URL)
        assert listing.status_code == 200 and listing.json()["count"] == 1
        assert set(listing.json()["results"][0]) == API_FIELDS
        assert client.post(URL, payload(version="3.0"), format="multipart").status_code == 403
        assert client.post(f"{URL}{pk}/confirm/").status_code == 403
    assert api_for(no_role_user).get(URL).status_code == 403
    assert api_for(None).get(URL).status_code == 401
    assert GuidanceDocument.objects.get().confirmed_by is None


def test_confirming_needs_a_passage_and_a_document(staff_user, supervisor_api):
    no_passage = services.guidance_document_create(
        user=staff_user, title="Guidance", version="1", effective_from=dt.date(2023, 10, 1),
        document=document())
    response = supervisor_api.post(f"{URL}{no_passage.pk}/confirm/")
    assert response.status_code == 409
    assert response.json() == {"detail": str(services.ERR_GUIDANCE_CONFIRM_NO_PASSAGE)}
    no_document = services.guidance_document_create(
        user=staff_user, title="Guidance", version="2", effective_from=dt.date(2024, 10, 1),
        targets_passage=PASSAGE)
    response = supervisor_api.post(f"{URL}{no_document.pk}/confirm/")
    assert response.json() == {"detail": str(services.ERR_GUIDANCE_CONFIRM_NO_DOCUMENT)}


def test_changing_the_passage_clears_the_confirmation_and_history_keeps_it(
        staff_user, supervisor_user, ghana_compact):
    guidance = services.guidance_document_create(
        user=staff_user, title="Guidance", version="1", effective_from=dt.date(2023, 10, 1),
        targets_passage=PASSAGE, document=document())
    services.guidance_document_confirm(user=supervisor_user, guidance=guidance)
    assert check4(ghana_compact).status == "met"
    services.guidance_document_update(user=supervisor_user, guidance=guidance, data={
        "targets_passage": "Targets are encouraged where practical."},
        reason="The published passage was misquoted")
    guidance.refresh_from_db()
    assert guidance.confirmed_by is None and guidance.confirmed_at is None
    assert check4(ghana_compact).status == "not_met"
    latest = guidance.history.first()
    assert latest.history_change_reason.startswith("The published passage was misquoted")
    assert "Confirmation withdrawn" in latest.history_change_reason
    assert guidance.history.filter(confirmed_by=supervisor_user).exists()
    # The one who changed the passage is not its author: they may confirm; the author not.
    with pytest.raises(services.StateConflict):
        services.guidance_document_confirm(user=staff_user, guidance=guidance)


def test_admin_stamps_the_author_and_refuses_the_authors_confirmation(
        client, staff_user, supervisor_user, ghana_compact):
    client.force_login(staff_user)
    response = client.post("/admin/compacts/guidancedocument/add/", {
        "title": "CPC Partnership Monitoring Guidance", "version": "3.0",
        "effective_from": "2023-10-01", "effective_to": "", "targets_passage": PASSAGE,
        "summary": "", "document": document(),
        # Read-only in the admin: a posted confirmation is ignored.
        "confirmed_by": supervisor_user.pk, "confirmed_at": "2023-10-02 00:00:00"})
    assert response.status_code == 302, response.content.decode()[:3000]
    guidance = GuidanceDocument.objects.get()
    assert guidance.recorded_by == staff_user and guidance.recorded_at
    assert guidance.confirmed_by is None
    changelist = "/admin/compacts/guidancedocument/"
    refused = client.post(changelist, {"action": "confirm_passage",
                                       "_selected_action": [guidance.pk]}, follow=True)
    assert str(services.ERR_GUIDANCE_CONFIRM_OWN) in refused.content.decode().replace(
        "&#x27;", "'")
    guidance.refresh_from_db()
    assert guidance.confirmed_by is None
    client.force_login(supervisor_user)
    client.post(changelist, {"action": "confirm_passage", "_selected_action": [guidance.pk]})
    guidance.refresh_from_db()
    assert guidance.confirmed_by == supervisor_user
    assert check4(ghana_compact).status == "met"


def test_compact_page_shows_check_4_not_met_until_confirmed(client, staff_user,
                                                            supervisor_user, ghana_compact):
    guidance = services.guidance_document_create(
        user=staff_user, title="Guidance", version="1", effective_from=dt.date(2023, 10, 1),
        targets_passage=PASSAGE, document=document())
    client.force_login(staff_user)
    page = client.get(f"/compacts/{ghana_compact.pk}/", {"fiscal_year": FY})
    assert page.status_code == 200
    assert "no second TIP Office staff member has confirmed yet" in page.content.decode()
    services.guidance_document_confirm(user=supervisor_user, guidance=guidance)
    page = client.get(f"/compacts/{ghana_compact.pk}/", {"fiscal_year": FY})
    assert "references targets (confirmed on" in page.content.decode()
