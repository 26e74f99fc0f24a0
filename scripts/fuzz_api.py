#!/usr/bin/env python3
"""Fuzz the REST API with schemathesis against its own OpenAPI schema, as TIP staff and as an
embassy officer.

It makes a fresh database (beside DATABASE_URL's on the same PostgreSQL server, or a SQLite
file when DATABASE_URL is not set), migrates it and loads the demo data; then, for each role
side by side, a copy of that database, gunicorn with the test settings on a free port, a
token for the role's demo user, and schemathesis against ``/api/schema/`` with a bounded
number of examples per operation and a time budget. Checked: no server error (5xx), every
status code declared in the schema, every response matching its schema, and the declared
content type. It prints the requests made and the failures per check, then "N passed, N
failed" (operations), and exits 1 on any failure. The databases, the servers and the broker
folders go when it ends.

    .venv/bin/python scripts/fuzz_api.py [--max-examples 8] [--max-time 100]
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHECKS = ("not_a_server_error", "status_code_conformance", "response_schema_conformance",
          "content_type_conformance")
ROLES = ("tip.staff", "embassy.officer")
SERVER_ERROR = re.compile(r'HTTP/[0-9.]+" 5[0-9][0-9] ')
ACCESS_LINE = re.compile(r'HTTP/[0-9.]+" [0-9]{3} ')
# Signing in and out is not fuzzed with a role's token: revoking it would end the run.
EXCLUDED_PATHS = ("/api/v1/auth/token/",)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kwargs)


class Database:
    """A database of the run's own: PostgreSQL beside DATABASE_URL's, or a SQLite file."""

    def __init__(self, work: Path):
        base = os.environ.get("DATABASE_URL", "")
        self.admin_url = None
        if base.startswith(("postgres://", "postgresql://")):
            self.name = f"cpc_fuzz_{os.getpid()}_{secrets.token_hex(3)}"
            parts = urlsplit(base)
            self.admin_url = urlunsplit(parts._replace(path="/postgres"))
            self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
        else:
            self.url = f"sqlite:///{work / 'fuzz.sqlite3'}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(sql)

    def __enter__(self):
        if self.admin_url:
            self._admin(f'CREATE DATABASE "{self.name}"')
        self.copies: list[str] = []
        return self

    def copy(self, label: str) -> str:
        """The URL of a copy of the seeded database, so that each role's writes stay its own
        (PostgreSQL copies it from the template, which nothing may be connected to)."""
        label = re.sub(r"[^a-z0-9]", "_", label)
        if not self.admin_url:
            source = Path(urlsplit(self.url).path.removeprefix("/"))
            target = source.with_name(f"{source.stem}_{label}.sqlite3")
            shutil.copyfile(source, target)
            return f"sqlite:///{target}"
        name = f"{self.name}_{label}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
        self.copies.append(name)
        return urlunsplit(urlsplit(self.url)._replace(path=f"/{name}"))

    def __exit__(self, *exc):
        if self.admin_url:
            for name in [*self.copies, self.name]:
                self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def token_for(base: str, username: str, password: str) -> str:
    request = urllib.request.Request(
        f"{base}/api/v1/auth/token/", method="POST",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.load(response)["token"]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer {url} within {seconds:.0f} s")


def fuzz(role: str, base: str, token: str, env: dict, work: Path, args) -> dict:
    """Run schemathesis for one role; its counts from the server's access log and the JUnit
    report."""
    junit, events = work / f"{role}.xml", work / f"{role}.ndjson"
    server_log = work / f"{role}.server.log"
    command = [
        str(BIN / "st"), "run", f"{base}/api/schema/",
        # The token also fetches the schema, which is for signed-in users only.
        "--header", f"Authorization: Token {token}",
        "--checks", ",".join(CHECKS),
        "--max-examples", str(args.max_examples),
        "--max-time", str(args.max_time),
        "--seed", str(args.seed),
        # One thread: on CPython 3.11 before 3.11.8, hypothesis parsing lambdas in two
        # threads at once can raise "AST constructor recursion depth mismatch" (gh-106905),
        # a failure of the fuzzer, not of the API.
        "--workers", "1",
        "--generation-database", "none",
        "--phases", "examples,coverage,fuzzing",
        "--report", "junit,ndjson",
        "--report-junit-path", str(junit), "--report-ndjson-path", str(events),
        "--no-color", "--output-truncate", "true",
    ]
    for path in EXCLUDED_PATHS:
        command += ["--exclude-path", path]
    started = time.monotonic()
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    (work / f"{role}.log").write_text(completed.stdout + completed.stderr)
    # Every request the server answered, from its access log (one line each).
    requests = len(ACCESS_LINE.findall(server_log.read_text()))
    failures: Counter = Counter()
    operations = failed_operations = 0
    details: list[str] = []
    if junit.exists():
        for case in ET.parse(junit).getroot().iter("testcase"):
            operations += 1
            problems = case.findall("failure") + case.findall("error")
            if problems:
                failed_operations += 1
            for problem in problems:
                text = (problem.get("message") or "") + "\n" + (problem.text or "")
                named = [check for check in CHECKS if _check_named(check, text)]
                for check in named or ["other"]:
                    failures[check] += 1
                details.append(f"{case.get('name')}: {text.strip()[:600]}")
    return {"role": role, "seconds": time.monotonic() - started, "requests": requests,
            "operations": operations, "failed_operations": failed_operations,
            "failures": failures, "details": details, "exit": completed.returncode,
            "output": completed.stdout[-3000:] + completed.stderr[-2000:]}


CHECK_TITLES = {
    "not_a_server_error": ("Server error",),
    "status_code_conformance": ("Undocumented HTTP status code",),
    "response_schema_conformance": ("Response violates schema",),
    "content_type_conformance": ("Undocumented Content-Type", "Missing Content-Type",
                                 "Malformed media type"),
}


def _check_named(check: str, text: str) -> bool:
    return check in text or any(title in text for title in CHECK_TITLES[check])


class Server:
    """gunicorn with the test settings on a free port, its access log in ``log``."""

    def __init__(self, env: dict, log: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env, self.log = env, log

    def __enter__(self):
        self._log = self.log.open("w")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "cpc.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "2", "--timeout", "60", "--access-logfile", "-"],
            cwd=ROOT, env=self.env | {"PYTHONUNBUFFERED": "1"}, stdout=self._log,
            stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(f"{self.base}/healthz")
        return self

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        self._log.close()

    def errors(self) -> list[str]:
        return [line for line in self.log.read_text().splitlines()
                if "Traceback" in line or SERVER_ERROR.search(line)]


def fuzz_role(role: str, database: "Database", env: dict, work: Path, password: str,
              args) -> tuple[dict, list[str]]:
    """One role against a server and a copy of the seeded database of its own: the roles run
    side by side, and neither sees the other's writes."""
    own = work / role
    env = env | {"DATABASE_URL": database.copy(role), "PRIVATE_STORAGE_ROOT": str(own / "private"),
                 "CELERY_BROKER_DIR": str(own / "broker")}
    own.mkdir()
    shutil.copytree(work / "private", own / "private", dirs_exist_ok=True)
    with Server(env, work / f"{role}.server.log") as server:
        result = fuzz(role, server.base, token_for(server.base, role, password), env, work, args)
    return result, server.errors()


def report(result: dict) -> None:
    counts = ", ".join(f"{check} {result['failures'][check]}" for check in CHECKS)
    other = result["failures"]["other"]
    print(f"fuzz: {result['role']}: {result['requests']} requests, "
          f"{result['operations']} operations, {result['failed_operations']} "
          f"failed; failures by check: {counts}"
          f"{f', other {other}' if other else ''} "
          f"({result['seconds']:.0f} s)", flush=True)
    for detail in result["details"][:40]:
        print(f"  {detail}", flush=True)
    if result["operations"] == 0:
        print(result["output"], flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=8)
    parser.add_argument("--max-time", type=int, default=100,
                        help="seconds of fuzzing per role (the roles run side by side)")
    parser.add_argument("--seed", type=int, default=20240930)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="cpc-fuzz-"))
    password = secrets.token_urlsafe(16)
    started = time.monotonic()
    results = []
    server_errors: list[str] = []
    with Database(work) as database:
        env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL"}}
        env |= {"DJANGO_SETTINGS_MODULE": "cpc.settings.test", "DATABASE_URL": database.url,
                "DEMO_PASSWORD": password, "PRIVATE_STORAGE_ROOT": str(work / "private"),
                "CELERY_BROKER_DIR": str(work / "broker"), "DJANGO_LOG_LEVEL": "ERROR",
                # Fuzzing is many bad sign-ins and requests from one address by design.
                "AXES_FAILURE_LIMIT": "1000000", "API_TOKEN_RATE": "100000/minute"}
        run([str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v0"], env)
        run([str(BIN / "python"), "manage.py", "seed_demo", "--force"], env,
            stdout=subprocess.DEVNULL)
        (work / "private").mkdir(exist_ok=True)
        print(f"fuzz: demo seeded ({time.monotonic() - started:.0f} s); "
              f"{', '.join(ROLES)} side by side", flush=True)
        with ThreadPoolExecutor(len(ROLES)) as pool:
            runs = [pool.submit(fuzz_role, role, database, env, work, password, args)
                    for role in ROLES]
            for done in runs:
                result, errors = done.result()
                results.append(result)
                server_errors += errors
                report(result)
        print(f"fuzz: server logs: {len(server_errors)} server errors", flush=True)
        for line in server_errors[:20]:
            print(f"  {line}", flush=True)
    operations = sum(r["operations"] for r in results)
    failed = sum(r["failed_operations"] for r in results)
    requests = sum(r["requests"] for r in results)
    print(f"fuzz: {requests} requests in {time.monotonic() - started:.0f} s", flush=True)
    print(f"{operations - failed} passed, {failed} failed", flush=True)
    if not failed and not server_errors and all(r["operations"] for r in results):
        shutil.rmtree(work, ignore_errors=True)
        return 0
    print(f"fuzz: logs and reports kept in {work}", flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
