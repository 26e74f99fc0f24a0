"""The second factor, through the test client against PostgreSQL: the password step alone
reaches nothing, a TOTP code or a recovery code (once) completes the sign-in, wrong codes
count towards the lockout, enrolment is forced for the roles that must have it, and the API
token needs the code."""

import re
import time
from base64 import b64decode

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts import mfa
from cpc import signals

PASSWORD = "pass-for-tests"
LOGIN = "/accounts/login/"
VERIFY = "/accounts/mfa/verify/"
ENROL = "/accounts/mfa/enrol/"
HOME = "/work/"


def totp_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the authenticator app shows now (or ``steps_ahead`` steps of 30 s later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = mfa.totp_device_pending(user=user)
    codes = mfa.totp_device_confirm(user=user, device=device, code=totp_code(device))
    assert codes is not None
    device.refresh_from_db()
    return device, codes


def sign_in_with_password(client, username: str):
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return response


@pytest.fixture
def caught():
    """The MFA signals sent during the test, as (name, user) pairs."""
    seen = []
    receivers = {}
    for name in ("mfa_enrolled", "mfa_removed", "mfa_failed"):
        def receiver(sender, user, name=name, **kwargs):
            seen.append((name, user.username))
        receivers[name] = receiver
        getattr(signals, name).connect(receiver)
    yield seen
    for name, receiver in receivers.items():
        getattr(signals, name).disconnect(receiver)


def failures_for(username: str) -> int:
    return sum(AccessAttempt.objects.filter(username=username)
               .values_list("failures_since_start", flat=True))


# --- The second step ------------------------------------------------------------------


def test_a_password_alone_reaches_no_page_and_no_api(client, staff_user):
    enrolled(staff_user)

    sign_in_with_password(client, "staff")

    for page in (HOME, "/compacts/", "/admin/", "/accounts/mfa/", "/accounts/reauth/"):
        answer = client.get(page)
        assert answer.status_code == 302 and answer["Location"].startswith(VERIFY), page
    assert client.get("/api/v1/me/").status_code in (401, 403)
    assert client.get("/api/v1/compacts/").status_code in (401, 403)


def test_the_right_code_signs_in(client, staff_user, caught):
    device, _ = enrolled(staff_user)
    sign_in_with_password(client, "staff")

    response = client.post(VERIFY, {"code": totp_code(device, 1), "next": "/compacts/"})

    assert response.status_code == 302 and response["Location"] == "/compacts/"
    home = client.get(HOME)
    assert home.status_code == 200
    assert b'href="/accounts/mfa/" data-testid="mfa-link"' in home.content
    me = client.get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["username"] == "staff"
    assert ("mfa_failed", "staff") not in caught


def test_a_wrong_code_is_refused_counted_and_the_device_slows_down(client, staff_user, caught):
    device, _ = enrolled(staff_user)
    sign_in_with_password(client, "staff")
    assert failures_for("staff") == 0

    wrong = f"{(int(totp_code(device, 1)) + 1) % 10**6:06d}"
    response = client.post(VERIFY, {"code": wrong})

    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert failures_for("staff") == 1
    assert ("mfa_failed", "staff") in caught
    assert client.get(HOME)["Location"].startswith(VERIFY)
    # django-otp's throttle: right after a failure even the right code is refused...
    assert client.post(VERIFY, {"code": totp_code(device, 1)}).status_code == 400
    # ...and after the pause (2**(failures-1) seconds) the right code is taken.
    time.sleep(2.1)
    assert client.post(VERIFY, {"code": totp_code(device, 1)}).status_code == 302
    assert client.get(HOME).status_code == 200


def test_five_wrong_codes_lock_the_username_out(client, staff_user, settings):
    settings.AXES_FAILURE_LIMIT = 5
    enrolled(staff_user)
    sign_in_with_password(client, "staff")

    answers = [client.post(VERIFY, {"code": "000000"}).status_code for _ in range(5)]

    assert answers == [400, 400, 400, 400, 429]
    # The session ended, and the password alone is refused now too.
    assert client.get(HOME)["Location"].startswith(LOGIN)
    assert client.post(LOGIN, {"username": "staff", "password": PASSWORD}).status_code == 429


def test_a_recovery_code_works_once(client, staff_user):
    _, codes = enrolled(staff_user)
    assert len(codes) == 10 and len(set(codes)) == 10

    sign_in_with_password(client, "staff")
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 302
    assert client.get(HOME).status_code == 200
    assert StaticToken.objects.filter(device__user=staff_user).count() == 9

    client.post("/accounts/logout/")
    sign_in_with_password(client, "staff")
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 400
    assert client.get(HOME)["Location"].startswith(VERIFY)


def test_an_unverified_session_cannot_enrol_a_device_of_its_own(client, staff_user):
    """Someone holding the password alone cannot replace the owner's second factor."""
    device, _ = enrolled(staff_user)
    sign_in_with_password(client, "staff")

    response = client.get(ENROL)

    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert list(TOTPDevice.objects.filter(user=staff_user)) == [device]


# --- Enrolment forced by REQUIRE_MFA ------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_user", "auditor_user"])
def test_staff_and_auditors_enrol_before_anything_else(client, request, settings, who, caught):
    settings.REQUIRE_MFA = True
    user = request.getfixturevalue(who)

    sign_in_with_password(client, user.username)

    answer = client.get(HOME)
    assert answer.status_code == 302 and answer["Location"].startswith(ENROL)
    assert client.get("/api/v1/me/").status_code in (401, 403)
    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200
    qr = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert qr and b"<svg" in b64decode(qr.group(1))
    key = re.search(r'data-testid="mfa-key">([A-Z2-7 ]+)<', html).group(1)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert key.replace(" ", "") == mfa.totp_key_text(device).replace(" ", "")

    done = client.post(ENROL, {"code": totp_code(device)})

    codes = re.findall(r"<li><code>([a-z2-9]{10})</code></li>", done.content.decode())
    assert done.status_code == 200 and len(codes) == 10
    assert client.get(HOME).status_code == 200
    assert ("mfa_enrolled", user.username) in caught
    # Shown once: the page of the second factor tells how many are left, not which.
    settings_page = client.get("/accounts/mfa/").content.decode()
    assert "10 recovery codes are left" in settings_page and codes[0] not in settings_page


def test_an_embassy_officer_is_not_forced_to_enrol(client, settings, ghana_officer):
    settings.REQUIRE_MFA = True

    sign_in_with_password(client, "officer.gh")

    assert client.get(HOME).status_code == 200
    assert not mfa.mfa_required(ghana_officer)


def test_without_require_mfa_staff_sign_in_with_the_password(client, staff_user):
    sign_in_with_password(client, "staff")
    assert client.get(HOME).status_code == 200


def test_removing_needs_a_recent_sign_in_and_sends_required_roles_back_to_enrol(
        client, settings, staff_user, caught):
    settings.REQUIRE_MFA = True
    device, _ = enrolled(staff_user)
    sign_in_with_password(client, "staff")
    client.post(VERIFY, {"code": totp_code(device, 1)})
    session = client.session
    session["cpc_authenticated_at"] -= 20 * 60
    session.save()

    refused = client.post("/accounts/mfa/remove/")
    assert refused["Location"].startswith("/accounts/reauth/")
    assert TOTPDevice.objects.filter(user=staff_user, confirmed=True).exists()

    again = client.post("/accounts/reauth/", {"password": PASSWORD,
                                              "code": totp_code(device, 2),
                                              "next": "/accounts/mfa/"})
    assert again.status_code == 302
    removed = client.post("/accounts/mfa/remove/")

    assert removed.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff_user).exists()
    assert not StaticToken.objects.filter(device__user=staff_user).exists()
    assert ("mfa_removed", "staff") in caught
    assert client.get(HOME)["Location"].startswith(ENROL)


# --- The API token ----------------------------------------------------------------------


def token_post(**body):
    return APIClient().post("/api/v1/auth/token/", body, format="json")


def test_the_token_needs_the_code_of_a_user_who_has_one(staff_user, caught):
    device, codes = enrolled(staff_user)

    missing = token_post(username="staff", password=PASSWORD)
    assert missing.status_code == 400 and "otp" in missing.json()
    assert failures_for("staff") == 1
    wrong = token_post(username="staff", password=PASSWORD, otp="123456"
                       if totp_code(device, 1) != "123456" else "654321")
    assert wrong.status_code == 400 and list(wrong.json()) == ["otp"]
    assert failures_for("staff") == 2
    assert ("mfa_failed", "staff") in caught

    time.sleep(2.1)  # django-otp's pause after two failures
    right = token_post(username="staff", password=PASSWORD, otp=totp_code(device, 1))
    assert right.status_code == 200 and right.json()["token"]
    # A recovery code serves too, once.
    assert token_post(username="staff", password=PASSWORD, otp=codes[1]).status_code == 200
    assert token_post(username="staff", password=PASSWORD, otp=codes[1]).status_code == 400


def test_no_token_for_a_required_role_without_a_second_factor(settings, staff_user):
    settings.REQUIRE_MFA = True

    response = token_post(username="staff", password=PASSWORD, otp="123456")

    assert response.status_code == 400
    assert "must sign in with a second factor" in response.json()["otp"][0]


def test_a_user_without_a_second_factor_gets_a_token_as_before(settings, ghana_officer):
    settings.REQUIRE_MFA = True
    response = token_post(username="officer.gh", password=PASSWORD)
    assert response.status_code == 200 and response.json()["token"]


def test_a_wrong_password_is_refused_before_the_code(staff_user):
    device, _ = enrolled(staff_user)
    response = token_post(username="staff", password="not-the-password",
                          otp=totp_code(device, 1))
    assert response.status_code == 400 and "otp" not in response.json()


# --- Passwords ------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["short-pass1", "password1234", "123456789012345"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_password_like_the_username_is_refused(staff_user):
    with pytest.raises(ValidationError):
        validate_password("staff@example.org", user=staff_user)


def test_twelve_good_characters_pass_and_the_demo_password_passes():
    validate_password("kestrel-ferry-9")
    validate_password("demo-pass-2024")
    validate_password(PASSWORD)


def test_a_new_app_replaces_the_old_one_after_signing_in_again(client, staff_user, caught):
    old_device, old_codes = enrolled(staff_user)
    sign_in_with_password(client, "staff")
    client.post(VERIFY, {"code": totp_code(old_device, 1)})
    session = client.session
    session["cpc_authenticated_at"] -= 20 * 60
    session.save()

    assert client.get(ENROL)["Location"].startswith("/accounts/reauth/")
    client.post("/accounts/reauth/", {"password": PASSWORD, "code": old_codes[0]})
    page = client.get(ENROL)
    assert page.status_code == 200 and b"replaces the one you have now" in page.content
    new_device = TOTPDevice.objects.get(user=staff_user, confirmed=False)
    done = client.post(ENROL, {"code": totp_code(new_device)})

    assert done.status_code == 200
    assert list(TOTPDevice.objects.filter(user=staff_user)) == [new_device]
    assert TOTPDevice.objects.get(pk=new_device.pk).confirmed
    assert not StaticToken.objects.filter(device__user=staff_user,
                                          token__in=old_codes).exists()
    assert StaticToken.objects.filter(device__user=staff_user).count() == 10
    assert caught.count(("mfa_enrolled", "staff")) == 2  # the first app, then the new one
