"""A password change or a deactivation, by every path, ends the user's API tokens and sessions
(cpc/credentials.py)."""

import pytest
from django.contrib.auth.management.commands import changepassword
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cpc import signals
from cpc.credentials import user_sessions
from tests.compacts.factories import UserFactory

NEW_PASSWORD = "A-long-new-pass-phrase-42"


@pytest.fixture
def revoked():
    """The token_revoked signals sent during the test."""
    sent = []

    def receiver(sender, **kwargs):
        sent.append(kwargs)

    signals.token_revoked.connect(receiver, dispatch_uid="test-credentials")
    yield sent
    signals.token_revoked.disconnect(dispatch_uid="test-credentials")


@pytest.fixture
def signed_in(officer_with_access):
    """The officer signed in twice in the browser and holding an API token."""
    browsers = [Client(), Client()]
    for browser in browsers:
        response = browser.post("/accounts/login/", {"username": officer_with_access.username,
                                                     "password": "pass-for-tests"})
        assert response.status_code == 302
    token = APIClient().post("/api/v1/auth/token/", {"username": officer_with_access.username,
                                                     "password": "pass-for-tests"}).json()["token"]
    assert len(user_sessions(officer_with_access)) == 2
    return browsers, token


@pytest.fixture
def officer_with_access(ghana_officer):
    ghana_officer.is_staff = True  # may use the admin (its own password form)
    ghana_officer.save()
    return ghana_officer


def _api_works(token) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/me/").status_code == 200


def _page_works(browser) -> bool:
    return browser.get("/work/").status_code == 200


def _assert_ended(user, signed_in, revoked, reason):
    browsers, token = signed_in
    assert not Token.objects.filter(user=user).exists()
    assert not _api_works(token)
    assert user_sessions(user) == []
    assert not any(_page_works(b) for b in browsers)
    assert [s["reason"] for s in revoked if s["user"] == user] == [reason]


def test_signed_in_access_works_before_any_change(officer_with_access, signed_in):
    browsers, token = signed_in
    assert _api_works(token)
    assert all(_page_works(b) for b in browsers)


def test_set_password_and_save_ends_tokens_and_sessions(officer_with_access, signed_in,
                                                        revoked):
    officer_with_access.set_password(NEW_PASSWORD)
    officer_with_access.save()
    _assert_ended(officer_with_access, signed_in, revoked, "password_changed")


def test_deactivation_ends_tokens_and_sessions(officer_with_access, signed_in, revoked):
    officer_with_access.is_active = False
    officer_with_access.save(update_fields=["is_active"])
    _assert_ended(officer_with_access, signed_in, revoked, "deactivated")


def test_the_same_password_set_again_ends_nothing(officer_with_access, signed_in, revoked):
    officer_with_access.set_password("pass-for-tests")
    officer_with_access.save()
    assert _api_works(signed_in[1])
    assert len(user_sessions(officer_with_access)) == 2
    assert revoked == []


def test_other_changes_end_nothing(officer_with_access, signed_in, revoked):
    officer_with_access.first_name = "Ama"
    officer_with_access.save()
    assert _api_works(signed_in[1])
    assert len(user_sessions(officer_with_access)) == 2
    assert revoked == []


def test_the_changepassword_command_ends_tokens_and_sessions(officer_with_access, signed_in,
                                                             revoked, monkeypatch):
    # The command reads the new password twice from the terminal.
    monkeypatch.setattr(changepassword.Command, "_get_pass",
                        lambda self, prompt="Password: ": NEW_PASSWORD)
    call_command("changepassword", officer_with_access.username, stdout=None)
    _assert_ended(officer_with_access, signed_in, revoked, "password_changed")


def test_the_admins_password_form_ends_tokens_and_sessions(officer_with_access, signed_in,
                                                           revoked):
    admin = Client()
    admin.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = admin.post(f"/admin/auth/user/{officer_with_access.pk}/password/", {
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302, response.content[:500]
    _assert_ended(officer_with_access, signed_in, revoked, "password_changed")
    assert admin.get("/admin/").status_code == 200  # the superuser's own session goes on


def test_the_admins_user_form_deactivating_ends_tokens_and_sessions(officer_with_access,
                                                                    signed_in, revoked):
    admin = Client()
    admin.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = f"/admin/auth/user/{officer_with_access.pk}/change/"
    from tests.test_admin_sweep import form_data

    data = form_data(admin.get(url).content)
    data.pop("is_active")  # the box unticked
    response = admin.post(url, dict(data) | {"_save": "Save"})
    assert response.status_code == 302, response.content[:500]
    officer_with_access.refresh_from_db()
    assert not officer_with_access.is_active
    _assert_ended(officer_with_access, signed_in, revoked, "deactivated")


def test_changing_ones_own_password_keeps_the_session_in_use(officer_with_access, signed_in,
                                                             revoked):
    browsers, token = signed_in
    response = browsers[0].post("/admin/password_change/", {
        "old_password": "pass-for-tests", "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD})
    assert response.status_code == 302, response.content[:500]
    assert _page_works(browsers[0])  # update_session_auth_hash: the same browser goes on
    assert not _page_works(browsers[1])  # the other browser is signed out
    assert not _api_works(token)
    assert len(user_sessions(officer_with_access)) == 1
    assert Session.objects.count() == 1
    assert [s["reason"] for s in revoked] == ["password_changed"]
