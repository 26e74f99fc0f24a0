"""The federated identity links in the admin: staff read and remove them, auditors read,
embassy officers with admin access do not see them; nobody adds or edits one there."""

import pytest

from accounts.models import FederatedIdentity
from compacts import services
from cpc.access.roles import EMBASSY_OFFICER
from tests.compacts.factories import UserFactory

URL = "/admin/accounts/federatedidentity/"


@pytest.fixture
def link(db):
    user = UserFactory(username="linked", email="linked@example.gov")
    return FederatedIdentity.objects.create(issuer="https://idp.example.gov", subject="s-1",
                                            user=user)


def test_staff_read_and_remove_a_link(client, staff_user, link):
    client.force_login(staff_user)

    listing = client.get(URL)
    assert listing.status_code == 200
    assert b"s-1" in listing.content
    assert client.get(f"{URL}add/").status_code == 403
    assert client.post(f"{URL}{link.pk}/change/", {"subject": "s-2"}).status_code == 403
    link.refresh_from_db()
    assert link.subject == "s-1"

    assert client.post(f"{URL}{link.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not FederatedIdentity.objects.exists()
    assert FederatedIdentity.history.filter(history_type="-").count() == 1


def test_auditor_reads_links_and_their_history_but_removes_nothing(client, auditor_user, link):
    client.force_login(auditor_user)

    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}{link.pk}/history/").status_code == 200
    assert client.post(f"{URL}{link.pk}/delete/", {"post": "yes"}).status_code == 403
    assert FederatedIdentity.objects.filter(pk=link.pk).exists()


def test_an_officer_with_admin_access_does_not_see_links(client, ghana, link):
    officer = UserFactory(username="officer.staff", is_staff=True)
    services.user_assign_role(user=officer, role=EMBASSY_OFFICER, countries=[ghana])
    client.force_login(officer)

    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}{link.pk}/delete/", {"post": "yes"}).status_code == 403
    assert FederatedIdentity.objects.filter(pk=link.pk).exists()
