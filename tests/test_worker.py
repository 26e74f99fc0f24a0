import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from cpc.celery import ping
from tests.worker import ROOT

pytestmark = pytest.mark.worker


def test_real_worker_runs_a_task_through_the_broker(celery_worker_process):
    result = ping.delay()
    assert result.get(timeout=30) == "pong"
    assert result.task_id in celery_worker_process.output()


def test_check_worker_command_reports_a_ready_worker(celery_worker_process, capsys):
    call_command("check_worker", "--timeout", "30")
    assert "ready" in capsys.readouterr().out


def _test_settings_broker(environment: dict) -> list[str]:
    """The broker the test settings give a process started with ``environment``: its URL
    (Redis) or its folder (the filesystem broker)."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTEST_XDIST_WORKER", "CPC_TEST_SETTINGS_PROCESS", "REDIS_URL",
                        "CELERY_BROKER_DIR"}}
    code = ("import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'cpc.settings.test'; "
            "from django.conf import settings; print(settings.CELERY_BROKER_URL, "
            "settings.CELERY_BROKER_DIR, os.environ['CPC_TEST_SETTINGS_PROCESS'])")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env | environment,
                          capture_output=True, text=True, check=True).stdout.split()


def test_parallel_test_processes_take_brokers_of_their_own():
    """Under pytest-xdist two test processes must never share a Celery broker (one's worker
    would take the other's jobs, against the wrong test database); a worker subprocess,
    which inherits the test process's broker, must keep it."""
    url = "redis://127.0.0.1:6379/15"
    assert _test_settings_broker({"REDIS_URL": url})[0] == url
    main = _test_settings_broker({"REDIS_URL": url, "CELERY_BROKER_DIR": "/tmp/given"})
    assert main[1:] == ["/tmp/given", "main"]
    # The workers replace what pytest-xdist's main process set.
    inherited_from_main = {"REDIS_URL": url, "CELERY_BROKER_DIR": main[1],
                           "CPC_TEST_SETTINGS_PROCESS": "main"}
    first = _test_settings_broker(inherited_from_main | {"PYTEST_XDIST_WORKER": "gw0"})
    second = _test_settings_broker(inherited_from_main | {"PYTEST_XDIST_WORKER": "gw1"})
    assert first[0] == url and second[0] == "redis://127.0.0.1:6379/14"
    assert len({main[1], first[1], second[1]}) == 3 and first[2] == "gw0"
    # A Celery worker started by the second process keeps its broker.
    worker = {"REDIS_URL": second[0], "CELERY_BROKER_DIR": second[1],
              "CPC_TEST_SETTINGS_PROCESS": "gw1", "PYTEST_XDIST_WORKER": "gw1"}
    assert _test_settings_broker(worker) == second
    # Without Redis: the filesystem broker in the process's own folder.
    local = _test_settings_broker({"PYTEST_XDIST_WORKER": "gw1"})
    assert local[0] == "filesystem://localhost//"
    assert local[1].startswith(str(ROOT / "var" / "test-broker-"))
    # Within Redis's 16 databases, wherever the URL names its database.
    assert _test_settings_broker({"REDIS_URL": "redis://127.0.0.1:6379/0",
                                  "PYTEST_XDIST_WORKER": "gw1"})[0] == "redis://127.0.0.1:6379/15"
    assert _test_settings_broker({"REDIS_URL": "redis+socket:///run/redis.sock?db=2",
                                  "PYTEST_XDIST_WORKER": "gw3"})[0] == (
        "redis+socket:///run/redis.sock?db=15")


def test_more_test_processes_than_redis_databases_are_refused():
    with pytest.raises(subprocess.CalledProcessError) as refused:
        _test_settings_broker({"REDIS_URL": "redis://127.0.0.1:6379/15",
                               "PYTEST_XDIST_WORKER": "gw16"})
    assert "run at most 16 test processes" in refused.value.stderr
