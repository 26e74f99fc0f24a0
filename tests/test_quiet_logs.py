"""The log says what went wrong and nothing more: an expected refusal (a 403 for someone
outside their role) is one warning line without a traceback, and the embedded filesystem
broker brings no "No hostname was supplied" warning from kombu."""

import logging
import os
import subprocess
import sys
import time

import pytest
from kombu import Connection

from cpc.log_filters import ClientErrorsWithoutTraceback
from cpc.settings import base
from tests.worker import ROOT

NO_HOSTNAME = "No hostname was supplied"


def test_an_expected_403_is_one_warning_line_without_a_traceback(
        client, auditor_user, ghana_compact, caplog):
    client.force_login(auditor_user)
    with caplog.at_level(logging.INFO):
        # Auditors change nothing: the data-entry grid refuses them (PermissionDenied).
        response = client.get(f"/indicators/compact/{ghana_compact.pk}/data-entry/")
    assert response.status_code == 403
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert [(r.levelno, r.getMessage()) for r in refused] == [
        (logging.WARNING,
         f"Forbidden (Permission denied): /indicators/compact/{ghana_compact.pk}/data-entry/")]
    assert refused[0].exc_info is None
    assert "Traceback" not in caplog.text


def test_django_logs_each_record_once_through_the_root_handler():
    """Django's own console handler (DEBUG only) printed each warning a second time beside
    the root's formatted line; its records now reach the root's handler alone."""
    django_logger = logging.getLogger("django")
    assert django_logger.handlers == [] and django_logger.propagate
    assert logging.getLogger().handlers


def test_a_server_error_keeps_its_traceback():
    """Only client errors lose the traceback: a 5xx keeps what is needed to fix it."""
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_info = sys.exc_info()
    make = logging.getLogger("django.request").makeRecord
    server = make("django.request", logging.ERROR, __file__, 1, "Internal Server Error: /x/",
                  (), exc_info, extra={"status_code": 500})
    client_error = make("django.request", logging.WARNING, __file__, 1, "Forbidden: /x/", (),
                        exc_info, extra={"status_code": 403})
    keep = ClientErrorsWithoutTraceback()
    assert keep.filter(server) and server.exc_info == exc_info
    assert keep.filter(client_error) and client_error.exc_info is None


def test_the_embedded_broker_url_gives_kombu_its_host(caplog, tmp_path):
    """kombu warns when a URL names no host and falls back to 'localhost'; the embedded
    broker's URL names it, so reading it (as Celery does when it connects, clones a
    connection for its pool and prints its banner) is silent, and it is the same broker."""
    with caplog.at_level(logging.WARNING, logger="kombu"):
        connection = Connection(base.EMBEDDED_BROKER_URL)
        info = connection.info()
        connection.clone().info()
        uri = connection.as_uri()
    assert NO_HOSTNAME not in caplog.text
    assert info["transport"] == "filesystem" and info["hostname"] == "localhost"
    assert uri == "filesystem://:**@localhost//"  # what the bare form resolved to


@pytest.mark.worker
def test_a_worker_on_the_embedded_broker_starts_without_kombus_hostname_warning(tmp_path):
    """A real worker on the embedded default (no REDIS_URL: the filesystem transport), as
    ``scripts/run`` starts it, with its beat: its log has no "No hostname" warning."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "PYTEST_XDIST_WORKER"}}
    env |= {"DJANGO_SETTINGS_MODULE": "cpc.settings.test", "CELERY_BROKER_DIR": str(tmp_path),
            "CPC_TEST_SETTINGS_PROCESS": "main"}
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cpc", "worker", "--beat", "--pool=solo",
             "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule")],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while " ready." not in log.read_text() and time.monotonic() < deadline:
                assert worker.poll() is None, log.read_text()
                time.sleep(0.2)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    output = log.read_text()
    assert " ready." in output, output
    assert "Connected to filesystem://" in output
    assert NO_HOSTNAME not in output, output
