"""Signing in again before the sensitive actions: with a sign-in 20 minutes old, every path
(page, bulk page, API by token, API by session, admin) is sent to sign in again (pages) or
refused with 403 (API), and nothing changes; after re-authentication, or with a fresh token,
the action goes through."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from compacts import services as compact_services
from compacts import year_locks
from compacts.models import GuidanceDocument, UserProfile
from cpc.access.roles import TIP_STAFF
from cpc.reauth import SESSION_KEY
from indicators.models import Result
from tests.accounts.test_mfa import PASSWORD, enrolled, totp_code
from tests.compacts.factories import UserFactory
from tests.contributions.factories import ContributionFactory
from tests.indicators.factories import IndicatorFactory, ResultFactory
from tests.oversight.test_check_4_integrity import PASSAGE, document

REAUTH = "/accounts/reauth/"
# The results and contributions here are of past years, open for the test (the year lock is
# not what is tested), but for the unlock test's own compact.
open_years = pytest.mark.usefixtures("past_years_open")


def age_the_sign_in(client, minutes: int = 20) -> None:
    session = client.session
    session[SESSION_KEY] = int((timezone.now() - dt.timedelta(minutes=minutes)).timestamp())
    session.save()


def signed_in(client, user, minutes_ago: int = 20):
    client.force_login(user)
    age_the_sign_in(client, minutes_ago)
    return client


def old_token_client(user, minutes_ago: int = 20) -> APIClient:
    token = Token.objects.create(user=user)
    Token.objects.filter(pk=token.pk).update(
        created=timezone.now() - dt.timedelta(minutes=minutes_ago))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def sent_to_reauth(response, back: str | None = None) -> bool:
    if response.status_code != 302 or not response["Location"].startswith(REAUTH):
        return False
    return back is None or parse_qs(urlsplit(response["Location"]).query)["next"] == [back]


def reauthenticate(client, next_url: str = "/work/", **extra):
    return client.post(REAUTH, {"password": PASSWORD, "next": next_url, **extra})


@pytest.fixture
def submitted(ghana_compact):
    return ResultFactory(indicator=IndicatorFactory(compact=ghana_compact),
                         status="submitted")


def review_url(result):
    return f"/indicators/compact/{result.indicator.compact_id}/results/{result.pk}/approve/"


# --- Approving a result ---------------------------------------------------------------


@open_years
def test_approving_on_the_page_with_an_old_sign_in_asks_again(client, staff_user, submitted):
    signed_in(client, staff_user)
    page = f"/indicators/compact/{submitted.indicator.compact_id}/"

    response = client.post(review_url(submitted), HTTP_REFERER=f"http://testserver{page}")

    assert sent_to_reauth(response, back=f"http://testserver{page}")
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    # Signing in again, then the same approval goes through.
    assert reauthenticate(client, page)["Location"] == page
    assert client.post(review_url(submitted)).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "approved" and submitted.reviewed_by == staff_user


def test_a_wrong_password_on_the_reauth_page_is_refused_and_counted(client, staff_user):
    from axes.models import AccessAttempt

    signed_in(client, staff_user)
    response = client.post(REAUTH, {"password": "not-my-password", "next": "/work/"})
    assert response.status_code == 400
    assert AccessAttempt.objects.get(username="staff").failures_since_start == 1
    age_ok = client.session[SESSION_KEY]
    assert timezone.now().timestamp() - age_ok > 15 * 60


@open_years
def test_reauth_asks_the_code_of_a_user_with_a_second_factor(client, staff_user, submitted):
    device, _ = enrolled(staff_user)
    client.force_login(staff_user)
    # force_login skips the second step; mark it done as the verify page would.
    client.post("/accounts/mfa/verify/", {"code": totp_code(device, 1)})
    age_the_sign_in(client)

    assert client.post(REAUTH, {"password": PASSWORD}).status_code == 400
    assert reauthenticate(client, code=totp_code(device, 2)).status_code == 302
    assert client.post(review_url(submitted)).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "approved"


@open_years
def test_bulk_approval_with_an_old_sign_in_asks_again(client, staff_user, submitted):
    signed_in(client, staff_user)

    response = client.post("/work/results/review/", {"action": "approve", "note": "",
                                                      "results": [submitted.pk]})

    assert sent_to_reauth(response)
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    # Returning (not a sensitive action) needs no new sign-in.
    response = client.post("/work/results/review/", {"action": "return", "note": "Source?",
                                                      "results": [submitted.pk]})
    assert not sent_to_reauth(response)
    submitted.refresh_from_db()
    assert submitted.status == "returned"


@open_years
def test_approving_through_the_api_needs_a_fresh_token(staff_user, submitted):
    url = f"/api/v1/results/{submitted.pk}/approve/"

    response = old_token_client(staff_user).post(url)

    assert response.status_code == 403
    assert "sign in again" in response.json()["detail"]
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    # Signing in again for a token (the same key, issued anew) lets it through.
    fresh = APIClient().post("/api/v1/auth/token/", {"username": "staff",
                                                     "password": PASSWORD}).json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {fresh}")
    answer = api.post(url)
    assert answer.status_code == 200, answer.content
    assert Result.objects.get(pk=submitted.pk).status == "approved"


@open_years
def test_approving_through_the_api_in_an_old_session_needs_reauth(client, staff_user,
                                                                  submitted):
    signed_in(client, staff_user)
    url = f"/api/v1/results/{submitted.pk}/approve/"

    assert client.post(url, content_type="application/json").status_code == 403
    assert Result.objects.get(pk=submitted.pk).status == "submitted"
    reauthenticate(client)
    assert client.post(url, content_type="application/json").status_code == 200


# --- Verifying a contribution, confirming guidance, unlocking a year --------------------


@open_years
def test_verifying_a_contribution_with_an_old_sign_in(client, staff_user, ghana_compact,
                                                      private_storage):
    contribution = ContributionFactory(compact=ghana_compact, with_evidence=True)
    page = (f"/contributions/compacts/{ghana_compact.pk}/contributions/{contribution.pk}/"
            "verify/")

    assert sent_to_reauth(signed_in(client, staff_user).post(page))
    response = old_token_client(staff_user).post(
        f"/api/v1/contributions/{contribution.pk}/verify/")
    assert response.status_code == 403
    contribution.refresh_from_db()
    assert not contribution.verified
    reauthenticate(client)
    assert client.post(page).status_code == 302
    contribution.refresh_from_db()
    assert contribution.verified


def test_confirming_guidance_with_an_old_sign_in(client, staff_user, supervisor_user,
                                                 private_storage):
    guidance = compact_services.guidance_document_create(
        user=staff_user, title="Guidance", version="1", effective_from=dt.date(2023, 10, 1),
        targets_passage=PASSAGE, document=document())

    api = old_token_client(supervisor_user)
    assert api.post(f"/api/v1/guidance-documents/{guidance.pk}/confirm/").status_code == 403
    signed_in(client, supervisor_user)
    changelist = "/admin/compacts/guidancedocument/"
    response = client.post(changelist, {"action": "confirm_passage",
                                        "_selected_action": [guidance.pk]})
    assert sent_to_reauth(response)
    assert GuidanceDocument.objects.get(pk=guidance.pk).confirmed_by is None
    reauthenticate(client)
    client.post(changelist, {"action": "confirm_passage", "_selected_action": [guidance.pk]})
    assert GuidanceDocument.objects.get(pk=guidance.pk).confirmed_by == supervisor_user


def test_unlocking_a_year_with_an_old_sign_in(client, staff_user, ghana_compact):
    assert year_locks.year_locked(ghana_compact, 2024)
    page = f"/compacts/{ghana_compact.pk}/fiscal-years/2024/unlock/"

    assert sent_to_reauth(signed_in(client, staff_user).post(page, {"reason": "Fix a count."}))
    response = old_token_client(staff_user).post(
        f"/api/v1/compacts/{ghana_compact.pk}/fiscal-years/2024/unlock/",
        {"reason": "Fix a count."}, format="json")
    assert response.status_code == 403
    assert year_locks.year_locked(ghana_compact, 2024)
    reauthenticate(client)
    assert client.post(page, {"reason": "Fix a count."}).status_code == 302
    assert not year_locks.year_locked(ghana_compact, 2024)


# --- Roles, groups and country scope in the admin --------------------------------------


def test_changing_a_role_in_the_admin_with_an_old_sign_in(client, ghana_officer, ghana, peru):
    # Users and groups are the superuser's in the admin (TIP staff hold the project's
    # permissions only).
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    signed_in(client, admin_user)
    staff_group = Group.objects.get(name=TIP_STAFF)
    change = f"/admin/auth/user/{ghana_officer.pk}/change/"
    form = {"username": ghana_officer.username, "email": ghana_officer.email,
            "groups": [staff_group.pk], "is_active": "on",
            "date_joined_0": "2024-01-01", "date_joined_1": "00:00:00",
            "initial-date_joined_0": "2024-01-01", "initial-date_joined_1": "00:00:00"}

    assert sent_to_reauth(client.post(change, form))
    assert not ghana_officer.groups.filter(name=TIP_STAFF).exists()
    profile = UserProfile.objects.get(user=ghana_officer)
    scope = f"/admin/compacts/userprofile/{profile.pk}/change/"
    assert sent_to_reauth(client.post(scope, {"user": ghana_officer.pk,
                                              "countries": [ghana.pk, peru.pk]}))
    assert list(profile.countries.all()) == [ghana]
    group_change = f"/admin/auth/group/{staff_group.pk}/change/"
    assert sent_to_reauth(client.post(group_change, {"name": "renamed"}))
    assert Group.objects.filter(name=TIP_STAFF).exists()

    reauthenticate(client)
    response = client.post(change, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ghana_officer.groups.filter(name=TIP_STAFF).exists()


@open_years
def test_force_login_counts_as_a_fresh_sign_in(client, staff_user, submitted):
    client.force_login(staff_user)
    assert client.post(review_url(submitted)).status_code == 302
    assert Result.objects.get(pk=submitted.pk).status == "approved"
