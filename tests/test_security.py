"""Login lockout, client addresses behind proxies, expiring and revocable API tokens, the
security headers of every page, safe redirects after sign-in and idle sessions.

The lockout (django-axes) is active in the tests: its failed attempts are rows in the test
database, rolled back after each test, so no test is locked out by another.
"""

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from compacts.api import ERR_LOCKED_OUT
from cpc.api.authentication import ERR_TOKEN_EXPIRED
from cpc.security import PERMISSIONS_POLICY, client_ip
from tests.compacts.factories import UserFactory

PASSWORD = "pass-for-tests"  # the factories' password
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The token throttle counts in the cache; keep its memory inside each test."""
    cache.clear()
    yield
    cache.clear()


def sign_in(client, username, password, *, address="192.0.2.10", path="/accounts/login/",
            **extra):
    return client.post(path, {"username": username, "password": password},
                       REMOTE_ADDR=address, **extra)


def token_request(username, password, *, address="192.0.2.10", **extra):
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": password},
                            format="json", REMOTE_ADDR=address, **extra)


# Lockout --------------------------------------------------------------------------------------


def test_login_form_locks_out_after_repeated_failures(client, ghana_officer):
    limit = settings.AXES_FAILURE_LIMIT
    answers = [sign_in(client, "officer.gh", f"guess-{n}") for n in range(limit)]

    # Each failure before the limit shows the form again with its error...
    assert [r.status_code for r in answers[:-1]] == [200] * (limit - 1)
    # ...the one that reaches it, and every attempt after, show the lockout page.
    locked = answers[-1]
    assert locked.status_code == 429
    assert b"Signing in is locked" in locked.content
    assert b"officer.gh" in locked.content
    again = sign_in(client, "officer.gh", PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_address(client, ghana_officer, staff_user):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer.gh", f"guess-{n}")

    # The same person from another address, and another user from the same address, sign in.
    assert sign_in(client, "officer.gh", PASSWORD, address="198.51.100.7").status_code == 302
    client.logout()
    assert sign_in(client, "staff", PASSWORD).status_code == 302


def test_a_successful_sign_in_resets_the_count(client, ghana_officer):
    limit = settings.AXES_FAILURE_LIMIT
    for n in range(limit - 1):
        sign_in(client, "officer.gh", f"guess-{n}")
    assert sign_in(client, "officer.gh", PASSWORD).status_code == 302
    client.logout()

    for n in range(limit - 1):
        assert sign_in(client, "officer.gh", f"again-{n}").status_code == 200
    assert sign_in(client, "officer.gh", PASSWORD).status_code == 302


def test_admin_login_locks_out_too(client, staff_user):
    answers = [sign_in(client, "staff", f"guess-{n}", path="/admin/login/").status_code
               for n in range(settings.AXES_FAILURE_LIMIT)]

    assert answers[-1] == 429
    assert sign_in(client, "staff", PASSWORD, path="/admin/login/").status_code == 429


def test_token_endpoint_locks_out_with_a_json_answer(ghana_officer):
    limit = settings.AXES_FAILURE_LIMIT
    answers = [token_request("officer.gh", f"guess-{n}") for n in range(limit)]

    assert [r.status_code for r in answers[:-1]] == [400] * (limit - 1)
    assert answers[-1].status_code == 429
    assert answers[-1].json() == {"detail": ERR_LOCKED_OUT}
    locked = token_request("officer.gh", PASSWORD)
    assert locked.status_code == 429
    assert "token" not in locked.json()


def test_forged_forwarded_for_does_not_escape_the_lockout(client, ghana_officer):
    """Without a trusted proxy, X-Forwarded-For is the client's own word: ignored."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer.gh", f"guess-{n}", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    response = sign_in(client, "officer.gh", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99")

    assert response.status_code == 429


def test_forged_forwarded_for_does_not_escape_the_token_throttle(db):
    """DRF's throttle counts the socket address, not a header the client rotates."""
    answers = [token_request(f"nobody-{n}", "guess",
                             HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
               for n in range(21)]

    assert answers[:20] == [400] * 20
    assert answers[20] == 429


def test_behind_a_trusted_proxy_the_forwarded_client_counts(client, ghana_officer, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for n in range(settings.AXES_FAILURE_LIMIT):
        # Whatever the client wrote on the left is ignored; the proxy appended 203.0.113.5.
        sign_in(client, "officer.gh", f"guess-{n}", address=proxy,
                HTTP_X_FORWARDED_FOR=f"198.18.0.{n}, 203.0.113.5")

    locked = sign_in(client, "officer.gh", PASSWORD, address=proxy,
                     HTTP_X_FORWARDED_FOR="203.0.113.5")
    other_client = sign_in(client, "officer.gh", PASSWORD, address=proxy,
                           HTTP_X_FORWARDED_FOR="203.0.113.6")

    assert locked.status_code == 429
    assert other_client.status_code == 302


@pytest.mark.parametrize("count,forwarded,expected", [
    (0, "203.0.113.5", "10.0.0.2"),
    (0, "", "10.0.0.2"),
    (1, "", "10.0.0.2"),
    (1, "203.0.113.5", "203.0.113.5"),
    (1, "198.18.0.1, 203.0.113.5", "203.0.113.5"),
    (2, "198.18.0.1, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
    (3, "203.0.113.5", "203.0.113.5"),
])
def test_client_ip_believes_only_trusted_proxies(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    meta = {"REMOTE_ADDR": "10.0.0.2"}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(RequestFactory().get("/", **meta)) == expected


def test_drf_counts_the_same_proxies():
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.TRUSTED_PROXY_COUNT == 0


# Tokens ---------------------------------------------------------------------------------------


def api_with(token_key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_key}")
    return client


def test_a_token_older_than_its_lifetime_is_refused(ghana_officer, settings):
    settings.API_TOKEN_TTL_HOURS = 8
    key = token_request("officer.gh", PASSWORD).json()["token"]
    assert api_with(key).get("/api/v1/me/").status_code == 200

    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(hours=8,
                                                                               seconds=1))
    response = api_with(key).get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["detail"] == ERR_TOKEN_EXPIRED
    assert not Token.objects.filter(key=key).exists()


def test_a_token_within_its_lifetime_works(ghana_officer, settings):
    settings.API_TOKEN_TTL_HOURS = 8
    key = token_request("officer.gh", PASSWORD).json()["token"]
    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(hours=7))

    assert api_with(key).get("/api/v1/me/").status_code == 200


def test_signing_in_again_replaces_an_expired_token(ghana_officer):
    first = token_request("officer.gh", PASSWORD).json()["token"]
    # While valid, signing in again gives the same token.
    assert token_request("officer.gh", PASSWORD).json()["token"] == first
    Token.objects.filter(key=first).update(created=timezone.now() - dt.timedelta(days=2))

    second = token_request("officer.gh", PASSWORD).json()["token"]

    assert second != first
    assert api_with(second).get("/api/v1/me/").status_code == 200
    assert api_with(first).get("/api/v1/me/").status_code == 401


def test_delete_revokes_the_callers_token(ghana_officer, staff_user):
    key = token_request("officer.gh", PASSWORD).json()["token"]
    other = token_request("staff", PASSWORD).json()["token"]

    response = api_with(key).delete("/api/v1/auth/token/")

    assert response.status_code == 204
    assert api_with(key).get("/api/v1/me/").status_code == 401
    # Only the caller's token goes.
    assert api_with(other).get("/api/v1/me/").status_code == 200


def test_revoking_needs_the_token(db):
    assert APIClient().delete("/api/v1/auth/token/").status_code == 401
    assert api_with("not-a-token").delete("/api/v1/auth/token/").status_code == 401


def test_an_expired_token_cannot_be_revoked_but_is_gone_anyway(ghana_officer):
    key = token_request("officer.gh", PASSWORD).json()["token"]
    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(days=1))

    response = api_with(key).delete("/api/v1/auth/token/")

    assert response.status_code == 401
    assert not Token.objects.filter(key=key).exists()


# Headers --------------------------------------------------------------------------------------


def csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1]
            for part in (p.strip() for p in header.split(";")) if part}


def test_pages_carry_the_security_headers(client, staff_user):
    client.force_login(staff_user)

    response = client.get("/")

    assert response.status_code == 200
    assert csp(response) == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "frame-ancestors": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
    }
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_login_page_and_the_api_carry_them_too(client, staff_api):
    for response in (client.get("/accounts/login/"), staff_api.get("/api/v1/me/")):
        assert csp(response)["script-src"] == "'self'"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_api_docs_run_under_the_strict_policy(client, staff_user):
    client.force_login(staff_user)
    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")

    assert page.status_code == 200
    assert b'<html lang="en">' in page.content  # the document language, for screen readers
    assert csp(page)["style-src"] == "'self'"
    assert csp(page)["script-src"] == "'self'"
    assert "unsafe" not in page["Content-Security-Policy"]
    # The start-up script is a file of its own, not inline; no inline style either.
    assert b"<script>" not in page.content and b"<style" not in page.content
    assert b"/api/docs/?script=" in page.content
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


class InlineFinder(HTMLParser):
    """Collects what a strict CSP refuses: inline scripts, on* handlers, style attributes
    and style elements."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        for name in names:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
        if "style" in names:
            self.found.append(f"<{tag} style=...>")
        if tag == "style":
            self.found.append("<style>")
        if tag == "script":
            data_block = (names.get("type") or "").endswith("json")
            self._in_script = "src" not in names and not data_block

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"<script>{data.strip()[:60]}</script>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def inline_code(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def test_templates_hold_no_inline_script_or_style():
    """The browser's templates; the PDF templates (reports/pdf) are WeasyPrint's, not a
    browser's, and keep their styles."""
    found = {}
    for path in TEMPLATES.rglob("*.html"):
        if "pdf" in path.relative_to(TEMPLATES).parts:
            continue
        inline = inline_code(path.read_text())
        if inline:
            found[str(path.relative_to(TEMPLATES))] = inline
    assert not found


def test_the_inline_finder_finds_inline_code():
    assert inline_code('<a href="#" onclick="x()">') == ["<a onclick=...>"]
    assert inline_code('<th style="width: 1rem">') == ["<th style=...>"]
    assert inline_code("<script>alert(1)</script>") == ["<script>alert(1)</script>"]
    assert inline_code('<script src="/static/js/cpc.js"></script>') == []


# Redirects after sign-in, and sessions ------------------------------------------------------


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/path",
                                    "http://testserver.evil.example/"])
def test_sign_in_ignores_a_next_to_another_site(client, ghana_officer, target):
    response = client.post("/accounts/login/?next=x", {
        "username": "officer.gh", "password": PASSWORD, "next": target})

    assert response.status_code == 302
    assert response["Location"] == "/work/"  # My work, where every sign-in lands


def test_sign_in_follows_a_next_on_this_site(client, ghana_officer):
    response = client.post("/accounts/login/", {
        "username": "officer.gh", "password": PASSWORD, "next": "/compacts/"})

    assert response["Location"] == "/compacts/"


def test_a_session_ends_after_thirty_idle_minutes(client, ghana_officer, settings):
    from cpc.settings import base

    assert base.SESSION_COOKIE_AGE == 30 * 60
    assert base.SESSION_REFRESH_SECONDS == 60
    sign_in(client, "officer.gh", PASSWORD)
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    settings.SESSION_REFRESH_SECONDS = 0  # as if the last refresh were a minute old
    assert client.get("/compacts/").status_code == 200

    # A request moves the end forward...
    session = Session.objects.get()
    assert session.expire_date > timezone.now() + dt.timedelta(minutes=29)
    # ...and once it has passed, the user signs in again.
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/compacts/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_idle_end_is_written_at_most_once_a_minute(client, ghana_officer, settings):
    """Production settings do not write the session on every request: within a minute of
    the last refresh a page reads the session and writes nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cpc.settings import base

    assert base.SESSION_SAVE_EVERY_REQUEST is False
    settings.SESSION_REFRESH_SECONDS = 60
    sign_in(client, "officer.gh", PASSWORD)
    client.get("/compacts/")  # refreshes
    end = Session.objects.get().expire_date

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/compacts/").status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]
                and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert Session.objects.get().expire_date == end

    # A minute later, the next request moves the end forward again.
    settings.SESSION_REFRESH_SECONDS = 0
    client.get("/compacts/")
    assert Session.objects.get().expire_date > end


def test_user_factory_password_is_the_one_these_tests_use(db):
    assert UserFactory().check_password(PASSWORD)
