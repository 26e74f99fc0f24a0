"""Private files in an S3-compatible bucket (PRIVATE_STORAGE_URL), against a real
S3-protocol server on this machine (moto's server mode, tests/s3.py): what is uploaded lands
in the bucket, is served only through the views that check role and country, never under a
public URL, and a report rendered by a real worker process is read back from the bucket."""

import hashlib
import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile

from contributions.models import Contribution
from cpc.settings.storage import private_storage
from reports.models import ReportJob
from tests.documents import pdf_bytes
from tests.reports.factories import FISCAL_YEAR, reportable_compact

PDF = pdf_bytes("Evidence kept in the bucket.")


def contribution_payload(compact, **overrides):
    return {"compact": compact.pk, "fiscal_year": 2024, "kind": "funding",
            "description": "Shelter budget line.", "amount_local": "120000.00",
            "currency": "GHS", "amount_usd": "10000.00"} | overrides


def test_the_setting_names_a_bucket_or_keeps_the_folder():
    assert private_storage(url="", root="/srv/private", environ={}) == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": "/srv/private", "base_url": None}}
    s3 = private_storage(url="s3://cpc-files/prod", root="/unused", environ={
        "AWS_S3_ENDPOINT_URL": "http://minio:9000", "AWS_ACCESS_KEY_ID": "k",
        "AWS_SECRET_ACCESS_KEY": "s"})
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    options = s3["OPTIONS"]
    assert (options["bucket_name"], options["location"]) == ("cpc-files", "prod")
    assert options["default_acl"] is None and options["file_overwrite"] is False
    assert (options["endpoint_url"], options["addressing_style"]) == ("http://minio:9000", "path")
    for bad in ("https://cpc-files", "s3://", "s3://bucket?acl=public-read", "cpc-files"):
        with pytest.raises(ImproperlyConfigured):
            private_storage(url=bad, root="", environ={})


@pytest.mark.django_db
@pytest.mark.usefixtures("past_years_open")
def test_evidence_goes_to_the_bucket_and_out_only_through_the_checking_view(
        s3_server, s3_bucket, officer_api, staff_api, api_for, ghana_compact, peru, client,
        ghana_officer):
    from compacts import services as compact_services
    from cpc.access.roles import EMBASSY_OFFICER
    from tests.compacts.factories import UserFactory

    upload = SimpleUploadedFile("receipt.pdf", PDF, "application/pdf")
    response = officer_api.post("/api/v1/contributions/", contribution_payload(
        ghana_compact, evidence=upload), format="multipart")
    assert response.status_code == 201, response.json()
    stored = Contribution.objects.get().evidence.name

    # In the bucket, under the configured prefix, with the bytes uploaded.
    assert s3_server.keys(s3_bucket) == [f"private/{stored}"]
    assert s3_server.read(s3_bucket, f"private/{stored}") == PDF
    # Private: the object grants nothing to everyone, and no page links to the bucket.
    grants = s3_server.client().get_object_acl(Bucket=s3_bucket, Key=f"private/{stored}")
    assert not [g for g in grants["Grants"] if g["Grantee"].get("URI", "").endswith("AllUsers")]
    assert Contribution.objects.get().evidence.url == f"/files/{stored}"

    url = response.json()["evidence_url"]
    for api in (officer_api, staff_api):
        download = api.get(url)
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF
        assert download["Cache-Control"] == "private, no-store"
    peru_officer = UserFactory(username="officer.pe")
    compact_services.user_assign_role(user=peru_officer, role=EMBASSY_OFFICER, countries=[peru])
    assert api_for(peru_officer).get(url).status_code == 404
    assert api_for(None).get(url).status_code in (401, 403)

    # The private-file URL a page or the admin shows hands over to the checking view.
    client.force_login(ghana_officer)
    assert client.get(f"/files/{stored}").status_code == 302


@pytest.mark.django_db
@pytest.mark.usefixtures("past_years_open")
def test_a_second_file_of_the_same_name_never_replaces_the_first(s3_server, s3_bucket,
                                                                 officer_api, ghana_compact):
    bodies = {"10.00": pdf_bytes("First."), "20.00": pdf_bytes("Second.")}
    for amount, body in bodies.items():
        upload = SimpleUploadedFile("receipt.pdf", body, "application/pdf")
        response = officer_api.post("/api/v1/contributions/", contribution_payload(
            ghana_compact, amount_usd=amount, evidence=upload), format="multipart")
        assert response.status_code == 201, response.json()
    first, second = (c.evidence.name for c in Contribution.objects.order_by("pk"))
    assert first != second
    assert s3_server.read(s3_bucket, f"private/{first}") == bodies["10.00"]
    assert s3_server.read(s3_bucket, f"private/{second}") == bodies["20.00"]


@pytest.mark.django_db
def test_healthz_checks_the_bucket(s3_server, s3_bucket, settings, client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["storage"] == "ok"
    assert s3_server.keys(s3_bucket) == []  # the probe leaves nothing behind

    missing = s3_server.environ("no-such-bucket")
    settings.STORAGES = settings.STORAGES | {"private": private_storage(
        url=missing["PRIVATE_STORAGE_URL"], root="", environ=missing)}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == "unavailable"


@pytest.fixture
def bucket_worker(celery_worker_process, s3_bucket):
    """A real worker process that keeps its files in the test's bucket: the suite's worker is
    stopped meanwhile, so that no other process takes the job."""
    from tests.worker import WorkerProcess

    celery_worker_process.stop()
    worker = WorkerProcess().start()  # inherits PRIVATE_STORAGE_URL and the AWS_* variables
    yield worker
    worker.stop()
    celery_worker_process.start()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_report_rendered_by_the_worker_is_kept_in_the_bucket(
        s3_server, s3_bucket, bucket_worker, staff_api, peru_compact):
    reportable_compact(peru_compact)
    response = staff_api.post("/api/v1/reports/", {
        "kind": "compact_oversight", "compact": peru_compact.pk, "fiscal_year": FISCAL_YEAR})
    assert response.status_code == 202, response.content

    deadline = time.monotonic() + 180
    while (job := ReportJob.objects.get(pk=response.json()["id"])).status not in (
            "succeeded", "failed") and time.monotonic() < deadline:
        time.sleep(0.3)
    assert job.status == "succeeded", f"{job.error}\n{bucket_worker.output()[-3000:]}"

    assert s3_server.keys(s3_bucket) == [f"private/{job.pdf.name}"]
    stored = s3_server.read(s3_bucket, f"private/{job.pdf.name}")
    assert hashlib.sha256(stored).hexdigest() == job.sha256

    download = staff_api.get(f"/api/v1/reports/{job.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == stored
