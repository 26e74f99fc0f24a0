"""Guessing across usernames from one address is throttled (cpc.security.
AddressThrottleBackend): after AXES_ADDRESS_FAILURE_LIMIT failures within the cool-off,
whatever the usernames, that address signs in no more, on the login form, the admin login
and the token endpoint; other addresses are not affected."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from compacts.api import ERR_ADDRESS_THROTTLED

PASSWORD = "pass-for-tests"  # the factories' password
ATTACKER, OFFICE = "192.0.2.66", "198.51.100.7"


def sign_in(path, username, password, address):
    return Client().post(path, {"username": username, "password": password},
                         REMOTE_ADDR=address)


def token_request(username, password, address):
    # The token endpoint's own rate (20 a minute per address, in the cache) is another
    # guard: the cache is emptied before each request, as for an attacker pacing the
    # guesses under it, so that only the address throttle counts here.
    cache.clear()
    return APIClient().post("/api/v1/auth/token/", {"username": username,
                                                    "password": password},
                            format="json", REMOTE_ADDR=address)


def _guess_thirty_usernames(attempt):
    """One wrong password for each of 30 usernames from the attacker's address."""
    return [attempt(f"person-{n}", "Winter2024!", ATTACKER).status_code for n in range(30)]


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_thirty_usernames_from_one_address_are_throttled_on_the_forms(path, staff_user):
    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    assert limit < 30 and limit > settings.AXES_FAILURE_LIMIT
    answers = _guess_thirty_usernames(lambda u, p, a: sign_in(path, u, p, a))

    assert answers[:limit] == [200] * limit  # the form again, with its error
    assert answers[limit:] == [429] * (30 - limit)
    # Even the right password of a real account is refused from that address...
    assert sign_in(path, "staff", PASSWORD, ATTACKER).status_code == 429
    # ...and the same account signs in from another address: nobody is locked out elsewhere.
    assert sign_in(path, "staff", PASSWORD, OFFICE).status_code == 302


def test_thirty_usernames_from_one_address_are_throttled_on_the_token_endpoint(staff_user):
    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    answers = _guess_thirty_usernames(token_request)

    assert answers[:limit] == [400] * limit
    assert answers[limit:] == [429] * (30 - limit)
    refused = token_request("staff", PASSWORD, ATTACKER)
    assert refused.status_code == 429
    assert refused.json() == {"detail": ERR_ADDRESS_THROTTLED}
    assert "token" in token_request("staff", PASSWORD, OFFICE).json()


def test_a_colleague_cannot_be_locked_out_from_elsewhere(staff_user, ghana_officer):
    """Failures for the officer's username from the attacker's address (as many as the
    address throttle allows) lock out neither the officer nor their office's address."""
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT + 5):
        sign_in("/accounts/login/", "officer.gh", f"guess-{n}", ATTACKER)
    assert sign_in("/accounts/login/", "officer.gh", PASSWORD, ATTACKER).status_code == 429
    assert sign_in("/accounts/login/", "officer.gh", PASSWORD, OFFICE).status_code == 302
    assert token_request("staff", PASSWORD, OFFICE).status_code == 200


def test_failures_below_the_limit_leave_the_address_free(staff_user):
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        sign_in("/accounts/login/", f"person-{n}", "Winter2024!", ATTACKER)
    assert sign_in("/accounts/login/", "staff", PASSWORD, ATTACKER).status_code == 302


def test_the_throttle_ends_with_the_cool_off(staff_user):
    from axes.models import AccessAttempt
    from django.utils import timezone

    _guess_thirty_usernames(lambda u, p, a: sign_in("/accounts/login/", u, p, a))
    assert sign_in("/accounts/login/", "staff", PASSWORD, ATTACKER).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timezone.timedelta(minutes=1))
    assert sign_in("/accounts/login/", "staff", PASSWORD, ATTACKER).status_code == 302
