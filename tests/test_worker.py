import pytest
from django.core.management import call_command

from cpc.celery import ping

pytestmark = pytest.mark.worker


def test_real_worker_runs_a_task_through_the_broker(celery_worker_process):
    result = ping.delay()
    assert result.get(timeout=30) == "pong"
    assert result.task_id in celery_worker_process.output()


def test_check_worker_command_reports_a_ready_worker(celery_worker_process, capsys):
    call_command("check_worker", "--timeout", "30")
    assert "ready" in capsys.readouterr().out
