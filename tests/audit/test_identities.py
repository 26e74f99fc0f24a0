"""Users, groups (roles) and profiles (countries, implementers) keep history with who changed
them, through the admin and through commands; the people-history page shows it to TIP staff
and auditors; the password hash is never in it."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from compacts import services
from cpc.access.roles import AUDITOR, EMBASSY_OFFICER, TIP_STAFF
from tests.compacts.factories import UserFactory

PEOPLE = "/history/people/"


def test_the_users_history_keeps_flags_and_roles_never_the_password(db):
    history = get_user_model().history.model
    fields = {f.name for f in history._meta.fields}
    assert {"is_active", "is_staff", "is_superuser", "email", "first_name",
            "last_name"} <= fields
    assert "password" not in fields and "last_login" not in fields
    user = UserFactory(username="gus")
    services.user_assign_role(user=user, role=AUDITOR)
    latest = user.history.latest()
    assert [g.group.name for g in latest.groups.all()] == [AUDITOR]


def test_a_sign_in_adds_no_user_version(client, db):
    user = UserFactory(username="hal")
    versions = user.history.count()
    client.post("/accounts/login/", {"username": "hal", "password": "pass-for-tests"})
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == versions


def test_admin_changes_to_a_user_are_kept_with_the_changer(client, staff_user):
    staff_user.is_superuser = True  # Django's user admin: superusers
    staff_user.save()
    user = UserFactory(username="ivy", email="ivy@example.org")
    client.force_login(staff_user)
    auditors = Group.objects.get(name=AUDITOR)
    response = client.post(f"/admin/auth/user/{user.pk}/change/", {
        "username": "ivy", "first_name": "Ivy", "last_name": "Lee",
        "email": "ivy@example.org", "is_active": "", "is_staff": "on",
        "groups": [auditors.pk], "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00", "initial-date_joined_0": "2025-01-01",
        "initial-date_joined_1": "00:00:00"})
    assert response.status_code == 302, response.content.decode()[:3000]
    versions = list(user.history.order_by("history_date", "history_id"))
    assert versions[-1].history_user == staff_user
    changed = versions[-1].diff_against(versions[0]).changed_fields
    assert {"is_active", "is_staff", "first_name", "groups"} <= set(changed)
    # The page lists it, with who.
    page = client.get(PEOPLE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "ivy" in text and "staff" in text and "Roles: — → auditor" in text


def test_a_groups_permissions_keep_history(db):
    group = Group.objects.get(name=AUDITOR)
    before = group.history.count()
    group.permissions.clear()
    assert group.history.count() == before + 1


def test_seed_demo_changes_appear_with_the_command_as_reason(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    user = get_user_model().objects.get(username="embassy.officer")
    reasons = set(user.history.values_list("history_change_reason", flat=True))
    assert "Demo data loaded by seed_demo" in reasons
    profile_reasons = set(user.profile.history.values_list("history_change_reason",
                                                           flat=True))
    assert "Demo data loaded by seed_demo" in profile_reasons


@pytest.mark.parametrize("who,expected", [("staff_user", 200), ("auditor_user", 200),
                                          ("ghana_officer", 403), ("no_role_user", 403)])
def test_the_people_history_page_is_for_staff_and_auditors(client, request, who, expected):
    client.force_login(request.getfixturevalue(who))
    assert client.get(PEOPLE).status_code == expected


def test_the_people_history_shows_role_and_scope_changes(client, auditor_user, ghana):
    user = UserFactory(username="jon")
    services.user_assign_role(user=user, role=EMBASSY_OFFICER, countries=[ghana])
    user.groups.add(Group.objects.get(name=TIP_STAFF))
    client.force_login(auditor_user)
    text = client.get(PEOPLE).content.decode()
    assert "profile of jon" in text
    assert "Countries: — → GH" in text
    # Roles by their labels, fields by theirs: never a group's code or a column's name.
    assert "Roles: embassy officer → TIP Office staff, embassy officer" in text
    assert TIP_STAFF not in text and "groups:" not in text and "countries:" not in text
    assert "pbkdf2" not in text
    spanish = client.get(PEOPLE, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Roles: funcionario de la embajada → " in spanish
