"""Report jobs without the worker: validation, scope, the API contract, broker-down
handling, the stale-job sweeper, the report center page and deterministic rendering."""

import datetime as dt
import hashlib
import io
from unittest import mock

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.content import report_content
from reports.models import ERR_COMPACT_FORBIDDEN, ERR_COMPACT_REQUIRED, ReportJob
from reports.rendering import html_to_pdf, render_html
from tests.compacts.factories import CompactFactory, PartnerCountryFactory
from tests.dialogues.factories import ActionItemFactory, ParticipantFactory
from tests.indicators.factories import IndicatorFactory, ResultFactory, TargetFactory
from tests.reports.factories import FISCAL_YEAR, ReportJobFactory, reportable_compact

pytestmark = pytest.mark.django_db

AS_OF = dt.datetime(2025, 1, 15, 12, 0, tzinfo=dt.UTC)


def succeeded_job(storage, **fields) -> ReportJob:
    job = ReportJobFactory(**fields)
    name = services.store_pdf(job, b"%PDF-1.7 sample report bytes")
    ReportJob.objects.filter(pk=job.pk).update(
        status="succeeded", progress=100, pdf=name, page_count=1,
        sha256=hashlib.sha256(b"%PDF-1.7 sample report bytes").hexdigest(),
    )
    job.refresh_from_db()
    return job


# --- Model rules ---------------------------------------------------------------------------

def test_compact_report_needs_a_compact_and_program_report_forbids_one(staff_user, peru_compact):
    with pytest.raises(ValidationError) as error:
        ReportJob(kind="compact_oversight", fiscal_year=2024, requested_by=staff_user).full_clean()
    assert error.value.message_dict["compact"] == [ERR_COMPACT_REQUIRED]
    with pytest.raises(ValidationError) as error:
        ReportJob(kind="program_oversight", compact=peru_compact, fiscal_year=2024,
                  requested_by=staff_user).full_clean()
    assert error.value.message_dict["compact"] == [ERR_COMPACT_FORBIDDEN]


@pytest.mark.parametrize("fiscal_year", [2014, 2099])
def test_fiscal_year_must_be_sensible(staff_user, fiscal_year):
    with pytest.raises(ValidationError) as error:
        ReportJob(kind="program_oversight", fiscal_year=fiscal_year,
                  requested_by=staff_user).full_clean()
    assert "fiscal_year" in error.value.message_dict


def test_compact_report_year_must_be_one_the_compact_was_active(staff_api, peru_compact):
    response = staff_api.post("/api/v1/reports/", {
        "kind": "compact_oversight", "compact": peru_compact.pk, "fiscal_year": 2016})
    assert response.status_code == 400
    assert "fiscal_year" in response.json()


# --- API contract and scope ----------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_request_answers_202_with_the_job(staff_api, peru_compact):
    # transaction=True: the dispatch runs on commit, as in a real request.
    with mock.patch("reports.tasks.render_report.apply_async") as publish:
        response = staff_api.post("/api/v1/reports/", {
            "kind": "compact_oversight", "compact": peru_compact.pk, "fiscal_year": 2024})
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"id", "kind", "compact", "fiscal_year", "status", "progress",
                         "error", "requested_by", "requested_at", "finished_at", "sha256",
                         "page_count", "data_as_of", "download_url", "dispatched",
                         "enqueue_error"}
    assert body["status"] == "queued" and body["download_url"] is None
    publish.assert_called_once_with(args=[body["id"]], retry=False, ignore_result=True)
    assert ReportJob.objects.get(pk=body["id"]).dispatched


def test_auditor_may_request_a_program_report(auditor_api):
    response = auditor_api.post("/api/v1/reports/", {"kind": "program_oversight",
                                                     "fiscal_year": 2024})
    assert response.status_code == 202


def test_officer_cannot_request_a_program_report(officer_api):
    response = officer_api.post("/api/v1/reports/", {"kind": "program_oversight",
                                                     "fiscal_year": 2024})
    assert response.status_code == 403
    assert response.json()["detail"] == services.ERR_PROGRAM_REPORT_ROLE


def test_officer_cannot_request_another_countrys_compact_report(officer_api, peru_compact):
    response = officer_api.post("/api/v1/reports/", {
        "kind": "compact_oversight", "compact": peru_compact.pk, "fiscal_year": 2024})
    assert response.status_code == 400
    assert "compact" in response.json()


def test_ghana_officer_gets_404_for_a_peru_report(officer_api, ghana_compact, peru_compact,
                                                   private_storage, client, ghana_officer):
    peru = succeeded_job(private_storage, compact=peru_compact)
    ghana = succeeded_job(private_storage, compact=ghana_compact)
    program = ReportJobFactory(kind="program_oversight", compact=None)

    assert officer_api.get(f"/api/v1/reports/{peru.pk}/").status_code == 404
    assert officer_api.get(f"/api/v1/reports/{peru.pk}/download/").status_code == 404
    assert officer_api.get(f"/api/v1/reports/{program.pk}/").status_code == 404
    listed = [row["id"] for row in officer_api.get("/api/v1/reports/").json()["results"]]
    assert listed == [ghana.pk]
    assert officer_api.get(f"/api/v1/reports/{ghana.pk}/download/").status_code == 200

    client.force_login(ghana_officer)
    assert client.get(reverse("reports:report-download", args=[peru.pk])).status_code == 404
    page = client.get(reverse("reports:report-download", args=[ghana.pk]))
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"


def test_anonymous_users_are_sent_to_login_and_refused_by_the_api(client, api_for, peru_compact,
                                                                  private_storage):
    job = succeeded_job(private_storage, compact=peru_compact)
    for url in (reverse("reports:report-center"),
                reverse("reports:report-download", args=[job.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert api_for(None).get(f"/api/v1/reports/{job.pk}/download/").status_code == 401
    assert api_for(None).get("/api/v1/reports/").status_code == 401


def test_download_before_success_is_a_conflict(staff_api, peru_compact):
    job = ReportJobFactory(compact=peru_compact)
    response = staff_api.get(f"/api/v1/reports/{job.pk}/download/")
    assert response.status_code == 409
    assert response.json()["detail"] == services.ERR_NOT_READY.format(status="queued")


def test_verify_accepts_our_file_and_rejects_a_changed_byte(auditor_api, peru_compact,
                                                            private_storage):
    job = succeeded_job(private_storage, compact=peru_compact)
    data = private_storage.open(job.pdf.name).read()
    ours = auditor_api.post("/api/v1/reports/verify/", {"file": io.BytesIO(data)},
                            format="multipart")
    assert ours.json() == {"match": True, "report": job.pk, "sha256": job.sha256}
    changed = data[:-1] + bytes([data[-1] ^ 1])
    theirs = auditor_api.post("/api/v1/reports/verify/", {"file": io.BytesIO(changed)},
                              format="multipart")
    assert theirs.json()["match"] is False and theirs.json()["report"] is None


def test_rerun_reuses_the_failed_job_and_refuses_others(staff_api, peru_compact):
    failed = ReportJobFactory(compact=peru_compact, status="failed", error="boom")
    with mock.patch("reports.tasks.render_report.apply_async"):
        response = staff_api.post(f"/api/v1/reports/{failed.pk}/rerun/")
    assert response.status_code == 202
    assert response.json()["id"] == failed.pk
    assert response.json()["status"] == "queued" and response.json()["error"] == ""
    queued = ReportJobFactory(compact=peru_compact)
    assert staff_api.post(f"/api/v1/reports/{queued.pk}/rerun/").status_code == 409


# --- Broker down and the stale-job sweeper ---------------------------------------------------

@pytest.mark.django_db(transaction=True)  # the dispatch runs on commit, as in a real request
def test_broker_down_keeps_the_job_and_tells_the_user(staff_api, peru_compact, broker_down):
    response = staff_api.post("/api/v1/reports/", {
        "kind": "compact_oversight", "compact": peru_compact.pk, "fiscal_year": 2024})
    assert response.status_code == 202
    body = response.json()
    assert body["detail"] == services.MSG_BROKER_DOWN
    assert body["status"] == "queued" and body["dispatched"] is False
    assert "OperationalError" in body["enqueue_error"]
    job = ReportJob.objects.get(pk=body["id"])
    assert job.status == "queued" and not job.dispatched

    # While the broker stays down the sweeper leaves it queued; once back, it dispatches it.
    assert services.report_sweep_stale().dispatched == 0
    broker_down.restore()
    with mock.patch("reports.tasks.render_report.apply_async") as publish:
        assert services.report_sweep_stale().dispatched == 1
    publish.assert_called_once_with(args=[job.pk], retry=False, ignore_result=True)
    job.refresh_from_db()
    assert job.dispatched and job.status == "queued" and job.enqueue_error == ""


def test_sweeper_fails_jobs_whose_worker_died(peru_compact, settings):
    settings.REPORTS_HEARTBEAT_TIMEOUT_MINUTES = 5
    now = timezone.now()
    minutes = dt.timedelta(minutes=1)
    # given a render whose worker was killed six minutes after its last heartbeat,
    killed = ReportJobFactory(compact=peru_compact, status="running", dispatched=True,
                              started_at=now - 7 * minutes, heartbeat_at=now - 6 * minutes)
    # one started long ago whose worker still ticks,
    alive = ReportJobFactory(compact=peru_compact, status="running", dispatched=True,
                             started_at=now - 120 * minutes, heartbeat_at=now - 1 * minutes)
    # one started four minutes ago that has not ticked since,
    young = ReportJobFactory(compact=peru_compact, status="running", dispatched=True,
                             started_at=now - 4 * minutes)
    # and one dispatched three hours ago that no worker ever picked up
    never = ReportJobFactory(compact=peru_compact, dispatched=True,
                             requested_at=now - 180 * minutes,
                             dispatched_at=now - 180 * minutes)

    result = services.report_sweep_stale(now=now)

    assert (result.failed_running, result.failed_queued) == (1, 1)
    for job in (killed, alive, young, never):
        job.refresh_from_db()
    assert killed.status == "failed"
    assert killed.error == services.ERR_WORKER_LOST.format(minutes="5 minutes")
    assert "no sign of life for 5 minutes" in killed.error and "Re-run" in killed.error
    assert never.status == "failed" and "No worker picked" in never.error
    assert alive.status == young.status == "running"


def test_render_task_limits_come_from_the_settings(settings):
    from reports.tasks import render_report

    assert render_report.soft_time_limit == settings.REPORTS_RENDER_SOFT_TIME_LIMIT
    assert render_report.time_limit == settings.REPORTS_RENDER_TIME_LIMIT
    # A killed worker's message goes back to the queue; a render outlives no heartbeat.
    assert render_report.acks_late and render_report.reject_on_worker_lost
    assert render_report.time_limit < settings.REPORTS_HEARTBEAT_TIMEOUT_MINUTES * 60


def test_a_retry_overwrites_the_same_file(peru_compact, private_storage):
    job = ReportJobFactory(compact=peru_compact)
    first = services.store_pdf(job, b"first attempt")
    second = services.store_pdf(job, b"second attempt")
    assert first == second == job.storage_name()
    assert private_storage.listdir(first.rsplit("/", 1)[0])[1] == [first.rsplit("/", 1)[1]]
    assert private_storage.open(second).read() == b"second attempt"


def test_render_service_succeeds_in_process(peru_compact, staff_user, private_storage):
    reportable_compact(peru_compact)
    job = ReportJobFactory(compact=peru_compact, requested_by=staff_user)
    job = services.report_render(job_id=job.pk)
    assert job.status == "succeeded", job.error
    assert private_storage.open(job.pdf.name).read()[:5] == b"%PDF-"
    assert services.report_render(job_id=job.pk) is None  # a duplicate delivery does nothing


def test_render_service_records_the_error(peru_compact, staff_user):
    job = ReportJobFactory(compact=peru_compact, requested_by=staff_user)
    with mock.patch("reports.services.html_to_pdf", side_effect=ValueError("bad layout")):
        job = services.report_render(job_id=job.pk)
    assert job.status == "failed" and "ValueError: bad layout" in job.error
    assert job.finished_at is not None


# --- Content: queries and determinism --------------------------------------------------------

@pytest.mark.parametrize("kind", ["compact_oversight", "program_oversight"])
def test_report_content_reads_a_fixed_number_of_queries(kind, django_assert_num_queries):
    compact = CompactFactory(country=PartnerCountryFactory())
    reportable_compact(compact, indicators=1)
    compact_id = compact.pk if kind == "compact_oversight" else None
    with CaptureQueriesContext(connection) as first:
        report_content(kind=kind, fiscal_year=FISCAL_YEAR, compact_id=compact_id,
                       data_as_of=AS_OF)

    # Ten times the indicators, targets, results, participants and action items.
    dialogue = compact.dialogues.get()
    for n in range(10):
        indicator = IndicatorFactory(compact=compact, code=f"MORE-{n}", is_key=n % 2 == 0)
        TargetFactory(indicator=indicator, fiscal_year=FISCAL_YEAR)
        ResultFactory(indicator=indicator, fiscal_year=FISCAL_YEAR)
        ParticipantFactory(dialogue=dialogue)
        ActionItemFactory(dialogue=dialogue)
    with django_assert_num_queries(len(first.captured_queries)):
        content = report_content(kind=kind, fiscal_year=FISCAL_YEAR, compact_id=compact_id,
                                 data_as_of=AS_OF)
    with django_assert_num_queries(0):
        render_html(content)  # the templates read nothing: all queries ran in the snapshot


def test_same_data_gives_the_same_bytes(peru_compact):
    reportable_compact(peru_compact)
    def pdf():
        return html_to_pdf(render_html(report_content(
            kind="compact_oversight", fiscal_year=FISCAL_YEAR, compact_id=peru_compact.pk,
            data_as_of=AS_OF)))

    first, second = pdf(), pdf()
    assert first.data == second.data and first.sha256 == second.sha256
    metadata = pypdf.PdfReader(io.BytesIO(first.data)).metadata
    assert metadata.creation_date == metadata.modification_date == AS_OF


# --- Report center page ----------------------------------------------------------------------

def test_report_center_shows_form_errors(client, staff_user, peru_compact):
    client.force_login(staff_user)
    response = client.post(reverse("reports:report-center"),
                           {"kind": "compact_oversight", "compact": "", "fiscal_year": 2024})
    assert response.status_code == 400
    assert str(ERR_COMPACT_REQUIRED) in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_report_center_queues_a_report_and_polls_while_it_runs(client, staff_user,
                                                               peru_compact):
    client.force_login(staff_user)
    with mock.patch("reports.tasks.render_report.apply_async"):
        response = client.post(reverse("reports:report-center"), {
            "kind": "compact_oversight", "compact": peru_compact.pk, "fiscal_year": 2024})
    assert response.status_code == 302
    page = client.get(reverse("reports:report-center")).content.decode()
    assert "is queued" in page
    partial = client.get(reverse("reports:job-table")).content.decode()
    assert 'hx-trigger="every 2s"' in partial and peru_compact.title in partial


@pytest.mark.django_db(transaction=True)
def test_report_center_warns_when_the_broker_is_down(client, staff_user, peru_compact,
                                                      broker_down):
    client.force_login(staff_user)
    response = client.post(reverse("reports:report-center"), {
        "kind": "compact_oversight", "compact": peru_compact.pk, "fiscal_year": 2024},
        follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert str(services.MSG_BROKER_DOWN) in page
    assert "Saved; the report queue is unreachable. It will start when the queue is back." in page


def test_program_report_lists_key_indicators_and_the_missing_checks(ghana_compact):
    from django.utils import timezone

    from reports.content import report_content
    from reports.rendering import render_html
    from tests.indicators.factories import IndicatorFactory, TargetFactory

    IndicatorFactory(compact=ghana_compact, code="KEY-1", is_key=True)
    other = IndicatorFactory(compact=ghana_compact, code="OTHER-1", is_key=False)
    # With its target, check 3 (which covers every indicator) has no reason to name it.
    TargetFactory(indicator=other, fiscal_year=2024)
    content = report_content(kind="program_oversight", fiscal_year=2024, compact_id=None,
                             data_as_of=timezone.now())
    html = render_html(content)
    # Key indicators only, with a pointer to the compact report for the rest.
    assert "KEY-1" in html and "OTHER-1" not in html
    assert "lists all 2 indicators" in html
    # Each missing check is named with what is missing (no guidance: check 4 not met).
    assert "4 not met" in html and "No program guidance document is recorded." in html
