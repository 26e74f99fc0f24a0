"""Uploads: types checked by content, the size limit before anything is stored, files served
only as sandboxed attachments, and replaced files removed from storage after commit."""

import datetime as dt
import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import Workbook

from compacts import services as compact_services
from contributions import services as contribution_services
from contributions.models import Contribution
from cpc import uploads
from cpc.storage import FILE_CONTENT_SECURITY_POLICY
from oversight.models import GaoAgencyAction, GaoRecommendation
from reports import services as report_services
from reports.models import ReportJob
from tests.compacts.factories import GuidanceDocumentFactory
from tests.contributions.factories import ContributionFactory, SustainabilityPlanFactory
from tests.documents import pdf_bytes
from tests.reports.factories import ReportJobFactory

# Tests of other rules that write figures of past fiscal years, locked by now.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]

PDF = pdf_bytes("Budget extract, line 14.")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
CSV = "fiscal_year,amount\n2024,12 500\nAñasco,1\n".encode()
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["fiscal_year", "amount"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
PLAIN_ZIP = _zip({"evidence.html": HTML})
LEGACY_DOC = OLE + b"\x00" * 100 + "WordDocument".encode("utf-16-le") + b"\x00" * 100
INSTALLER = OLE + b"\x00" * 100 + "SummaryInformation".encode("utf-16-le") + b"\x00" * 100


def upload(name: str, data: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = settings.STORAGES | {
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}}}
    return tmp_path / "private"


def stored_files(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


# The validator -----------------------------------------------------------------------------


@pytest.mark.parametrize("name,data", [
    ("a.pdf", PDF), ("a.png", PNG), ("a.jpg", JPEG), ("a.gif", GIF), ("a.webp", WEBP),
    ("a.docx", DOCX), ("a.xlsx", _xlsx()), ("a.doc", LEGACY_DOC), ("a.csv", CSV),
    ("a.txt", b"Budget line 14: shelters.\r\n"),
])
def test_allowed_document_types_pass(name, data):
    uploads.validate_upload(upload(name, data))


@pytest.mark.parametrize("name,data", [
    ("page.html", HTML), ("drawing.svg", SVG), ("evidence.pdf", HTML),
    ("drawing.pdf", SVG), ("setup.exe", EXE), ("receipt.pdf", EXE), ("tool", ELF),
    ("archive.zip", PLAIN_ZIP), ("archive.docx", PLAIN_ZIP), ("setup.msi", INSTALLER),
    ("nul.csv", b"a,b\n1,\x00\n"), ("latin1.csv", "Añasco".encode("latin-1")),
    ("page.txt", b"  \n<p>hello</p>"), ("data.xml", b'<?xml version="1.0"?><a/>'),
    # Markup further in, behind a line of plain text.
    ("notes.txt", b"Meeting notes\n<script>alert(1)</script>\n"),
    ("budget.csv", b"line,amount\nshelters,<svg onload=alert(1)>\n"),
    ("link.txt", b"See the minutes: javascript:alert(1)\n"),
])
def test_other_content_is_refused_whatever_the_name(name, data):
    with pytest.raises(ValidationError) as error:
        uploads.validate_upload(upload(name, data))
    assert error.value.messages == [uploads.ERR_TYPE]
    assert "PDF" in uploads.ERR_TYPE and "CSV" in uploads.ERR_TYPE


def test_the_report_check_takes_only_a_pdf():
    uploads.validate_pdf_upload(upload("report.pdf", PDF))
    with pytest.raises(ValidationError) as error:
        uploads.validate_pdf_upload(upload("report.pdf", PNG))
    assert error.value.messages == [uploads.ERR_PDF_ONLY]


def test_size_limit_names_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        uploads.validate_upload(upload("big.pdf", PDF + b"x" * (2048 - len(PDF))))
    assert error.value.messages == ["The file is 2 KB; files may be at most 1 KB."]


def test_a_stored_file_is_not_checked_again(ghana_compact):
    contribution = ContributionFactory(compact=ghana_compact)
    contribution.evidence.save("old.html", ContentFile(HTML))  # stored before the rule
    contribution.refresh_from_db()
    contribution.full_clean()  # no error: the check applies to new uploads


# Every upload path refuses a bad file, with the field named -------------------------------


def test_api_contribution_evidence_is_checked(officer_api, ghana_compact, private_files):
    contribution = ContributionFactory(compact=ghana_compact)
    response = officer_api.patch(f"/api/v1/contributions/{contribution.pk}/",
                                 {"evidence": upload("receipt.pdf", HTML)}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"evidence": [uploads.ERR_TYPE]}
    assert stored_files(private_files) == []
    ok = officer_api.patch(f"/api/v1/contributions/{contribution.pk}/",
                           {"evidence": upload("receipt.pdf", PDF)}, format="multipart")
    assert ok.status_code == 200, ok.json()
    assert len(stored_files(private_files)) == 1


def test_api_plan_document_is_checked(staff_api, ghana_compact, private_files):
    plan = SustainabilityPlanFactory(compact=ghana_compact, requested=True)
    response = staff_api.post(f"/api/v1/sustainability-plans/{plan.pk}/receive/",
                              {"document": upload("plan.svg", SVG, "image/svg+xml")},
                              format="multipart")
    assert response.status_code == 400
    assert response.json() == {"document": [uploads.ERR_TYPE]}
    assert stored_files(private_files) == []


def test_report_verification_takes_only_a_pdf(auditor_api):
    response = auditor_api.post("/api/v1/reports/verify/", {"file": io.BytesIO(DOCX)},
                                format="multipart")
    assert response.status_code == 400
    assert response.json() == {"file": [uploads.ERR_PDF_ONLY]}


def test_page_evidence_upload_is_checked(client, ghana_officer, ghana_compact, private_files):
    contribution = ContributionFactory(compact=ghana_compact)
    client.force_login(ghana_officer)
    response = client.post(
        f"/contributions/compacts/{ghana_compact.pk}/contributions/{contribution.pk}/evidence/",
        {"evidence": upload("receipt.pdf", EXE)})
    assert response.status_code == 400
    assert str(uploads.ERR_TYPE) in response.content.decode()
    assert stored_files(private_files) == []


def test_page_new_contribution_evidence_is_checked(client, ghana_officer, ghana_compact,
                                                   private_files):
    client.force_login(ghana_officer)
    response = client.post(f"/contributions/compacts/{ghana_compact.pk}/", {
        "fiscal_year": 2024, "kind": "funding", "description": "Shelter budget line",
        "amount_local": "100", "currency": "GHS", "amount_usd": "10",
        "evidence": upload("budget.pdf", HTML, "text/html")})
    assert response.status_code == 400
    assert str(uploads.ERR_TYPE) in response.content.decode()
    assert not Contribution.objects.exists()


def test_gao_evidence_upload_is_checked(client, staff_user, private_files):
    client.force_login(staff_user)
    recommendation = GaoRecommendation.objects.get(number=4)
    response = client.post(f"/oversight/recommendations/{recommendation.pk}/actions/", {
        "date": "2024-12-01", "description": "Issued guidance", "evidence": "The guidance",
        "evidence_file": upload("guidance.pdf", SVG)})
    assert response.status_code == 400
    assert str(uploads.ERR_TYPE) in response.content.decode()
    assert not GaoAgencyAction.objects.filter(description="Issued guidance").exists()


def test_guidance_document_is_checked():
    with pytest.raises(ValidationError) as error:
        compact_services.guidance_document_create(
            title="Guidance", version="9", effective_from=dt.date(2024, 1, 1),
            document=upload("guidance.pdf", HTML))
    assert error.value.message_dict == {"document": [uploads.ERR_TYPE]}


# The size limit: a 60 MB upload is a clear 400 and nothing is written ---------------------


def test_a_60_mb_upload_is_a_400_and_nothing_is_stored(officer_api, ghana_compact,
                                                       private_files, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    contribution = ContributionFactory(compact=ghana_compact)
    big = PDF + b"0" * (60 * 1024 * 1024)
    response = officer_api.patch(f"/api/v1/contributions/{contribution.pk}/",
                                 {"evidence": upload("scan.pdf", big)}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"evidence": ["The file is 60 MB; files may be at most 20 MB."]}
    assert stored_files(private_files) == []
    assert [p for p in tmp_path.iterdir() if p.is_file()] == []  # no temporary file left
    contribution.refresh_from_db()
    assert not contribution.evidence


def test_a_too_large_upload_on_a_page_is_a_form_error(client, ghana_officer, ghana_compact,
                                                      private_files, settings):
    settings.UPLOAD_MAX_BYTES = 3 * 1024 * 1024
    contribution = ContributionFactory(compact=ghana_compact)
    client.force_login(ghana_officer)
    response = client.post(
        f"/contributions/compacts/{ghana_compact.pk}/contributions/{contribution.pk}/evidence/",
        {"evidence": upload("scan.pdf", PDF + b"0" * (4 * 1024 * 1024))})
    assert response.status_code == 400
    assert "files may be at most 3 MB" in response.content.decode()
    assert stored_files(private_files) == []


def test_the_limited_handler_keeps_a_file_under_the_limit(officer_api, ghana_compact,
                                                          private_files, settings):
    settings.UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    contribution = ContributionFactory(compact=ghana_compact)
    data = pdf_bytes("0" * (3 * 1024 * 1024))  # above the in-memory size: a temporary file
    response = officer_api.patch(f"/api/v1/contributions/{contribution.pk}/",
                                 {"evidence": upload("scan.pdf", data)}, format="multipart")
    assert response.status_code == 200, response.json()
    contribution.refresh_from_db()
    assert hashlib.sha256(contribution.evidence.read()).digest() == hashlib.sha256(data).digest()


# Serving: attachments, nosniff, a sandboxing CSP, for every view that serves a file --------


def _assert_served_safely(response, body: bytes | None = None):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == FILE_CONTENT_SECURITY_POLICY
    assert "no-store" in response["Cache-Control"]
    if body is not None:
        assert b"".join(response.streaming_content) == body


@pytest.fixture
def stored(ghana_compact):
    contribution = ContributionFactory(compact=ghana_compact)
    contribution.evidence.save("receipt.html", ContentFile(HTML))
    plan = SustainabilityPlanFactory(compact=ghana_compact)
    plan.document.save("plan.pdf", ContentFile(PDF))
    guidance = GuidanceDocumentFactory()
    guidance.document.save("guidance.pdf", ContentFile(PDF))
    action = GaoAgencyAction.objects.create(
        recommendation=GaoRecommendation.objects.get(number=4), date=dt.date(2024, 12, 1),
        description="Sample action", evidence="Sample evidence")
    action.evidence_file.save("evidence.pdf", ContentFile(PDF))
    return {"contribution": contribution, "plan": plan, "guidance": guidance, "action": action}


def test_evidence_page_serves_an_attachment_that_cannot_run(client, staff_user, stored):
    client.force_login(staff_user)
    response = client.get(f"/contributions/evidence/{stored['contribution'].pk}/")
    _assert_served_safely(response, HTML)
    # A file stored before the type check is still never served as a page.
    assert response["Content-Type"] == "application/octet-stream"


def test_plan_document_page_serves_safely(client, staff_user, stored):
    client.force_login(staff_user)
    response = client.get(f"/contributions/plans/{stored['plan'].pk}/document/")
    _assert_served_safely(response, PDF)
    assert response["Content-Type"] == "application/pdf"


def test_guidance_document_page_serves_safely(client, auditor_user, stored):
    client.force_login(auditor_user)
    _assert_served_safely(client.get(f"/compacts/guidance/{stored['guidance'].pk}/document/"),
                          PDF)


def test_gao_evidence_page_serves_safely(client, auditor_user, stored):
    client.force_login(auditor_user)
    _assert_served_safely(client.get(
        f"/oversight/recommendations/actions/{stored['action'].pk}/evidence/"), PDF)


def test_api_evidence_serves_safely(staff_api, stored):
    _assert_served_safely(
        staff_api.get(f"/api/v1/contributions/{stored['contribution'].pk}/evidence/"), HTML)


def test_api_plan_document_serves_safely(staff_api, stored):
    _assert_served_safely(
        staff_api.get(f"/api/v1/sustainability-plans/{stored['plan'].pk}/document/"), PDF)


@pytest.fixture
def succeeded_report(ghana_compact):
    job = ReportJobFactory(compact=ghana_compact)
    name = report_services.store_pdf(job, PDF)
    ReportJob.objects.filter(pk=job.pk).update(
        status="succeeded", progress=100, pdf=name, page_count=1,
        sha256=hashlib.sha256(PDF).hexdigest())
    return ReportJob.objects.get(pk=job.pk)


def test_report_download_page_serves_safely(client, staff_user, succeeded_report):
    client.force_login(staff_user)
    response = client.get(f"/reports/{succeeded_report.pk}/download/")
    _assert_served_safely(response, PDF)
    assert response["Content-Type"] == "application/pdf"


def test_api_report_download_serves_safely(staff_api, succeeded_report):
    _assert_served_safely(staff_api.get(f"/api/v1/reports/{succeeded_report.pk}/download/"), PDF)


# Replaced files leave storage once the new one is committed -------------------------------


def test_replaced_evidence_is_deleted_after_commit(ghana_compact, ghana_officer, private_files,
                                                   django_capture_on_commit_callbacks):
    contribution = ContributionFactory(compact=ghana_compact)
    contribution.evidence.save("first.pdf", ContentFile(PDF))
    first = contribution.evidence.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        contribution_services.contribution_update(
            contribution=Contribution.objects.get(pk=contribution.pk), user=ghana_officer,
            data={"evidence": upload("second.pdf", PDF)})
    # Until the transaction commits, both files are there.
    assert len(stored_files(private_files)) == 2
    for callback in callbacks:
        callback()
    contribution.refresh_from_db()
    assert stored_files(private_files) == [contribution.evidence.name]
    assert contribution.evidence.name != first


def test_a_rolled_back_replacement_keeps_the_old_file(ghana_compact, ghana_officer,
                                                      private_files,
                                                      django_capture_on_commit_callbacks):
    contribution = ContributionFactory(compact=ghana_compact)
    contribution.evidence.save("first.pdf", ContentFile(PDF))
    first = contribution.evidence.name
    with (django_capture_on_commit_callbacks(execute=True) as callbacks,
          pytest.raises(RuntimeError), transaction.atomic()):
        contribution_services.contribution_update(
            contribution=Contribution.objects.get(pk=contribution.pk), user=ghana_officer,
            data={"evidence": upload("second.pdf", PDF)})
        raise RuntimeError("the request failed after the save")
    assert callbacks == []
    contribution.refresh_from_db()
    assert contribution.evidence.name == first
    assert first in stored_files(private_files)


def test_replacing_a_plan_document_on_the_page_deletes_the_old_one(
        client, staff_user, ghana_compact, private_files, django_capture_on_commit_callbacks):
    plan = SustainabilityPlanFactory(compact=ghana_compact, requested=True)
    plan.document.save("draft.pdf", ContentFile(PDF))
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/contributions/compacts/{ghana_compact.pk}/sustainability-plan/receive/",
            {"received_on": "2024-03-01", "document": upload("final.pdf", PDF)})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert stored_files(private_files) == [plan.document.name]
    assert "final" in plan.document.name

