"""A real Celery worker process for tests, against the test database and the test broker."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    settings = connection.settings_dict
    if settings["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{settings['NAME']}"


def worker_log_path() -> Path:
    """The log of the worker this test process starts."""
    return ROOT / "var" / f"test-worker-{os.getpid()}.log"


class WorkerProcess:
    def __init__(self):
        self.log_path = worker_log_path()
        # The worker's mail goes to files here (its settings' file backend).
        self.mail_dir = ROOT / "var" / f"test-mail-{os.getpid()}"
        self.process = None

    def start(self, timeout: float = 60):
        from cpc.celery import app

        app.control.purge()
        self.log_path.parent.mkdir(exist_ok=True)
        env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "cpc.settings.test",
            "DATABASE_URL": test_database_url(),
            "CPC_TEST_MAIL_DIR": str(self.mail_dir),
        }
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cpc", "worker", "--pool=solo",
             "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Celery worker exited early:\n{self.output()}")
            if " ready." in self.output():
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Celery worker did not start in {timeout} s:\n{self.output()}")

    def output(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()
        import shutil

        shutil.rmtree(self.mail_dir, ignore_errors=True)

    def mail(self) -> list[str]:
        """The messages the worker has sent, as text, oldest first."""
        if not self.mail_dir.exists():
            return []
        return [path.read_text() for path in sorted(self.mail_dir.iterdir(),
                                                    key=lambda p: p.stat().st_mtime)]
