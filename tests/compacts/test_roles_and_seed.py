"""Role groups and their permissions; the demo data command."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from compacts.models import Award, Compact, Extension, PartnerCountry
from cpc.access import scoping
from cpc.access.roles import AUDITOR, EMBASSY_OFFICER, TIP_STAFF
from dialogues.models import Dialogue


def codenames(role):
    return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))


def test_auditor_permissions_are_read_only_but_for_requesting_reports(db):
    perms = codenames(AUDITOR)
    assert "view_compact" in perms
    assert "view_historicalcompact" in perms
    writes = {p for p in perms if p.startswith(("add_", "change_", "delete_"))}
    assert writes <= {"add_reportjob"}


def test_officer_cannot_change_compacts(db):
    perms = codenames(EMBASSY_OFFICER)
    assert "view_compact" in perms
    assert "change_compact" not in perms
    assert "add_award" not in perms


def test_staff_changes_program_data_but_not_history(db):
    perms = codenames(TIP_STAFF)
    assert {"add_compact", "change_compact", "add_award", "add_extension"} <= perms
    assert not {p for p in perms if "_historical" in p and not p.startswith("view_")}


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def counts():
    return (PartnerCountry.objects.count(), Compact.objects.count(), Extension.objects.count(),
            Award.objects.count(), get_user_model().objects.count(),
            Compact.history.count(), Award.history.count(), Dialogue.objects.count(),
            Dialogue.history.count())


def test_seed_demo_loads_program_facts_and_is_idempotent(db, debug_on):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert set(PartnerCountry.objects.values_list("iso_code", flat=True)) == {
        "GH", "PH", "PE", "JM", "MN", "CO", "CI", "NP"
    }
    ghana = Compact.objects.get(country__iso_code="GH")
    assert (str(ghana.signed_on), str(ghana.end_date)) == ("2015-06-23", "2020-06-23")
    peru = Compact.objects.get(country__iso_code="PE")
    assert peru.current_end_date > peru.end_date  # extended two more years
    assert Compact.objects.get(country__iso_code="NP").status == "negotiating"
    # Every compact with dates has its annual dialogues, the finished ones held.
    assert Dialogue.objects.filter(compact=ghana).count() == 5
    assert not Dialogue.objects.filter(compact=ghana, status="planned").exists()


def test_seed_demo_users_have_roles_and_countries(db, debug_on, settings):
    settings.DEMO_PASSWORD = "another-demo-password"
    call_command("seed_demo")
    User = get_user_model()
    officer = User.objects.get(username="embassy.officer")
    assert officer.check_password("another-demo-password")
    assert scoping.user_roles(officer) == {EMBASSY_OFFICER}
    assert {c.iso_code.code for c in PartnerCountry.objects.filter(
        pk__in=scoping.visible_country_ids(officer))} == {"CO", "PE"}
    assert scoping.user_roles(User.objects.get(username="auditor")) == {AUDITOR}
    assert scoping.user_roles(User.objects.get(username="tip.staff")) == {TIP_STAFF}


def test_seed_demo_refuses_without_debug_unless_forced(db, settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setenv("DEMO_PASSWORD", "a-password-of-our-own")
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not Compact.objects.exists()
    call_command("seed_demo", "--force")
    assert Compact.objects.count() == 8
    officer = get_user_model().objects.get(username="embassy.officer")
    assert officer.check_password("a-password-of-our-own")


@pytest.mark.parametrize("password", [None, "", "demo-pass-2024"])
def test_seed_demo_without_debug_refuses_the_default_password(db, settings, monkeypatch,
                                                              password):
    """Outside DEBUG no demo user may get the development default (nor an empty one)."""
    settings.DEBUG = False
    settings.DEMO_PASSWORD = "demo-pass-2024"
    if password is None:
        monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("DEMO_PASSWORD", password)

    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        call_command("seed_demo", "--force")

    assert not get_user_model().objects.exists()
    assert not Compact.objects.exists()
