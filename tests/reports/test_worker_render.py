"""End to end: the API queues a job, a REAL worker process renders it with WeasyPrint, and
the PDF read back says what the data says."""

import hashlib
import io
import re
import subprocess
import time

import pypdf
import pytest
from django.core.files.storage import storages
from django.urls import reverse

from reports.models import ReportJob
from tests.reports.factories import FISCAL_YEAR, reportable_compact

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Recommendation number → (start of its title, status printed in the report).
EXPECTED_CHECKS = {
    1: ("Key indicators identified", "Met"),
    2: ("Indicator data discussed", "Met"),
    3: ("Annual targets set", "Met"),
    4: ("Program guidance references", "Met"),
    5: ("Partner-government contributions", "Not met"),
    6: ("Sustainability discussed", "Not met"),
}


def wait_for_finished(job_id: int, timeout: float = 180) -> ReportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ReportJob.objects.get(pk=job_id)
        if job.status in ("succeeded", "failed"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"Report job {job_id} still {job.status} after {timeout} s")


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data,
                          capture_output=True, check=True).stdout.decode()


def test_requested_report_is_rendered_by_the_worker_and_says_what_the_data_says(
    celery_worker_process, staff_api, peru_compact, remove_report_files
):
    reportable_compact(peru_compact)

    # When staff request the compact report through the API
    response = staff_api.post("/api/v1/reports/", {
        "kind": "compact_oversight", "compact": peru_compact.pk, "fiscal_year": FISCAL_YEAR,
    })
    assert response.status_code == 202, response.content
    # The answer is read after the dispatch: a quick worker may have claimed the job already.
    assert response.json()["status"] in ("queued", "running")
    assert "detail" not in response.json()

    # Then the real worker renders it
    job = wait_for_finished(response.json()["id"])
    assert job.status == "succeeded", f"{job.error}\n{celery_worker_process.output()[-3000:]}"
    assert job.progress == 100
    assert job.attempts == 1
    assert job.dispatched and job.data_as_of and job.finished_at

    # And the stored PDF is the one downloaded, with its SHA-256
    download = staff_api.get(f"/api/v1/reports/{job.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    data = b"".join(download.streaming_content)
    assert data == storages["private"].open(job.pdf.name).read()
    assert data.startswith(b"%PDF-1.7")
    assert hashlib.sha256(data).hexdigest() == job.sha256

    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == job.page_count >= 5
    assert reader.metadata.title.startswith(peru_compact.title)
    assert reader.metadata.author.startswith("CPC Oversight")
    assert "GAO-23-105390" in reader.metadata.subject
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # tagged (PDF/UA)
    assert len(reader.outline) >= 3  # bookmarks from the h1 headings

    text = pdf_text(data)
    assert peru_compact.title in text
    assert f"Page 1 of {job.page_count}" not in text  # the cover has no footer
    assert f"Page 2 of {job.page_count}" in text
    checks_table = text.split("The six checks for FY2024", 1)[1]
    for number, (title, status) in EXPECTED_CHECKS.items():
        row = re.search(rf"^\s*{number}\s+{title}.*?\s(Met|Not met|Not applicable)\s",
                        checks_table, re.MULTILINE)
        assert row and row.group(1) == status, (number, checks_table[:2000])
    indicator_row = next(line for line in text.splitlines()
                         if "Child victims referred to care" in line and "%" in line)
    assert re.search(r"\b120\s+96\s+80%", indicator_row), indicator_row

    # And the verify endpoint recognises the file, and not a changed copy
    verify = staff_api.post(reverse("report-verify"),
                            {"file": io.BytesIO(data)}, format="multipart")
    assert verify.json() == {"match": True, "report": job.pk, "sha256": job.sha256}
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    verify = staff_api.post(reverse("report-verify"),
                            {"file": io.BytesIO(bytes(changed))}, format="multipart")
    assert verify.json()["match"] is False
    assert verify.json()["report"] is None


def test_program_report_is_rendered_by_the_worker(
    celery_worker_process, auditor_api, ghana_compact, peru_compact, remove_report_files
):
    reportable_compact(ghana_compact)
    reportable_compact(peru_compact)

    response = auditor_api.post("/api/v1/reports/", {
        "kind": "program_oversight", "fiscal_year": FISCAL_YEAR,
    })
    assert response.status_code == 202, response.content

    job = wait_for_finished(response.json()["id"])
    assert job.status == "succeeded", job.error
    text = pdf_text(storages["private"].open(job.pdf.name).read())
    assert "Portfolio and timeline of partnerships" in text
    assert ghana_compact.title in text and peru_compact.title in text
    assert f"Page 2 of {job.page_count}" in text
