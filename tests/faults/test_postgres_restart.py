"""PostgreSQL stopped and restarted under a running gunicorn and Celery worker: requests and
tasks recover by themselves.

A private PostgreSQL cluster of the test's own (initdb in a temporary folder, a free port),
never the machine's server; gunicorn with the production settings, so each of its workers
keeps a persistent connection (CONN_MAX_AGE) that the restart kills. Django's health check
(CONN_HEALTH_CHECKS) finds the dead connection before a request uses it and opens a new one.
The worker closes its connection after each task (Celery's Django fix-up), so its next task
connects afresh.
"""

import concurrent.futures
import contextlib
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest

from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
RECOVERY_SECONDS = 15


def postgres_bindir() -> Path | None:
    found = shutil.which("initdb")
    candidates = [Path(found).resolve().parent] if found else []
    candidates += [Path(p).parent for p in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                                                   reverse=True)]
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


BINDIR = postgres_bindir()

pytestmark = [
    pytest.mark.postgres_server,
    pytest.mark.skipif(BINDIR is None,
                       reason="PostgreSQL's server programs (initdb, pg_ctl) are not installed"),
]


class PrivateCluster:
    """initdb, pg_ctl start/stop/restart on a folder and a port of its own. As root the
    server runs as the ``postgres`` user (PostgreSQL refuses to run as root)."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="cpc-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.folder, user=self.user)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        result = subprocess.run([str(BINDIR / args[0]), *args[1:]], user=self.user,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout}{result.stderr}"
        return result

    def init(self):
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                 "--no-sync", "-E", "UTF8")

    def pg_ctl(self, action: str, *options: str):
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"),
                 "-w", "-t", "60", *options,
                 "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                       "-c fsync=off", action)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.url(database).replace("postgres://", "postgresql://"),
                               autocommit=True, connect_timeout=5)

    def destroy(self):
        if (self.data / "postmaster.pid").exists():
            subprocess.run([str(BINDIR / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                            "-w", "stop"], user=self.user, capture_output=True, timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def cluster():
    cluster = PrivateCluster()
    try:
        cluster.init()
        cluster.pg_ctl("start")
        with cluster.connect() as connection:
            connection.execute("CREATE DATABASE cpc")
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def app_env(cluster, tmp_path):
    """The production settings against the private cluster: persistent connections
    (CONN_MAX_AGE 60 s, checked before reuse), the embedded broker, no Redis."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))}
    return env | {
        "DJANGO_SETTINGS_MODULE": "cpc.settings.production",
        "DJANGO_SECRET_KEY": "restart-test-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1:8000",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": cluster.url("cpc"),
        "PRIVATE_STORAGE_ROOT": str(tmp_path / "private"),
        "CELERY_BROKER_DIR": str(tmp_path / "broker"),
        "DJANGO_SUPERUSER_PASSWORD": "restart-test-password",
        "DJANGO_LOG_LEVEL": "WARNING",
        # The API is called with a token for the superuser: its second factor is the
        # production smoke's subject, not this test's (scripts/smoke_production.py).
        "REQUIRE_MFA": "false",
    }


def manage(env: dict, *args: str):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stderr[-3000:]}"


@pytest.fixture
def gunicorn(app_env, tmp_path):
    manage(app_env, "migrate", "--noinput", "-v0")
    manage(app_env, "createsuperuser", "--noinput", "--username", "probe",
           "--email", "probe@example.org")
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cpc.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(WORKERS), "--timeout", "30"],
        cwd=ROOT, env=app_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", tmp_path / "gunicorn.log")
    try:
        deadline = time.monotonic() + 60
        while server.get("/healthz")[0] != 200:
            assert process.poll() is None, f"gunicorn exited:\n{server.log()}"
            assert time.monotonic() < deadline, f"gunicorn did not answer:\n{server.log()}"
            time.sleep(0.3)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


@pytest.fixture
def celery_worker(gunicorn, app_env, tmp_path):
    """A Celery worker (prefork, as in production) on the same database; the test sends it
    tasks through the embedded broker, from a process with the same settings."""
    log_path = tmp_path / "worker.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cpc", "worker", "--concurrency=1",
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=app_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while " ready." not in log_path.read_text():
            assert process.poll() is None, f"the worker exited:\n{log_path.read_text()}"
            assert time.monotonic() < deadline, f"no worker:\n{log_path.read_text()}"
            time.sleep(0.3)
        yield lambda: worker_runs_a_database_task(app_env, log_path)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def worker_runs_a_database_task(env: dict, log_path: Path) -> str:
    """The daily reminders task (it reads plans and dialogues) through the worker: what
    it returned, or why not."""
    code = ("from contributions.tasks import send_reminders; "
            "print(send_reminders.apply_async(retry=False).get(timeout=60))")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    if result.returncode:
        return f"failed: {result.stderr[-1500:]}\n{log_path.read_text()[-1500:]}"
    return (result.stdout.strip().splitlines() or [""])[-1]


class Server:
    def __init__(self, base: str, log_path: Path):
        self.base = base
        self.log_path = log_path
        self.token = None

    def log(self) -> str:
        return self.log_path.read_text()[-4000:]

    def get(self, path: str, *, token: str | None = None, data: dict | None = None):
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        body = None
        if data is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(data).encode()
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except OSError as error:  # refused, reset: the server itself is down
            return 0, str(error).encode()

    def sign_in(self) -> str:
        status, body = self.get("/api/v1/auth/token/", data={
            "username": "probe", "password": "restart-test-password"})
        assert status == 200, body
        return json.loads(body)["token"]

    def round(self, token: str) -> list[tuple[str, int]]:
        """One request of each kind: the health check and an API page read from the
        database (the compacts list, authenticated by the token, a row of its own)."""
        return [("/healthz", self.get("/healthz")[0]),
                ("/api/v1/compacts/", self.get("/api/v1/compacts/", token=token)[0])]


def app_connections(cluster) -> int:
    with cluster.connect() as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'cpc' "
            "AND pid <> pg_backend_pid()").fetchone()[0]


def hold_a_connection_in_every_worker(server: Server, cluster, token: str):
    """Concurrent requests until each gunicorn worker has served one and kept its
    connection open: without persistent connections there would be none to kill."""
    deadline = time.monotonic() + 20
    with concurrent.futures.ThreadPoolExecutor(WORKERS * 2) as pool:
        while app_connections(cluster) < WORKERS:
            assert time.monotonic() < deadline, "the workers keep no database connection"
            list(pool.map(lambda _: server.get("/api/v1/compacts/", token=token),
                          range(WORKERS * 4)))


def poll_until_healthy(server: Server, token: str) -> tuple[float, list]:
    """Requests one after the other until a whole round answers 200; returns the seconds
    it took and every failed request."""
    started = time.monotonic()
    failures = []
    while time.monotonic() - started < RECOVERY_SECONDS:
        answers = server.round(token)
        failures += [(path, status) for path, status in answers if status != 200]
        if all(status == 200 for _, status in answers):
            return time.monotonic() - started, failures
        time.sleep(0.2)
    pytest.fail(f"not recovered within {RECOVERY_SECONDS} s: {failures}\n{server.log()}")


def test_requests_recover_after_postgresql_stops_and_restarts(cluster, gunicorn,
                                                               celery_worker):
    server = gunicorn
    token = server.sign_in()
    assert [status for _, status in server.round(token)] == [200, 200]
    assert celery_worker() == "0"  # no reminder due on an empty database
    hold_a_connection_in_every_worker(server, cluster, token)

    # PostgreSQL stops: /healthz says so, at once, naming the database
    cluster.pg_ctl("stop", "-m", "fast")
    started = time.monotonic()
    status, body = server.get("/healthz")
    down_seconds = time.monotonic() - started
    assert status == 503, body
    assert json.loads(body)["database"] == "unavailable"
    assert down_seconds < 5, f"/healthz took {down_seconds:.1f} s while the database was down"

    # It starts again: requests answer 200 again by themselves
    cluster.pg_ctl("start")
    after_start, start_failures = poll_until_healthy(server, token)
    hold_a_connection_in_every_worker(server, cluster, token)

    # It restarts under the running server (every kept connection is killed)
    cluster.pg_ctl("restart", "-m", "fast")
    after_restart, restart_failures = poll_until_healthy(server, token)

    print(f"\n/healthz while stopped: {status} in {down_seconds:.2f} s; "
          f"after start: recovered in {after_start:.2f} s, failed requests "
          f"{len(start_failures)} {start_failures}; after restart: recovered in "
          f"{after_restart:.2f} s, failed requests {len(restart_failures)} "
          f"{restart_failures}")
    assert len(start_failures) <= 1, start_failures
    assert len(restart_failures) <= 1, restart_failures
    # Every later request is answered too, by every worker (concurrent requests reach all).
    with concurrent.futures.ThreadPoolExecutor(WORKERS * 2) as pool:
        later = list(pool.map(lambda _: server.get("/api/v1/compacts/", token=token)[0],
                              range(WORKERS * 6)))
    assert later == [200] * len(later), later
    # And the worker's next task reads the database as before.
    assert celery_worker() == "0"
