"""Inactive accounts are disabled by the daily task (after INACTIVE_ACCOUNT_DAYS days, not
before), with an auth event and a notification; the access review page and CSV list every
account for TIP staff and auditors."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import tasks
from audit.access import _mfa_state
from audit.models import AuthEvent, AuthEventKind
from audit.services import accounts_disable_inactive
from compacts import services
from cpc.access.roles import EMBASSY_OFFICER, IMPLEMENTER
from notifications.models import Kind, Notification
from tests.compacts.factories import ImplementerFactory, UserFactory

REVIEW = "/history/access-review/"


def _last_seen(days: int, **fields):
    return UserFactory(last_login=timezone.now() - dt.timedelta(days=days), **fields)


def test_an_account_unused_for_91_days_is_disabled_not_one_of_89(staff_user):
    old = _last_seen(91, username="old", email="old@example.org")
    recent = _last_seen(89, username="recent")
    disabled = accounts_disable_inactive()
    assert [u.username for u in disabled] == ["old"]
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.is_active and recent.is_active
    event = AuthEvent.objects.get(kind=AuthEventKind.ACCOUNT_DISABLED)
    assert event.user == old and event.detail["days"] == 90
    # Told: the person and TIP staff, in the app; the history says why.
    told = set(Notification.objects.filter(kind=Kind.ACCOUNT_DISABLED)
               .values_list("recipient__username", flat=True))
    assert told == {"old", "staff"}
    assert old.history.latest().history_change_reason.startswith("Disabled: not signed in")
    # A second run changes nothing.
    assert accounts_disable_inactive() == []


def test_never_signed_in_counts_from_the_day_joined(db):
    joined_long_ago = UserFactory(username="new-then",
                                  date_joined=timezone.now() - dt.timedelta(days=100))
    joined_lately = UserFactory(username="new-now",
                                date_joined=timezone.now() - dt.timedelta(days=10))
    accounts_disable_inactive()
    joined_long_ago.refresh_from_db()
    joined_lately.refresh_from_db()
    assert not joined_long_ago.is_active and joined_lately.is_active


def test_superusers_too_but_never_the_named_service_accounts(db, settings):
    settings.INACTIVE_ACCOUNT_EXEMPT = ["sync-bot"]
    root = _last_seen(200, username="root", is_superuser=True)
    bot = _last_seen(200, username="sync-bot")
    accounts_disable_inactive()
    root.refresh_from_db()
    bot.refresh_from_db()
    assert not root.is_active and bot.is_active


def test_the_days_are_a_setting(db, settings):
    settings.INACTIVE_ACCOUNT_DAYS = 30
    user = _last_seen(31, username="month")
    accounts_disable_inactive()
    user.refresh_from_db()
    assert not user.is_active


def test_the_daily_task_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["audit-disable-inactive-accounts"]
    assert entry["task"] == tasks.disable_inactive_accounts.name


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_real_worker_disables_an_inactive_account(celery_worker_process):
    old = _last_seen(120, username="worker-old", email="worker-old@example.org")
    assert tasks.disable_inactive_accounts.delay().get(timeout=60) == 1
    old.refresh_from_db()
    assert not old.is_active
    assert Notification.objects.filter(recipient=old, kind=Kind.ACCOUNT_DISABLED).exists()
    assert AuthEvent.objects.filter(user=old, kind=AuthEventKind.ACCOUNT_DISABLED).exists()


# The access review ---------------------------------------------------------------------


@pytest.fixture
def people(ghana, peru):
    officer = UserFactory(username="officer.two", first_name="Olu", last_name="Ade",
                          email="=HYPERLINK(\"http://x\")@example.org")
    services.user_assign_role(user=officer, role=EMBASSY_OFFICER, countries=[ghana, peru])
    partner = UserFactory(username="partner")
    services.user_assign_role(user=partner, role=IMPLEMENTER,
                              implementers=[ImplementerFactory(name="Safe Homes")])
    UserFactory(username="gone", is_active=False)
    return {"officer": officer, "partner": partner}


@pytest.mark.parametrize("who,expected", [("staff_user", 200), ("auditor_user", 200),
                                          ("ghana_officer", 403), ("no_role_user", 403)])
def test_the_review_is_for_staff_and_auditors(client, request, who, expected):
    client.force_login(request.getfixturevalue(who))
    assert client.get(REVIEW).status_code == expected
    assert client.get(REVIEW + "export.csv").status_code == expected


def test_anonymous_is_sent_to_sign_in(client, db):
    assert client.get(REVIEW)["Location"].startswith("/accounts/login/")


def test_the_review_lists_every_account(client, auditor_user, people):
    client.force_login(auditor_user)
    text = client.get(REVIEW).content.decode()
    for username in ("officer.two", "partner", "gone", "audit"):
        assert username in text
    assert "Safe Homes" in text and "GH, PE" in text
    assert "embassy officer" in text and EMBASSY_OFFICER not in text


def test_the_csv_holds_every_account_with_formula_cells_escaped(client, staff_user, people):
    client.force_login(staff_user)
    response = client.get(REVIEW + "export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_name = {row["username"]: row for row in rows}
    assert set(by_name) == set(get_user_model().objects.values_list("username", flat=True))
    officer = by_name["officer.two"]
    assert (officer["name"], officer["roles"], officer["countries"], officer["active"]) == (
        "Olu Ade", EMBASSY_OFFICER, "GH; PE", "yes")
    assert officer["email"].startswith("'=HYPERLINK")
    assert by_name["partner"]["implementers"] == "Safe Homes"
    assert by_name["gone"]["active"] == "no"
    assert by_name["officer.two"]["last_sign_in"] == ""
    assert by_name["staff"]["mfa"] == _mfa_state(staff_user)


def test_the_second_factor_counts_once_confirmed(client, staff_user, auditor_user):
    assert _mfa_state(staff_user) == "none"
    device = TOTPDevice.objects.create(user=staff_user, name="Phone", confirmed=False)
    assert _mfa_state(staff_user) == "none"
    device.confirmed = True
    device.save()
    assert _mfa_state(staff_user) == "enrolled"
    client.force_login(auditor_user)  # staff now owe their second step
    spanish = client.get(REVIEW, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Inscrito" in spanish and "enrolled" not in spanish
