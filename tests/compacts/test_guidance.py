"""Versioned program guidance: its rules, which version is in force, the admin where staff
keep it, and the view that serves its document only to signed-in roles."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from compacts import services
from compacts.models import (
    ERR_GUIDANCE_ENDS_BEFORE_START,
    ERR_GUIDANCE_PASSAGE,
    ERR_GUIDANCE_SAME_DAY,
    GuidanceDocument,
)
from tests.compacts.factories import GuidanceDocumentFactory
from tests.documents import pdf_bytes

GUIDANCE_PDF = pdf_bytes("CPC Partnership Monitoring Guidance.")

pytestmark = pytest.mark.django_db

PASSAGE = "Each compact sets annual targets for its performance indicators."


def pdf(name="guidance.pdf"):
    return SimpleUploadedFile(name, GUIDANCE_PDF, content_type="application/pdf")


class TestRules:
    def test_a_passage_must_be_about_targets(self):
        with pytest.raises(ValidationError) as error:
            services.guidance_document_create(
                title="Guidance", version="1", effective_from=dt.date(2024, 1, 1),
                targets_passage="Compacts hold an annual dialogue.")
        assert error.value.message_dict == {"targets_passage": [ERR_GUIDANCE_PASSAGE]}

    def test_a_version_cannot_end_before_it_starts(self):
        with pytest.raises(ValidationError) as error:
            services.guidance_document_create(
                title="Guidance", version="1", effective_from=dt.date(2024, 1, 1),
                effective_to=dt.date(2023, 12, 31))
        assert error.value.message_dict == {"effective_to": [ERR_GUIDANCE_ENDS_BEFORE_START]}

    def test_two_versions_cannot_take_effect_the_same_day(self):
        GuidanceDocumentFactory(effective_from=dt.date(2024, 1, 1))
        with pytest.raises(ValidationError) as error:
            services.guidance_document_create(title="Guidance", version="9",
                                              effective_from=dt.date(2024, 1, 1))
        assert error.value.message_dict == {"effective_from": [ERR_GUIDANCE_SAME_DAY]}

    def test_the_passage_is_kept_trimmed(self):
        guidance = services.guidance_document_create(
            title="Guidance", version="1", effective_from=dt.date(2024, 1, 1),
            targets_passage=f"  {PASSAGE}\n")
        assert guidance.targets_passage == PASSAGE


class TestInForce:
    def test_fiscal_year_bounds_decide(self):
        first = GuidanceDocumentFactory(effective_from=dt.date(2020, 1, 1))
        # Takes effect on the last day of FY2023 (30 September 2023): FY2023's version.
        last_day = GuidanceDocumentFactory(effective_from=dt.date(2023, 9, 30))
        assert GuidanceDocument.in_force_during(2022) == first
        assert GuidanceDocument.in_force_during(2023) == last_day
        assert GuidanceDocument.in_force_during(2019) is None
        assert GuidanceDocument.current(on=dt.date(2023, 9, 29)) == first

    def test_a_version_ends_the_day_before_the_next_or_on_its_end(self):
        first = GuidanceDocumentFactory(effective_from=dt.date(2020, 1, 1))
        second = GuidanceDocumentFactory(effective_from=dt.date(2022, 3, 1),
                                         effective_to=dt.date(2024, 1, 31))
        assert first.ends_on() == dt.date(2022, 2, 28)
        assert second.ends_on() == dt.date(2024, 1, 31)
        assert GuidanceDocument.current(on=dt.date(2024, 2, 1)) is None


class TestAdmin:
    def test_staff_add_a_version_with_its_document(self, client, staff_user, private_storage):
        client.force_login(staff_user)
        response = client.post("/admin/compacts/guidancedocument/add/", {
            "title": "CPC Partnership Monitoring Guidance", "version": "2.0",
            "effective_from": "2025-06-01", "effective_to": "", "document": pdf(),
            "targets_passage": PASSAGE, "summary": ""})
        assert response.status_code == 302, response.content.decode()[:2000]
        guidance = GuidanceDocument.objects.get()
        assert guidance.document and guidance.targets_passage == PASSAGE
        assert (private_storage / guidance.document.name).exists()
        assert guidance.history.get().history_user == staff_user

    def test_change_page_links_the_document_to_the_authorising_view(self, client, staff_user,
                                                                    private_storage):
        guidance = GuidanceDocumentFactory(document=pdf())
        client.force_login(staff_user)
        response = client.get(f"/admin/compacts/guidancedocument/{guidance.pk}/change/")
        assert response.status_code == 200
        link = guidance.document.url
        assert f'href="{link}"' in response.content.decode()
        # The link hands over to the view that checks the role before streaming the file.
        assert client.get(link).url == f"/compacts/guidance/{guidance.pk}/document/"

    def test_admin_refuses_a_passage_that_is_not_about_targets(self, client, staff_user):
        client.force_login(staff_user)
        response = client.post("/admin/compacts/guidancedocument/add/", {
            "title": "Guidance", "version": "1", "effective_from": "2025-06-01",
            "targets_passage": "Hold an annual dialogue.", "summary": ""})
        assert response.status_code == 200
        assert str(ERR_GUIDANCE_PASSAGE) in response.content.decode()
        assert not GuidanceDocument.objects.exists()

    def test_auditor_reads_but_cannot_change(self, client, auditor_user):
        guidance = GuidanceDocumentFactory()
        client.force_login(auditor_user)
        url = f"/admin/compacts/guidancedocument/{guidance.pk}/change/"
        assert client.get(url).status_code == 200
        client.post(url, {"title": "Changed", "version": guidance.version,
                          "effective_from": "2023-10-01"})
        guidance.refresh_from_db()
        assert guidance.title != "Changed"


class TestDocumentView:
    def test_every_role_downloads_it_as_an_attachment(self, client, staff_user, auditor_user,
                                                      ghana_officer, private_storage):
        guidance = GuidanceDocumentFactory(document=pdf("monitoring-guidance.pdf"))
        for user in (staff_user, auditor_user, ghana_officer):
            client.force_login(user)
            response = client.get(f"/compacts/guidance/{guidance.pk}/document/")
            assert response.status_code == 200
            assert response["Content-Disposition"].startswith("attachment;")
            assert b"".join(response.streaming_content) == GUIDANCE_PDF

    def test_anonymous_and_roleless_users_get_nothing(self, client, no_role_user,
                                                      private_storage):
        guidance = GuidanceDocumentFactory(document=pdf())
        url = f"/compacts/guidance/{guidance.pk}/document/"
        assert client.get(url).status_code == 302
        client.force_login(no_role_user)
        assert client.get(url).status_code == 403

    def test_a_version_without_document_is_a_404(self, client, staff_user):
        guidance = GuidanceDocumentFactory()
        client.force_login(staff_user)
        assert client.get(f"/compacts/guidance/{guidance.pk}/document/").status_code == 404
