"""Redis down (cache and Celery broker): every request path still answers, none waits long.

Against real Redis URLs that fail: a closed local port (refused at once) and a port that
accepts connections and never answers (every read waits for the socket timeout).
"""

import logging
import time

import pytest
from axes.models import AccessAttempt
from rest_framework.test import APIClient

from reports import services as report_services
from reports.models import ReportJob

from .conftest import REFUSING_REDIS_URL

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "pass-for-tests"  # tests.compacts.factories.UserFactory


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_token_endpoint_signs_in_with_redis_refusing_connections(redis_at, ghana_officer,
                                                                 caplog):
    redis_at(REFUSING_REDIS_URL)

    with caplog.at_level(logging.WARNING, logger="cpc.cache"):
        response, elapsed = timed(lambda: APIClient().post(
            TOKEN_URL, {"username": "officer.gh", "password": PASSWORD}))

    # It was a 500 (redis.exceptions.ConnectionError from the throttle's cache read).
    assert response.status_code == 200, response.content
    assert response.json()["token"]
    assert elapsed < 3, f"the token request took {elapsed:.1f} s"
    # The throttle could neither read nor record the request, and says so.
    warnings = [r.getMessage() for r in caplog.records if r.name == "cpc.cache"]
    assert any(m.startswith("Cache unavailable, get skipped: ConnectionError") for m in warnings)
    assert any(m.startswith("Cache unavailable, set skipped") for m in warnings)


def test_token_endpoint_answers_in_seconds_when_redis_hangs(redis_at, silent_redis_url,
                                                            ghana_officer, settings):
    redis_at(silent_redis_url)
    timeout = settings.CACHES["default"]["OPTIONS"]["socket_timeout"]

    response, elapsed = timed(lambda: APIClient().post(
        TOKEN_URL, {"username": "officer.gh", "password": PASSWORD}))

    assert response.status_code == 200, response.content
    # One read and one write of the throttle, each given up after the socket timeout.
    assert elapsed < 2 * timeout + 2, f"the token request took {elapsed:.1f} s"


def test_lockout_still_stops_password_guessing_without_redis(redis_at, ghana_officer,
                                                             settings):
    """The throttle fails open; the sign-in lockout counts in the database and holds."""
    redis_at(REFUSING_REDIS_URL)
    client = APIClient()

    answers = [client.post(TOKEN_URL, {"username": "officer.gh", "password": "wrong"})
               .status_code for _ in range(settings.AXES_FAILURE_LIMIT + 1)]

    assert answers[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert answers[-1] == 429
    assert AccessAttempt.objects.get(username="officer.gh").failures_since_start >= (
        settings.AXES_FAILURE_LIMIT)
    # Even the right password is refused now.
    assert client.post(TOKEN_URL, {"username": "officer.gh",
                                   "password": PASSWORD}).status_code == 429


def test_pages_answer_with_redis_down(redis_at, client, ghana_officer, settings):
    redis_at(REFUSING_REDIS_URL)
    settings.SESSION_SAVE_EVERY_REQUEST = True  # as in production: a write on every request

    login = client.post("/accounts/login/", {"username": "officer.gh", "password": PASSWORD})
    assert login.status_code == 302, login.content

    for path in ("/", "/reports/", "/api/v1/compacts/"):
        response, elapsed = timed(lambda path=path: client.get(path))
        assert response.status_code == 200, (path, response.status_code)
        assert elapsed < 3, f"{path} took {elapsed:.1f} s"


@pytest.mark.django_db(transaction=True)  # the report is handed to the broker on commit
def test_report_request_is_kept_with_redis_down(redis_at, staff_api, peru_compact):
    redis_at(REFUSING_REDIS_URL)

    response, elapsed = timed(lambda: staff_api.post("/api/v1/reports/", {
        "kind": "compact_oversight", "compact": peru_compact.pk, "fiscal_year": 2024}))

    assert response.status_code == 202, response.content
    assert elapsed < 5, f"the report request took {elapsed:.1f} s"
    assert response.json()["detail"] == report_services.MSG_BROKER_DOWN
    job = ReportJob.objects.get(pk=response.json()["id"])
    assert job.status == "queued" and not job.dispatched and "127.0.0.1:1" in job.enqueue_error


@pytest.mark.django_db(transaction=True)
def test_report_request_is_kept_when_the_broker_hangs(redis_at, silent_redis_url, staff_api,
                                                      peru_compact):
    from cpc.celery import app

    redis_at(silent_redis_url)
    limit = (app.conf.broker_connection_timeout
             + app.conf.broker_transport_options["socket_timeout"])

    response, elapsed = timed(lambda: staff_api.post("/api/v1/reports/", {
        "kind": "compact_oversight", "compact": peru_compact.pk, "fiscal_year": 2024}))

    assert response.status_code == 202, response.content
    assert elapsed < limit + 2, f"the report request took {elapsed:.1f} s"
    job = ReportJob.objects.get(pk=response.json()["id"])
    assert not job.dispatched and "Timeout" in job.enqueue_error


def test_healthz_is_503_naming_the_broker(redis_at, client, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    redis_at(REFUSING_REDIS_URL)

    response, elapsed = timed(lambda: client.get("/healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok",
                               "broker": "unavailable", "storage": "ok"}
    assert elapsed < 3
