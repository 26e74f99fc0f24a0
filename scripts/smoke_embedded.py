#!/usr/bin/env python3
"""Smoke test of the embedded default: run the README's run command on a free port with no
DATABASE_URL or REDIS_URL, fetch the login page and an API endpoint, kill the worker (the
web server must keep answering and a new worker must answer a ping), then press Ctrl-C (send
SIGINT) and check that the web server and the worker both stop.

Prints "N passed, N failed" so that CI reads the result.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
checks: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str = "") -> None:
    checks.append((name, ok, detail))
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(url: str, data: dict | None = None, token: str | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers=headers)
    with urllib.request.urlopen(req, timeout=20) as response:
        return response.status, response.read()


def check_worker_restart(base: str, env: dict) -> None:
    """Kill the worker's whole process group: the web server must go on answering, and the
    run command must start a new worker that answers a ping within 60 s."""
    pid_file = ROOT / "var" / "run.worker.pid"
    old = int(pid_file.read_text())
    os.killpg(old, signal.SIGKILL)
    status, body = request(f"{base}/accounts/login/")
    check("web server answers after the worker was killed",
          status == 200 and b"Sign in" in body, f"HTTP {status}")
    deadline = time.monotonic() + 60
    new = old
    while time.monotonic() < deadline and new == old:
        time.sleep(0.5)
        new = int(pid_file.read_text())
    answered = subprocess.run(
        [sys.executable, "manage.py", "check_worker", "--timeout",
         str(max(1, int(deadline - time.monotonic())))],
        cwd=ROOT, env=env | {"DJANGO_SETTINGS_MODULE": "cpc.settings.local"},
        capture_output=True, text=True)
    check("a new worker answers check_worker within 60 s",
          new != old and answered.returncode == 0,
          f"worker group {old} -> {new}: {(answered.stdout + answered.stderr).strip()[-300:]}")
    status, _ = request(f"{base}/accounts/login/")
    check("web server still answers", status == 200, f"HTTP {status}")


def main() -> int:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL",
                                                              "DJANGO_SETTINGS_MODULE"}}
    port = free_port()
    env["PORT"] = str(port)
    log_path = ROOT / "var" / "smoke-run.log"
    log_path.parent.mkdir(exist_ok=True)
    mail_dir = ROOT / "var" / "mail"
    mail_before = set(mail_dir.iterdir()) if mail_dir.exists() else set()
    log = log_path.open("w")
    # A shell started in the background ignores SIGINT; restore it so Ctrl-C is what we test.
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "run")], cwd=ROOT, env=env, stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        check_started(process, log_path, base)
        status, body = request(f"{base}/accounts/login/")
        check("login page", status == 200 and b"Sign in" in body, f"HTTP {status}")
        password = os.environ.get("DEMO_PASSWORD", "demo-pass-2024")
        colombia, upcoming = check_officer_api(base, password)
        check_report_mail(base, password, colombia, upcoming, mail_dir, mail_before)
        check_worker_restart(base, env)
    except Exception as error:  # report, then still stop the app
        check("embedded default answered", False, repr(error))
    finally:
        check_stopped(process)
        log.close()

    failed = sum(1 for _, ok, _ in checks if not ok)
    if failed:
        print(log_path.read_text()[-4000:])
    print(f"smoke: {len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


def check_started(process, log_path: Path, base: str) -> None:
    """Wait (up to 10 minutes) for the run command to say it is ready, then read what it
    printed."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and process.poll() is None:
        if "Press Ctrl-C to stop" in log_path.read_text():
            break
        time.sleep(1)
    output = log_path.read_text()
    check("run command prints the URL", f"{base}/" in output)
    check("run command prints the demo logins",
          all(name in output for name in ("tip.staff", "embassy.officer", "auditor")))
    check("worker answered a ping task", "Celery worker: ready" in output)


def check_officer_api(base: str, password: str) -> tuple[int, list]:
    """The officer's compacts through the API, and Colombia's dialogue of the day: its id
    and the planned dialogues."""
    _, body = request(f"{base}/api/v1/auth/token/",
                           {"username": "embassy.officer", "password": password})
    token = json.loads(body)["token"]
    _, body = request(f"{base}/api/v1/compacts/", token=token)
    countries = sorted(c["country_iso_code"] for c in json.loads(body)["results"])
    check("API lists the officer's compacts", countries == ["CO", "PE"], str(countries))
    colombia = next(c["id"] for c in json.loads(body)["results"]
                    if c["country_iso_code"] == "CO")
    _, body = request(f"{base}/api/v1/dialogues/?compact={colombia}", token=token)
    # Scheduled for the day of the load and prepared ten days before (key indicators
    # identified and shared, both recorded then): held and logged at once.
    upcoming = [d for d in json.loads(body)["results"] if d["status"] == "planned"]
    check("the officer has Colombia's prepared dialogue of the day to log",
          len(upcoming) == 1 and upcoming[0]["key_indicators"]
          and upcoming[0]["key_indicators_shared_via"]
          and upcoming[0]["key_indicators_shared_recorded_at"][:10]
          < upcoming[0]["scheduled_for"], str(upcoming))
    return colombia, upcoming


def check_report_mail(base: str, password: str, colombia: int, upcoming: list,
                      mail_dir: Path, mail_before: set) -> None:
    """The auditor requests a report; the worker renders it and mails its notification
    to var/mail/ (the run command's file backend; demo users are at example.org)."""
    status, body = request(f"{base}/api/v1/auth/token/",
                           {"username": "auditor", "password": password})
    auditor = json.loads(body)["token"]
    status, body = request(f"{base}/api/v1/reports/",
                           {"kind": "compact_oversight", "compact": colombia,
                            "fiscal_year": upcoming[0]["fiscal_year"] - 1}, token=auditor)
    check("the auditor requests a report", status == 202, f"HTTP {status}")

    def report_mail():
        if not mail_dir.exists():
            return []
        return [path for path in set(mail_dir.iterdir()) - mail_before
                if "Report ready" in path.read_text(errors="replace")]
    mail_deadline = time.monotonic() + 120
    while not report_mail() and time.monotonic() < mail_deadline:
        time.sleep(1)
    found = report_mail()
    check("the worker mails the report's notification to var/mail/",
          len(found) == 1 and "auditor@example.org" in found[0].read_text(),
          f"{len(found)} messages")


def check_stopped(process) -> None:
    """Press Ctrl-C: the run command, its web server and its worker must all stop."""
    process.send_signal(signal.SIGINT)
    try:
        code = process.wait(timeout=60)
        check("Ctrl-C stops the run command", True, f"exit code {code}")
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        check("Ctrl-C stops the run command", False, "still running after 60 s")
    time.sleep(1)
    # The run command records the process groups it started (web server, worker).
    pids_file = ROOT / "var" / "run.pids"
    groups = [int(p) for p in pids_file.read_text().split()] if pids_file.exists() else []
    leftovers = []
    for group in groups:
        try:
            os.killpg(group, 0)
            leftovers.append(group)
        except ProcessLookupError:
            pass
    check("web server and worker are gone", bool(groups) and not leftovers,
          f"process groups {groups}, still running: {leftovers}")


if __name__ == "__main__":
    sys.exit(main())
