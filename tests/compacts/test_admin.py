"""The admin is scoped by country and role exactly like the API and the pages."""

from compacts import services
from compacts.models import Compact
from cpc.access.roles import EMBASSY_OFFICER
from tests.compacts.factories import UserFactory


def test_auditor_reads_admin_but_cannot_change(client, auditor_user, ghana_compact,
                                               peru_compact):
    client.force_login(auditor_user)
    listing = client.get("/admin/compacts/compact/")
    assert listing.status_code == 200
    assert ghana_compact.title.encode() in listing.content
    assert peru_compact.title.encode() in listing.content
    assert client.get("/admin/compacts/compact/add/").status_code == 403
    change_url = f"/admin/compacts/compact/{ghana_compact.pk}/change/"
    response = client.post(change_url, {"title": "Changed by auditor"})
    assert response.status_code == 403
    ghana_compact.refresh_from_db()
    assert ghana_compact.title != "Changed by auditor"
    assert client.post(f"/admin/compacts/compact/{ghana_compact.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    assert Compact.objects.filter(pk=ghana_compact.pk).exists()


def test_auditor_reads_history_in_admin(client, auditor_user, ghana_compact):
    client.force_login(auditor_user)
    response = client.get(f"/admin/compacts/compact/{ghana_compact.pk}/history/")
    assert response.status_code == 200


def test_officer_with_admin_access_sees_only_assigned_countries(client, ghana, ghana_compact,
                                                                peru_compact):
    officer = UserFactory(username="officer.staff", is_staff=True)
    services.user_assign_role(user=officer, role=EMBASSY_OFFICER, countries=[ghana])
    client.force_login(officer)
    listing = client.get("/admin/compacts/compact/")
    assert listing.status_code == 200
    assert ghana_compact.title.encode() in listing.content
    assert peru_compact.title.encode() not in listing.content
    assert client.get(f"/admin/compacts/compact/{peru_compact.pk}/change/").status_code == 302


def test_staff_cannot_delete_a_compact_in_the_admin(client, staff_user, ghana_compact):
    from tests.compacts.factories import ObjectiveFactory

    ObjectiveFactory(compact=ghana_compact)
    client.force_login(staff_user)
    response = client.post(f"/admin/compacts/compact/{ghana_compact.pk}/delete/",
                           {"post": "yes"})
    # No oversight record is deleted in the admin (tests/audit/test_admin_deletes.py).
    assert response.status_code == 403
    assert Compact.objects.filter(pk=ghana_compact.pk).exists()


def _officer_with_admin_access(ghana):
    officer = UserFactory(username="officer.staff", is_staff=True)
    services.user_assign_role(user=officer, role=EMBASSY_OFFICER, countries=[ghana])
    return officer


def test_officer_cannot_read_the_history_of_another_countrys_record(client, ghana,
                                                                     peru_compact):
    # django-simple-history loads the object for its history pages without get_queryset.
    client.force_login(_officer_with_admin_access(ghana))
    version = peru_compact.history.latest("history_date")
    base = f"/admin/compacts/compact/{peru_compact.pk}/history/"
    assert client.get(base).status_code == 403
    assert client.get(f"{base}{version.history_id}/").status_code == 403


def test_officer_reads_the_history_of_own_country(client, ghana, ghana_compact):
    client.force_login(_officer_with_admin_access(ghana))
    assert client.get(f"/admin/compacts/compact/{ghana_compact.pk}/history/").status_code == 200


def test_admin_pages_of_an_officer_name_no_other_country(client, ghana, ghana_compact,
                                                         peru_compact):
    from dialogues.models import ActionItem
    from tests.dialogues.factories import ActionItemFactory, DialogueFactory, IndicatorFactory

    ghana_dialogue = DialogueFactory(compact=ghana_compact)
    peru_dialogue = DialogueFactory(compact=peru_compact)
    IndicatorFactory(compact=peru_compact, name="Peru secret indicator")
    ActionItemFactory(dialogue=peru_dialogue, description="Peru secret item")
    client.force_login(_officer_with_admin_access(ghana))

    for url in (f"/admin/dialogues/dialogue/{ghana_dialogue.pk}/change/",
                "/admin/dialogues/actionitem/", "/admin/contributions/contribution/"):
        page = client.get(url)
        assert page.status_code == 200, url
        for secret in (b"Peru secret", peru_compact.title.encode()):
            assert secret not in page.content, (url, secret)

    # The admin is read-only for officers (they write through the pages and the API).
    for url in ("/admin/dialogues/discussion/add/", "/admin/dialogues/actionitem/add/"):
        assert client.get(url).status_code == 403, url
    response = client.post("/admin/dialogues/actionitem/add/", {
        "dialogue": ghana_dialogue.pk, "description": "Planted", "owner": "", "status": "open",
    })
    assert response.status_code == 403
    assert not ActionItem.objects.filter(description="Planted").exists()


def test_staff_admin_choices_are_scoped_to_changeable_countries(client, staff_user, ghana,
                                                               ghana_compact, peru_compact):
    """TIP staff change every country: the choices offer each."""
    client.force_login(staff_user)
    page = client.get("/admin/contributions/contribution/add/")
    assert page.status_code == 200
    assert ghana_compact.title.encode() in page.content
    assert peru_compact.title.encode() in page.content


def test_by_country_filter_offers_an_officer_only_their_countries(client, ghana, peru,
                                                                  colombia, ghana_compact,
                                                                  peru_compact):
    from tests.compacts.factories import CompactFactory

    CompactFactory(country=colombia)
    officer = UserFactory(username="officer.staff", is_staff=True)
    services.user_assign_role(user=officer, role=EMBASSY_OFFICER, countries=[ghana, colombia])
    client.force_login(officer)
    page = client.get("/admin/compacts/compact/").content.decode()
    assert "By country" in page
    assert f"country__id__exact={ghana.pk}" in page
    assert f"country__id__exact={colombia.pk}" in page
    assert f"country__id__exact={peru.pk}" not in page
    assert peru.name not in page


def test_by_country_filter_offers_staff_every_country(client, staff_user, ghana, peru,
                                                      ghana_compact, peru_compact):
    client.force_login(staff_user)
    page = client.get("/admin/compacts/compact/").content.decode()
    assert f"country__id__exact={ghana.pk}" in page
    assert f"country__id__exact={peru.pk}" in page


def test_no_one_saves_a_past_version_from_the_history_page(client, auditor_user, staff_user,
                                                           ghana_compact):
    """django-simple-history's history form saved a POST ("revert") for anyone who may view
    history: an auditor could put a record back to an old version, and staff could bypass the
    services' rules. The page is read-only for every role."""
    old_title = ghana_compact.title
    ghana_compact.title = "Renamed after review"
    ghana_compact.save()
    first = ghana_compact.history.order_by("history_id").first()
    url = f"/admin/compacts/compact/{ghana_compact.pk}/history/{first.history_id}/"
    for user in (auditor_user, staff_user):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200
        assert b'name="_save"' not in page.content  # nothing to submit
        assert client.post(url, {"title": old_title}).status_code == 403
        ghana_compact.refresh_from_db()
        assert ghana_compact.title == "Renamed after review"
