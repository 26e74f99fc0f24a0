"""Auth events: each kind recorded by the real flow (the login form, the lockout, the token
endpoint, the year-unlock API, role and scope changes), append-only for everyone, and read
through GET /api/v1/audit-events/ (JSON pages and JSON lines) by TIP staff and auditors."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuthEvent, AuthEventKind
from compacts import services
from cpc import signals
from cpc.access.roles import AUDITOR, EMBASSY_OFFICER
from tests.compacts.factories import ImplementerFactory, UserFactory

PASSWORD = "pass-for-tests"
LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
EVENTS = "/api/v1/audit-events/"


def kinds(**filters) -> list[str]:
    return list(AuthEvent.objects.filter(**filters).order_by("pk").values_list("kind", flat=True))


def test_a_sign_in_a_failure_and_a_sign_out_are_recorded(db):
    user = UserFactory(username="ana")
    client = Client(HTTP_USER_AGENT="Browser/1.0", REMOTE_ADDR="198.51.100.7")
    client.post(LOGIN, {"username": "ana", "password": "wrong"})
    assert client.post(LOGIN, {"username": "ana", "password": PASSWORD}).status_code == 302
    client.post("/accounts/logout/")
    failed, login, logout = AuthEvent.objects.order_by("pk")
    assert (failed.kind, failed.username, failed.user, failed.client_ip) == (
        AuthEventKind.LOGIN_FAILED, "ana", user, "198.51.100.7")
    assert (login.kind, login.user, login.user_agent) == (AuthEventKind.LOGIN, user,
                                                          "Browser/1.0")
    assert (logout.kind, logout.user) == (AuthEventKind.LOGOUT, user)
    # The method is named; the password itself never is.
    assert failed.detail == {}
    assert login.detail["method"] == "password"
    assert PASSWORD not in json.dumps(failed.detail) + json.dumps(login.detail)


@pytest.mark.parametrize("language, expected", [
    ("en", ["Method: Password",
            "Compact: Ghana; Fiscal year: FY2025; Reason: Audit correction",
            "Changed: Roles; Added: Auditor; By: tip.lead"]),
    ("es", ["Método: Contraseña",
            "Pacto: Ghana; Año fiscal: AF 2025; Motivo: Audit correction",
            "Cambiado: Roles; Añadido: Auditor; Por: tip.lead"]),
])
def test_the_events_page_names_the_detail_in_the_readers_language(
        client, staff_user, language, expected):
    AuthEvent.objects.create(kind=AuthEventKind.LOGIN, username="ana", detail={
        "method": "password", "backend": "django.contrib.auth.backends.ModelBackend"})
    AuthEvent.objects.create(kind=AuthEventKind.YEAR_UNLOCKED, username="ana", detail={
        "compact": 7, "compact_title": "Ghana", "fiscal_year": 2025,
        "reason": "Audit correction"})
    AuthEvent.objects.create(kind=AuthEventKind.ROLE_CHANGED, username="ana", detail={
        "field": "groups", "added": ["Auditor"], "by": "tip.lead"})
    client.force_login(staff_user)
    text = client.get("/history/auth-events/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    for line in expected:
        assert line in text
    assert "ModelBackend" not in text and "compact: 7" not in text


def test_a_failure_for_an_unknown_username_keeps_what_was_typed(db):
    Client().post(LOGIN, {"username": "nobody-here", "password": "x"})
    event = AuthEvent.objects.get()
    assert (event.kind, event.username, event.user) == (AuthEventKind.LOGIN_FAILED,
                                                        "nobody-here", None)


def test_the_lockout_after_five_failures_is_recorded(db):
    UserFactory(username="ben")
    client = Client()
    for _ in range(5):
        client.post(LOGIN, {"username": "ben", "password": "wrong"})
    assert client.post(LOGIN, {"username": "ben", "password": PASSWORD}).status_code == 429
    assert kinds(kind=AuthEventKind.LOCKED_OUT, username="ben")
    assert kinds(username="ben").count(AuthEventKind.LOGIN_FAILED) >= 5
    assert not kinds(kind=AuthEventKind.LOGIN)


def test_a_token_issued_revoked_and_expired_is_recorded(db, settings):
    user = UserFactory(username="cleo")
    api = APIClient(REMOTE_ADDR="203.0.113.9")
    key = api.post(TOKEN, {"username": "cleo", "password": PASSWORD}).json()["token"]
    # Asking again while the token is valid returns the same token: no new event.
    api.post(TOKEN, {"username": "cleo", "password": PASSWORD})
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.delete(TOKEN).status_code == 204
    created, revoked = AuthEvent.objects.filter(user=user).order_by("pk")
    assert (created.kind, created.client_ip) == (AuthEventKind.TOKEN_CREATED, "203.0.113.9")
    assert (revoked.kind, revoked.detail) == (AuthEventKind.TOKEN_REVOKED,
                                              {"reason": "revoked"})
    # An expired token presented is deleted: a revocation with the reason.
    key = APIClient().post(TOKEN, {"username": "cleo", "password": PASSWORD}).json()["token"]
    settings.API_TOKEN_TTL_HOURS = 0
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/me/").status_code == 401
    assert AuthEvent.objects.filter(user=user).latest("pk").detail == {"reason": "expired"}
    # Signing in for a token counts as a sign-in for the inactive-account rule.
    user.refresh_from_db()
    assert user.last_login is not None


def test_a_year_unlock_through_the_api_is_recorded(staff_api, staff_user, ghana_compact):
    base = f"/api/v1/compacts/{ghana_compact.pk}/fiscal-years/2024/"
    assert staff_api.post(base + "lock/", {"reason": "Closed."}).status_code in (200, 409)
    response = staff_api.post(base + "unlock/", {"reason": "Ministry corrected FY2024."})
    assert response.status_code == 200, response.content
    event = AuthEvent.objects.get(kind=AuthEventKind.YEAR_UNLOCKED)
    assert event.user == staff_user
    assert event.detail["fiscal_year"] == 2024
    assert event.detail["reason"] == "Ministry corrected FY2024."
    assert event.detail["compact"] == ghana_compact.pk


def test_a_refused_unlock_records_nothing(staff_api, ghana_compact):
    base = f"/api/v1/compacts/{ghana_compact.pk}/fiscal-years/2024/"
    assert staff_api.post(base + "unlock/", {"reason": ""}).status_code == 400
    assert not AuthEvent.objects.filter(kind=AuthEventKind.YEAR_UNLOCKED).exists()


def test_role_and_scope_changes_are_recorded_with_who_changed_them(client, ghana, peru,
                                                                   staff_user):
    user = UserFactory(username="dora")
    services.user_assign_role(user=user, role=EMBASSY_OFFICER, countries=[ghana])
    role = AuthEvent.objects.get(kind=AuthEventKind.ROLE_CHANGED, user=user)
    assert role.detail["added"] == [EMBASSY_OFFICER]
    scope = AuthEvent.objects.get(kind=AuthEventKind.SCOPE_CHANGED, user=user)
    assert scope.detail == {"field": "countries", "added": ["GH"], "by": ""}
    # Through the admin: who is the staff member signed in.
    client.force_login(staff_user)
    profile = user.profile
    response = client.post(f"/admin/compacts/userprofile/{profile.pk}/change/", {
        "user": user.pk, "countries": [peru.pk], "implementers": [], "language": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    changes = AuthEvent.objects.filter(kind=AuthEventKind.SCOPE_CHANGED, user=user,
                                       detail__by="staff").order_by("pk")
    assert [c.detail for c in changes] == [
        {"field": "countries", "removed": ["GH"], "by": "staff"},
        {"field": "countries", "added": ["PE"], "by": "staff"}]
    # From the other side of the relation (a group's users; an implementer's profiles).
    Group.objects.get(name=AUDITOR).user_set.add(user)
    assert AuthEvent.objects.filter(kind=AuthEventKind.ROLE_CHANGED, user=user,
                                    detail__added=[AUDITOR]).exists()
    ImplementerFactory(name="Shelter NGO").profiles.add(profile)
    assert AuthEvent.objects.filter(kind=AuthEventKind.SCOPE_CHANGED, user=user,
                                    detail__added=["Shelter NGO"]).exists()


@pytest.mark.parametrize("signal,kind", [
    (signals.mfa_enrolled, AuthEventKind.MFA_ENROLLED),
    (signals.mfa_removed, AuthEventKind.MFA_REMOVED),
    (signals.mfa_failed, AuthEventKind.MFA_FAILED)])
def test_second_factor_signals_are_recorded(db, rf, signal, kind):
    user = UserFactory(username="eve")
    request = rf.post("/accounts/mfa/", HTTP_USER_AGENT="Phone", REMOTE_ADDR="192.0.2.4")
    request.user = user
    signal.send(sender=None, user=user, request=request)
    event = AuthEvent.objects.get()
    assert (event.kind, event.user, event.client_ip, event.user_agent) == (
        kind, user, "192.0.2.4", "Phone")


def test_events_are_append_only(db):
    user = UserFactory(username="fay")
    Client().post(LOGIN, {"username": "fay", "password": "wrong"})
    event = AuthEvent.objects.get()
    event.username = "someone-else"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuthEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuthEvent.objects.update(username="x")
    # The account goes; its events stay, with the username.
    user.delete()
    event = AuthEvent.objects.get()
    assert (event.user, event.username) == (None, "fay")


@pytest.mark.parametrize("who", ["staff", "superuser"])
def test_the_admin_neither_changes_nor_deletes_events(client, staff_user, who):
    if who == "superuser":
        staff_user.is_superuser = True
        staff_user.save()
    Client().post(LOGIN, {"username": "staff", "password": "wrong"})
    event = AuthEvent.objects.get(kind=AuthEventKind.LOGIN_FAILED)
    client.force_login(staff_user)
    base = "/admin/audit/authevent/"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}{event.pk}/change/").status_code == 200  # read-only view
    assert client.post(f"{base}{event.pk}/change/", {"username": "x"}).status_code == 403
    assert client.get(f"{base}{event.pk}/delete/").status_code == 403
    assert client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(base, {"action": "delete_selected", "_selected_action": [event.pk],
                              "post": "yes"}).status_code in (200, 302)
    assert client.get(f"{base}add/").status_code == 403
    event.refresh_from_db()
    assert event.username == "staff"


def test_officers_do_not_see_events_in_the_admin(client, ghana):
    officer = UserFactory(username="officer.staff", is_staff=True)
    services.user_assign_role(user=officer, role=EMBASSY_OFFICER, countries=[ghana])
    client.force_login(officer)
    assert client.get("/admin/audit/authevent/").status_code == 403


# The API ----------------------------------------------------------------------------------


@pytest.fixture
def events(db):
    ana, ben = UserFactory(username="ana"), UserFactory(username="ben")
    Client().post(LOGIN, {"username": "ana", "password": "wrong"})
    Client().post(LOGIN, {"username": "ana", "password": PASSWORD})
    Client().post(LOGIN, {"username": "ben", "password": PASSWORD})
    return {"ana": ana, "ben": ben}


def test_staff_and_auditors_read_the_events_newest_first(staff_api, auditor_api, events):
    newest_first = list(AuthEvent.objects.order_by("-at", "-pk").values_list("kind", flat=True))
    assert newest_first[:3] == ["login", "login", "login_failed"]
    for api in (staff_api, auditor_api):
        body = api.get(EVENTS).json()
        assert body["count"] == len(newest_first)
        assert [row["kind"] for row in body["results"]] == newest_first
        assert set(body["results"][0]) == {"id", "at", "kind", "username", "user",
                                           "client_ip", "user_agent", "detail"}


def test_others_are_refused(officer_api, api_for, no_role_user, events):
    assert officer_api.get(EVENTS).status_code == 403
    assert api_for(no_role_user).get(EVENTS).status_code == 403
    assert APIClient().get(EVENTS).status_code == 401
    assert officer_api.get(EVENTS + "?format=jsonl").status_code == 403


def test_filters(staff_api, events):
    ana = events["ana"]
    assert staff_api.get(EVENTS, {"kind": "login_failed"}).json()["count"] == 1
    assert staff_api.get(EVENTS, {"user": ana.pk}).json()["count"] == 2
    today = timezone.localdate()
    every = AuthEvent.objects.count()  # the sign-ins, and the roles given in the fixtures
    assert staff_api.get(EVENTS, {"since": today.isoformat()}).json()["count"] == every
    assert staff_api.get(EVENTS, {"until": (today - dt.timedelta(days=1)).isoformat()}
                         ).json()["count"] == 0
    assert staff_api.get(EVENTS, {"until": today.isoformat()}).json()["count"] == every
    later = (timezone.now() + dt.timedelta(minutes=5)).isoformat()
    assert staff_api.get(EVENTS, {"since": later}).json()["count"] == 0
    bad = staff_api.get(EVENTS, {"kind": "nope", "since": "yesterday", "user": "x"})
    assert bad.status_code == 400
    assert set(bad.json()) == {"kind", "since", "user"}


def test_jsonl_streams_every_matching_event(staff_api, events):
    response = staff_api.get(EVENTS, {"format": "jsonl", "kind": "login", "page_size": 1})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    assert response.streaming
    lines = b"".join(response.streaming_content).decode().splitlines()
    rows = [json.loads(line) for line in lines]
    assert [row["username"] for row in rows] == ["ben", "ana"]  # not paginated
    assert all(row["kind"] == "login" for row in rows)


def test_the_schema_declares_the_endpoint(staff_user):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/audit-events/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"kind", "user", "since", "until",
                                                           "format", "page", "page_size"}
    assert {"200", "400", "401", "403"} <= set(operation["responses"])
