"""Admin pages of records with a private file (contribution evidence, sustainability plan
document, report PDF) open, and link the file through the view that checks the user's scope."""

import datetime as dt
import hashlib
import re
from decimal import Decimal

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from compacts import services as compact_services
from contributions import services as contribution_services
from cpc.access.roles import EMBASSY_OFFICER
from cpc.models import recorded_as_of
from reports import services as report_services
from reports.models import ReportJob
from tests.compacts.factories import UserFactory
from tests.dialogues.factories import noon
from tests.documents import pdf_bytes
from tests.reports.factories import ReportJobFactory

# Tests of other rules that write figures of past fiscal years, locked by now.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]

EVIDENCE = pdf_bytes("Ministry budget extract.")
PLAN = pdf_bytes("Sustainability plan.")
REPORT = b"%PDF-1.7 oversight report"


@pytest.fixture
def private_folder(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}},
    }
    return tmp_path / "private"


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin.root", is_staff=True, is_superuser=True)


@pytest.fixture
def records_with_files(private_folder, superuser, peru_compact):
    contribution = contribution_services.contribution_create(
        user=superuser, compact=peru_compact, fiscal_year=2024, kind="funding",
        description="Shelter budget line", amount_local=Decimal("1000.00"), currency="PEN",
        amount_usd=Decimal("270.00"),
        evidence=SimpleUploadedFile("budget extract.pdf", EVIDENCE))
    plan = contribution_services.plan_create(user=superuser, compact=peru_compact)
    with recorded_as_of(noon(dt.date(2024, 1, 10))):
        plan = contribution_services.plan_request(user=superuser, plan=plan,
                                                   due_on=dt.date(2024, 6, 30))
    plan = contribution_services.plan_receive(
        user=superuser, plan=plan, received_on=dt.date(2024, 6, 1),
        document=SimpleUploadedFile("plan.pdf", PLAN))
    job = ReportJobFactory(compact=peru_compact, requested_by=superuser)
    name = report_services.store_pdf(job, REPORT)
    ReportJob.objects.filter(pk=job.pk).update(
        status="succeeded", progress=100, pdf=name, page_count=1,
        sha256=hashlib.sha256(REPORT).hexdigest())
    job.refresh_from_db()
    return [
        (f"/admin/contributions/contribution/{contribution.pk}/", contribution.evidence,
         EVIDENCE),
        (f"/admin/contributions/sustainabilityplan/{plan.pk}/", plan.document, PLAN),
        (f"/admin/reports/reportjob/{job.pk}/", job.pdf, REPORT),
    ]


def _downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


def test_admin_change_and_history_pages_of_records_with_files_open(client, superuser,
                                                                    records_with_files):
    client.force_login(superuser)
    for base, field_file, data in records_with_files:
        assert field_file.storage.exists(field_file.name)
        change = client.get(f"{base}change/")
        assert change.status_code == 200, base
        # The file is linked through the authorising view, never a storage URL.
        link = field_file.url
        assert link.startswith("/files/"), link
        assert f'href="{link}"' in change.content.decode(), base

        history = client.get(f"{base}history/")
        assert history.status_code == 200, base
        version = re.search(rf'href="{re.escape(base)}history/(\d+)/"',
                            history.content.decode())
        assert version, base
        assert client.get(f"{base}history/{version.group(1)}/").status_code == 200, base

        # Following the link serves the file's bytes to a user who may see the record.
        response = client.get(link, follow=True)
        assert response.status_code == 200, link
        assert _downloaded(response) == data


def test_file_links_check_the_users_countries(client, records_with_files, ghana):
    officer = UserFactory(username="officer.gh")
    compact_services.user_assign_role(user=officer, role=EMBASSY_OFFICER, countries=[ghana])
    client.force_login(officer)
    for _, field_file, _ in records_with_files:
        assert client.get(field_file.url, follow=True).status_code == 404


def test_file_links_need_a_sign_in_and_an_existing_file(client, superuser,
                                                        records_with_files):
    _, evidence, _ = records_with_files[0]
    response = client.get(evidence.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(superuser)
    assert client.get("/files/contributions/evidence/none.pdf").status_code == 404
    assert storages["private"].exists(evidence.name)
