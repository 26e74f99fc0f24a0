"""Redis down (cache and Celery broker): every request path still answers, none waits long.

Against real Redis URLs that fail: a closed local port (refused at once) and a port that
accepts connections and never answers (every read waits for the socket timeout).
"""

import logging
import socket
import threading
import time

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from redis.exceptions import RedisError
from rest_framework.test import APIClient

from cpc.cache import LOCAL_SECONDS, UNREACHABLE
from cpc.settings.base import redis_cache_settings
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
    # The throttle could not read the request's count from Redis, and says so; it counted
    # in the process's memory, Redis uncalled after the failed read (cpc/cache.py).
    warnings = [r.getMessage() for r in caplog.records if r.name == "cpc.cache"]
    assert [m.split(":")[0] for m in warnings] == [
        "Cache unavailable, get served from this process's memory"]
    assert "ConnectionError" in warnings[0]
    assert cache.breaker_open


def test_token_endpoint_answers_in_seconds_when_redis_hangs(redis_at, silent_redis_url,
                                                            ghana_officer, settings):
    redis_at(silent_redis_url)
    timeout = settings.CACHES["default"]["OPTIONS"]["socket_timeout"]

    response, elapsed = timed(lambda: APIClient().post(
        TOKEN_URL, {"username": "officer.gh", "password": PASSWORD}))

    assert response.status_code == 200, response.content
    # The throttle's read, given up after the socket timeout; its write is not tried (the
    # breaker).
    assert elapsed < timeout + 2, f"the token request took {elapsed:.1f} s"


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
    settings.SESSION_REFRESH_SECONDS = 0  # a session write on every request

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


def test_every_cache_operation_is_served_from_the_process_memory(redis_at, caplog, settings):
    """While Redis is away the cache keeps working in the process's own memory, each entry
    kept at most LOCAL_SECONDS (cpc/cache.py)."""
    settings.CACHE_BREAKER_SECONDS = 0  # every operation calls Redis (no breaker pause)
    redis_at(REFUSING_REDIS_URL)
    cache.local_cache.clear()

    with caplog.at_level(logging.WARNING, logger="cpc.cache"):
        assert cache.get("k") is None and cache.get("k", "default") == "default"
        assert cache.set("k", 1) is None and cache.get("k") == 1
        assert cache.set_many({"a": 1, "b": 2}) == []
        assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
        assert cache.has_key("a") and not cache.has_key("c")
        assert cache.add("k", 5) is False and cache.add("n", 5) is True
        assert cache.incr("n") == 6 and cache.decr("n") == 5
        with pytest.raises(ValueError):
            cache.incr("missing")
        assert cache.touch("k") is True
        assert cache.delete("k") is True and cache.get("k") is None
        assert cache.delete_many(["a"]) is None and cache.get("a") is None
        assert cache.get_or_set("g", 7) == 7 and cache.get("g") == 7
        cache.set("forever", 1, None)
        local = cache.local_cache
        left = local._expire_info[local.make_and_validate_key("forever")] - time.time()
        assert 0 < left <= LOCAL_SECONDS
        assert cache.clear() is None and cache.get("b") is None
    assert len([r for r in caplog.records if r.name == "cpc.cache"]) >= 13


def test_errors_other_than_an_unreachable_redis_still_raise(settings):
    """Only a Redis that cannot be reached is ignored, not a bug or a misconfiguration:
    here a server that answers, but not as Redis (a protocol error)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)

        def answer_as_http():
            connection, _ = server.accept()
            with connection:
                connection.recv(1024)
                connection.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

        threading.Thread(target=answer_as_http, daemon=True).start()
        settings.CACHES = {"default": redis_cache_settings(
            f"redis://127.0.0.1:{server.getsockname()[1]}/0")}
        with pytest.raises(RedisError) as raised:
            cache.get("k")
    assert not isinstance(raised.value, UNREACHABLE)
