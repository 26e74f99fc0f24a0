"""Faults end to end: a report requested while the broker refuses connections is kept, and a
REAL worker renders it once the broker is back and the beat sweeper has handed it over."""

import time

import pytest

from reports.models import ReportJob
from reports.tasks import sweep_stale_jobs
from tests.reports.factories import FISCAL_YEAR, reportable_compact
from tests.reports.test_worker_render import wait_for_finished

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_report_requested_while_the_broker_is_down_is_rendered_once_it_is_back(
    celery_worker_process, staff_api, peru_compact, broker_down, remove_report_files
):
    reportable_compact(peru_compact)

    # Given a broker URL that refuses connections, when staff request a report
    started = time.monotonic()
    response = staff_api.post("/api/v1/reports/", {
        "kind": "compact_oversight", "compact": peru_compact.pk, "fiscal_year": FISCAL_YEAR,
    })
    elapsed = time.monotonic() - started

    # Then the request is answered at once, not after kombu's retries (it was a 500 after
    # ~19 s), and the job is saved, queued and waiting for the queue
    assert response.status_code == 202, response.content
    assert elapsed < 10, f"the request took {elapsed:.1f} s"
    body = response.json()
    assert body["status"] == "queued" and body["dispatched"] is False
    assert "127.0.0.1:1" in body["enqueue_error"]
    job = ReportJob.objects.get(pk=body["id"])
    assert job.status == "queued" and not job.dispatched and job.attempts == 0

    # When the broker is back and the beat task sweeps (run by the worker itself)
    broker_down.restore()
    sweep_stale_jobs.delay()

    # Then the worker renders the job that was kept
    job = wait_for_finished(job.pk)
    assert job.status == "succeeded", f"{job.error}\n{celery_worker_process.output()[-3000:]}"
    assert job.dispatched and job.enqueue_error == "" and job.attempts == 1
    assert job.heartbeat_at is not None and job.heartbeat_at >= job.started_at
