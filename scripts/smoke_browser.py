"""Enough of a browser for the production smoke (scripts/smoke_production.py): cookies,
CSRF, redirects not followed, an authenticator app for the second factor; and the list of
checks the smoke prints and counts."""

import base64
import http.cookies
import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

from django_otp.oath import TOTP  # RFC 6238, as an authenticator app computes it

checks: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str = "") -> bool:
    checks.append((name, ok, detail))
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)
    return ok


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Enough of a browser: cookies (kept by hand, since the production cookies are Secure
    and the proxy's HTTPS ends before us), CSRF headers, redirects not followed."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, path: str, *, method: str = "GET", data: bytes | None = None,
                headers: dict | None = None, https: bool = True, timeout: float = 30):
        headers = dict(headers or {})
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(self.base + path, data=data, headers=headers,
                                         method=method)
        try:
            response = self.opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            response = error
        body = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, body

    def post_form(self, path: str, fields: dict):
        origin = "https://" + urllib.parse.urlsplit(self.base).netloc
        return self.request(path, method="POST",
                            data=urllib.parse.urlencode(fields).encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded",
                                     "Origin": origin, "Referer": origin + path})

    def api(self, path: str, *, method: str = "GET", payload: dict | None = None,
            token: str | None = None):
        headers = {"Accept": "application/json"}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Token {token}"
        data = json.dumps(payload).encode() if payload is not None else None
        saved, self.cookies = self.cookies, {}  # token auth only: no session, no CSRF
        try:
            status, headers, body = self.request(path, method=method, data=data,
                                                 headers=headers)
        finally:
            self.cookies = saved
        return status, headers, body


def wait_for_health(browser: Browser, seconds: float) -> tuple[int, dict]:
    deadline = time.monotonic() + seconds
    status, body = 0, {}
    while time.monotonic() < deadline:
        try:
            status, _, raw = browser.request("/healthz", https=False, timeout=5)
            body = json.loads(raw)
            if status == 200:
                break
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    return status, body


def csrf_token(html: bytes) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1).decode() if match else ""


class Authenticator:
    """An authenticator app: the key read from the enrolment page, a code a time step.
    django-otp takes each step's code once, and the next step's too (one step of tolerance),
    so a code newer than the last one used is the next step's, waiting for it if need be."""

    def __init__(self, key_text: str):
        self.key = base64.b32decode(key_text.replace(" ", "") + "=" * (-len(
            key_text.replace(" ", "")) % 8))
        self.last_step = -1

    def code(self) -> str:
        totp = TOTP(self.key)
        while totp.t() + 1 <= self.last_step:
            time.sleep(1)
            totp = TOTP(self.key)
        step = max(totp.t(), self.last_step + 1)
        totp.time = step * totp.step + 1
        self.last_step = step
        return f"{totp.token():06d}"


def enrol_second_factor(browser: Browser) -> "Authenticator | None":
    """REQUIRE_MFA (on in production): TIP staff signed in with the password alone are sent
    to set up an authenticator app before anything else."""
    status, headers, _ = browser.request("/compacts/")
    location = headers.get("Location", "")
    check("the password alone is sent to set up a second factor (REQUIRE_MFA)",
          status == 302 and location.startswith("/accounts/mfa/enrol/"),
          f"HTTP {status} {location}")
    status, _, _ = browser.request("/api/v1/me/", headers={"Accept": "application/json"})
    check("the password alone reaches no API answer", status in (401, 403), f"HTTP {status}")
    status, headers, html = browser.request(location or "/accounts/mfa/enrol/")
    key = re.search(rb'data-testid="mfa-key">([A-Z2-7 ]+)<', html)
    check("the enrolment page shows the QR code (an SVG data: image) and the key",
          status == 200 and b'src="data:image/svg+xml;base64,' in html and bool(key),
          f"HTTP {status}")
    if not key:
        return None
    app = Authenticator(key.group(1).decode())
    status, _, html = browser.post_form("/accounts/mfa/enrol/", {
        "csrfmiddlewaretoken": csrf_token(html), "code": app.code(), "next": "/"})
    codes = re.findall(rb"<li><code>([a-z2-9]{10})</code></li>", html)
    check("a TOTP code confirms the app; ten recovery codes are shown",
          status == 200 and len(codes) == 10, f"HTTP {status}, {len(codes)} codes")
    return app


def sign_in_with_code(base: str, password: str, app: Authenticator) -> Browser:
    """A new session: the password, then the second step with the app's code."""
    browser = Browser(base)
    _, _, html = browser.request("/accounts/login/")
    status, headers, _ = browser.post_form("/accounts/login/", {
        "csrfmiddlewaretoken": csrf_token(html), "username": "tip.staff",
        "password": password, "next": "/compacts/"})
    status, headers, html = browser.request("/compacts/")
    location = headers.get("Location", "")
    check("signing in again asks the code (the second step)",
          status == 302 and location.startswith("/accounts/mfa/verify/"),
          f"HTTP {status} {location}")
    status, headers, html = browser.request(location or "/accounts/mfa/verify/")
    status, headers, _ = browser.post_form("/accounts/mfa/verify/", {
        "csrfmiddlewaretoken": csrf_token(html), "code": app.code(), "next": "/compacts/"})
    check("a TOTP code completes the sign-in",
          status == 302 and headers.get("Location") == "/compacts/",
          f"HTTP {status} {headers.get('Location')}")
    return browser
