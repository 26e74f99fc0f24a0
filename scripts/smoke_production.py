#!/usr/bin/env python3
"""Smoke test of the production stack, run natively the way the Docker image runs it.

The image (Dockerfile) copies the source tree to /app, runs ``pip install .`` and
``collectstatic`` with ``cpc.settings.production``, and starts every process from
WORKDIR /app: gunicorn, the Celery worker and Celery beat import the project from that
copy (the working directory comes first on ``sys.path``) and read ``templates/`` and
``static/`` there, while the dependencies come from the non-editable install. ``.ci/run``
builds the same thing in a temporary folder (a copy of the tree, not the source tree
itself, and a virtualenv of its own) and then calls this script with:

  APP_DIR   the copied tree (the image's /app), already installed and with static collected
  APP_VENV  the virtualenv of that install
  DATABASE_URL, REDIS_URL   a fresh PostgreSQL database and a Redis database of its own

Web and workers may run on different machines: the private files (evidence, reports) go to
an S3-compatible bucket (PRIVATE_STORAGE_URL), here a local S3-protocol server (moto's server
mode, from the test tools' virtualenv this script runs in), and gunicorn and the worker are
each given a private folder of their own, so a report the worker renders reaches the web
server only through the bucket.

This script migrates, loads the demo data with a random DEMO_PASSWORD, starts gunicorn
(production settings, SECURE_SSL_REDIRECT on, requests marked ``X-Forwarded-Proto: https``
as a trusted proxy would), a worker and beat; signs in through the login form, sets up the
second factor that production requires of TIP staff (REQUIRE_MFA: the key read from the
enrolment page, codes computed as an authenticator app does), signs in again with a TOTP
code, asks an API token with one, opens the main pages, has the worker render a report and
checks the PDF against its SHA-256, calls /healthz, signs in through an OpenID Connect
provider on loopback (tests/oidc_provider.py: PKCE, private_key_jwt), and stops every
process by its PID. It prints "smoke: N passed, N failed".
"""

import contextlib
import hashlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

SOURCE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(SOURCE_DIR))
from smoke_browser import (  # noqa: E402  (beside this script)
    Browser,
    check,
    checks,
    csrf_token,
    enrol_second_factor,
    free_port,
    sign_in_with_code,
    wait_for_health,
)

from tests.oidc_provider import OIDCProvider, client_key_pem  # noqa: E402  (the test IdP)
from tests.s3 import MotoServer  # noqa: E402  (the test tools' S3-protocol server)

APP_DIR = Path(os.environ["APP_DIR"]).resolve()
APP_VENV = Path(os.environ["APP_VENV"]).resolve()
WORK_DIR = APP_DIR.parent
LOG_DIR = WORK_DIR / "log"
BIN = APP_VENV / "bin"


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=APP_DIR, env=env,
                          capture_output=True, text=True, timeout=300)


def start(name: str, command: list[str], env: dict) -> subprocess.Popen:
    log = (LOG_DIR / f"{name}.log").open("w")
    # Its own session: the process and everything it forks form one group we can check.
    return subprocess.Popen(command, cwd=APP_DIR, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 30
    for process in processes.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
    # Children (gunicorn's workers, the worker's pool) leave with their parent; give them
    # a moment, then check that not one process of any group is left.
    while time.monotonic() < deadline and any(group_alive(p.pid) for p in processes.values()):
        time.sleep(0.2)
    for name, process in processes.items():
        left = group_alive(process.pid)
        check(f"{name} (pid {process.pid}) stopped with all its processes", not left,
              f"exit code {process.returncode}")
        if left:
            os.killpg(process.pid, signal.SIGKILL)


def smoke(browser: Browser, password: str, bucket: "Bucket") -> None:
    html = check_transport(browser)
    status, headers, _ = browser.post_form("/accounts/login/", {
        "csrfmiddlewaretoken": csrf_token(html), "username": "tip.staff", "password": password,
        "next": "/"})
    check("sign in through the login form (CSRF token, secure cookies)",
          status == 302 and headers.get("Location") == "/" and "sessionid" in browser.cookies,
          f"HTTP {status} {headers.get('Location')}")

    app = enrol_second_factor(browser)
    if app is not None:
        browser = sign_in_with_code(browser.base, password, app)
    check_pages(browser)

    status, _, body = browser.api("/api/v1/auth/token/", method="POST",
                                  payload={"username": "tip.staff", "password": password})
    check("no API token for the password alone (400 naming \"otp\")",
          status == 400 and "otp" in json.loads(body or b"{}"), f"HTTP {status} {body[:200]!r}")
    status, _, body = browser.api("/api/v1/auth/token/", method="POST", payload={
        "username": "tip.staff", "password": password, "otp": app.code() if app else ""})
    token = json.loads(body).get("token", "") if status == 200 else ""
    check("API token for the staff user, with a TOTP code", bool(token), f"HTTP {status}")

    check_report(browser, token, bucket)

    status, _, _ = browser.api("/api/v1/auth/token/", method="DELETE", token=token)
    after, _, _ = browser.api("/api/v1/me/", token=token)
    check("the token is revoked", status == 204 and after == 401, f"HTTP {status}, then {after}")


def check_transport(browser: Browser) -> bytes:
    """/healthz over plain HTTP, everything else redirected to HTTPS, the login page with
    its security headers and collected static files. Answers the login page."""
    status, body = wait_for_health(browser, 60)
    check("/healthz answers 200 over plain HTTP (exempt from the HTTPS redirect)",
          status == 200 and body.get("status") == "ok", f"HTTP {status} {body}")
    check("/healthz reports database, broker and storage",
          all(body.get(part) == "ok" for part in ("database", "broker", "storage")), str(body))

    status, headers, _ = browser.request("/accounts/login/", https=False)
    check("plain HTTP is redirected to HTTPS",
          status == 301 and headers.get("Location", "").startswith("https://"),
          f"HTTP {status} {headers.get('Location')}")

    status, headers, html = browser.request("/accounts/login/")
    check("login page over HTTPS (the proxy's X-Forwarded-Proto)",
          status == 200 and b"Sign in" in html, f"HTTP {status}")
    check("security headers on the login page",
          "script-src 'self'" in headers.get("Content-Security-Policy", "")
          and headers.get("X-Frame-Options") == "DENY"
          and headers.get("Permissions-Policy", "").startswith("camera=()")
          and "max-age" in headers.get("Strict-Transport-Security", ""),
          headers.get("Content-Security-Policy", "no CSP"))
    css = re.search(rb'href="(/static/vendor/uswds/css/uswds\.min\.[0-9a-f]{12}\.css)"', html)
    check("static files carry collectstatic's hashed names", bool(css))
    if css:
        status, headers, _ = browser.request(css.group(1).decode())
        check("WhiteNoise serves the collected style sheet",
              status == 200 and "text/css" in headers.get("Content-Type", ""), f"HTTP {status}")
    return html


def check_pages(browser: Browser) -> None:
    status, _, html = browser.request("/compacts/")
    compact_ids = re.findall(rb'href="/compacts/(\d+)/"', html)
    check("compact list", status == 200 and bool(compact_ids),
          f"HTTP {status}, {len(set(compact_ids))} compacts")
    compact = compact_ids[0].decode() if compact_ids else "0"
    for name, path, text in [
        ("dashboard", "/", b"Signed in as <strong>tip.staff</strong>"),
        ("a compact page", f"/compacts/{compact}/", b"compact-title"),
        ("its indicators", f"/indicators/compact/{compact}/", b"<table"),
        ("its contributions", f"/contributions/compacts/{compact}/", b"<table"),
        ("contributions", "/contributions/", b"<table"),
        ("reports", "/reports/", b"<form"),
        ("API docs", "/api/docs/", b"swagger-ui"),
    ]:
        status, _, html = browser.request(path)
        check(f"page: {name} ({path})", status == 200 and text in html, f"HTTP {status}")


def check_report(browser: Browser, token: str, bucket: "Bucket") -> None:
    """A report requested through the API, rendered by the worker, stored in the bucket and
    downloaded by its SHA-256."""
    fiscal_year = 2024
    _, _, body = browser.api(f"/api/v1/compacts/?active_in={fiscal_year}", token=token)
    active = [c["id"] for c in json.loads(body).get("results", [])] if body else []
    check(f"API lists compacts active in FY{fiscal_year}", bool(active), str(active))
    status, _, body = browser.api("/api/v1/reports/", method="POST", token=token, payload={
        "kind": "compact_oversight", "compact": active[0] if active else 0,
        "fiscal_year": fiscal_year})
    job = json.loads(body) if body else {}
    # The job is created and handed to the broker on commit; the response reads it back, so a
    # worker quick enough may already have it "running" (API.md: status queued|running|...).
    queued = (status == 202 and job.get("dispatched") is True
              and job.get("status") in ("queued", "running"))
    check("report requested (202) and handed to the worker", queued,
          f"job {job.get('id')}, {job.get('status')}" if queued
          else f"HTTP {status} {body[:300]!r}")
    deadline = time.monotonic() + 120
    while job.get("id") and job.get("status") in ("queued", "running") and (
            time.monotonic() < deadline):
        time.sleep(1)
        _, _, body = browser.api(f"/api/v1/reports/{job['id']}/", token=token)
        job = json.loads(body)
    check("the worker rendered the report", job.get("status") == "succeeded",
          f"status {job.get('status')}, error {job.get('error')!r}")
    if job.get("status") == "succeeded":
        check_pdf(browser, token, job, bucket)


def check_pdf(browser: Browser, token: str, job: dict, bucket: "Bucket") -> None:
    download = urllib.parse.urlsplit(job["download_url"]).path
    status, headers, pdf = browser.api(download, token=token)
    check("the PDF downloads", status == 200 and pdf.startswith(b"%PDF")
          and headers.get("Content-Type") == "application/pdf",
          f"HTTP {status}, {len(pdf)} bytes, {job.get('page_count')} pages")
    check("the PDF matches the SHA-256 the API reports",
          hashlib.sha256(pdf).hexdigest() == job.get("sha256"), job.get("sha256", ""))
    keys = bucket.server.keys(bucket.name)
    reports = [key for key in keys if key.startswith("private/reports/")]
    check("the worker stored the PDF in the bucket, where the web server read it",
          len(reports) == 1 and bucket.server.read(bucket.name, reports[0]) == pdf,
          str(keys))
    local = [str(p) for folder in bucket.folders for p in folder.rglob("*.pdf")]
    check("no PDF in the web server's or the worker's own folder", local == [], str(local))


# --- Federated sign-in (OpenID Connect) ------------------------------------------------
# The test identity provider (tests/oidc_provider.py, the same as the tests') knows one
# person, whose verified email is the demo user tip.staff's (in another case). gunicorn gets
# the OIDC_* environment a deployment sets; the person signs in at the provider, comes back
# to the app and reaches a signed-in page.
OIDC_SUBJECT = "smoke-tip-staff"
OIDC_ACCOUNTS = {OIDC_SUBJECT: {"email": "Tip.Staff@example.org", "email_verified": True}}


def oidc_provider_for(port: int) -> OIDCProvider:
    return OIDCProvider(redirect_uris=[f"https://127.0.0.1:{port}/accounts/oidc/callback/"],
                        accounts=OIDC_ACCOUNTS, client_pem=client_key_pem()).start()


def smoke_oidc(base: str, provider: OIDCProvider) -> None:
    browser = Browser(base)
    status, _, html = browser.request("/accounts/login/")
    check("OIDC: the login page offers the identity provider",
          status == 200 and b"Sign in with Test IdP" in html, f"HTTP {status}")
    status, headers, _ = browser.request("/accounts/oidc/login/")
    authorize = headers.get("Location", "")
    check("OIDC: sent to the provider with a PKCE S256 challenge",
          status == 302 and authorize.startswith(provider.issuer + "/auth?")
          and "code_challenge_method=S256" in authorize, f"HTTP {status} {authorize[:120]}")
    if status != 302:
        return
    back = provider.sign_in(authorize, OIDC_SUBJECT, amr="pwd mfa")
    parts = urllib.parse.urlsplit(back)
    status, headers, _ = browser.request(f"{parts.path}?{parts.query}")
    check("OIDC: back from the provider, signed in (secure session cookie)",
          status == 302 and headers.get("Location") == "/work/"
          and "sessionid" in browser.cookies, f"HTTP {status} {headers.get('Location')}")
    status, _, html = browser.request("/")
    check("OIDC: a signed-in page as tip.staff", status == 200
          and b"Signed in as <strong>tip.staff</strong>" in html, f"HTTP {status}")
    status, _, body = browser.request("/api/v1/me/", headers={"Accept": "application/json"})
    check("OIDC: the API answers the session", status == 200
          and json.loads(body).get("username") == "tip.staff", f"HTTP {status}")
    token = [r for r in provider.requests() if r["endpoint"] == "token"]
    check("OIDC: the provider saw private_key_jwt and the PKCE verifier at its token endpoint",
          len(token) == 1 and token[0]["client_auth_method"] == "private_key_jwt"
          and token[0]["code_verifier_sent"] and token[0]["status"] == 200, str(token))


class Bucket:
    def __init__(self, server: MotoServer, name: str, folders: list[Path]):
        self.server, self.name, self.folders = server, name, folders


def main() -> int:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    s3 = MotoServer().start()
    try:
        return run(s3)
    finally:
        s3.stop()


def run(s3: MotoServer) -> int:
    port = free_port()
    password = secrets.token_urlsafe(16)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "DEMO_")) and k != "REQUIRE_MFA"}
    env.update({
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "cpc.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "PRIVATE_STORAGE_ROOT": str(WORK_DIR / "private"),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    })
    bucket = Bucket(s3, s3.new_bucket(), [WORK_DIR / "web-private", WORK_DIR / "worker-private"])
    env.update(s3.environ(bucket.name))
    provider = oidc_provider_for(port)
    web_env = env | {"PRIVATE_STORAGE_ROOT": str(bucket.folders[0])} | provider.environ()
    worker_env = env | {"PRIVATE_STORAGE_ROOT": str(bucket.folders[1])}

    migrate = manage(env, "migrate", "--noinput")
    check("migrate", migrate.returncode == 0, "" if migrate.returncode == 0
          else migrate.stderr[-1500:])
    refused = manage(env, "seed_demo", "--force")
    check("seed_demo refuses without DEMO_PASSWORD",
          refused.returncode != 0 and "DEMO_PASSWORD" in refused.stderr,
          refused.stderr.strip().splitlines()[-1] if refused.stderr.strip() else "")
    env["DEMO_PASSWORD"] = password
    seed = manage(env, "seed_demo", "--force")
    check("seed_demo --force with a random DEMO_PASSWORD", seed.returncode == 0,
          seed.stdout.strip().splitlines()[0] if seed.returncode == 0 and seed.stdout.strip()
          else seed.stderr[-1500:])

    processes = {
        "gunicorn": start("gunicorn", [
            str(BIN / "gunicorn"), "cpc.wsgi:application", "-c", "gunicorn.conf.py",
            "--bind", f"127.0.0.1:{port}", "--workers", "2"], web_env),
        "celery worker": start("worker", [
            str(BIN / "celery"), "-A", "cpc", "worker", "--loglevel=INFO",
            "--concurrency=1"], worker_env),
        "celery beat": start("beat", [
            str(BIN / "celery"), "-A", "cpc", "beat", "--loglevel=INFO",
            "--schedule", str(WORK_DIR / "celerybeat-schedule")], env),
    }
    try:
        smoke(Browser(f"http://127.0.0.1:{port}"), password, bucket)
        smoke_oidc(f"http://127.0.0.1:{port}", provider)
        running = {name: p.poll() is None for name, p in processes.items()}
        check("gunicorn, worker and beat still running", all(running.values()), str(running))
        beat_log = (LOG_DIR / "beat.log").read_text()
        check("beat started its scheduler", "beat: Starting" in beat_log)
    except Exception as error:  # report, then still stop everything
        check("production stack answered", False, repr(error))
    finally:
        stop(processes)
        provider.stop()

    failed = sum(1 for _, ok, _ in checks if not ok)
    if failed:
        for log in sorted(LOG_DIR.glob("*.log")):
            print(f"----- {log.name} (last lines)\n{log.read_text()[-3000:]}")
    print(f"smoke: {len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
