"""Server-rendered compact pages: login, role and country scope, query budgets."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.compacts.factories import (
    AwardFactory,
    CompactFactory,
    ExtensionFactory,
    ObjectiveFactory,
    PartnerCountryFactory,
    TierRankingFactory,
)


def test_anonymous_user_is_sent_to_login(client, ghana_compact):
    for url in ["/compacts/", f"/compacts/{ghana_compact.pk}/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_login_page_renders_and_signs_in(client, ghana_officer):
    assert b"Sign in" in client.get("/accounts/login/").content
    response = client.post(
        "/accounts/login/", {"username": "officer.gh", "password": "pass-for-tests"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/work/"


def test_wrong_password_shows_form_error(client, ghana_officer):
    response = client.post("/accounts/login/", {"username": "officer.gh", "password": "no"})
    assert response.status_code == 200
    assert b"usa-alert--error" in response.content


def test_officer_lists_only_assigned_countries_compacts(client, ghana_officer, ghana_compact,
                                                         peru_compact):
    client.force_login(ghana_officer)
    response = client.get("/compacts/")
    assert response.status_code == 200
    assert list(response.context["compacts"]) == [ghana_compact]
    assert ghana_compact.title.encode() in response.content
    assert peru_compact.title.encode() not in response.content


def test_officer_gets_404_for_other_country_compact_page(client, ghana_officer, peru_compact):
    client.force_login(ghana_officer)
    assert client.get(f"/compacts/{peru_compact.pk}/").status_code == 404


def test_compact_page_shows_objectives_extensions_and_awards(client, auditor_user,
                                                            ghana_compact):
    ObjectiveFactory(compact=ghana_compact, pillar="prosecution",
                     description="Convict child traffickers.")
    ExtensionFactory(compact=ghana_compact, reason="Extended for a final year.")
    AwardFactory(compact=ghana_compact, award_number="SAMPLE-GH-9")
    TierRankingFactory(country=ghana_compact.country, report_year=2023, tier="tier_2")
    client.force_login(auditor_user)
    response = client.get(f"/compacts/{ghana_compact.pk}/")
    assert response.status_code == 200
    for text in [ghana_compact.title, "Convict child traffickers.", "Extended for a final year.",
                 "SAMPLE-GH-9", "Tier 2 in the 2023 TIP Report"]:
        assert text.encode() in response.content, text


def test_user_without_role_is_forbidden(client, no_role_user, ghana_compact):
    client.force_login(no_role_user)
    assert client.get("/compacts/").status_code == 403


def test_status_filter(client, staff_user, ghana, peru):
    active = CompactFactory(country=ghana, status="active")
    CompactFactory(country=peru, status="closed")
    client.force_login(staff_user)
    response = client.get("/compacts/?status=active")
    assert list(response.context["compacts"]) == [active]


@pytest.mark.parametrize("page", ["list", "detail"])
def test_compact_pages_use_the_same_queries_for_few_and_many_rows(
    client, staff_user, django_assert_num_queries, page
):
    def populate(compact_count, children):
        compacts = []
        for _ in range(compact_count):
            compact = CompactFactory(country=PartnerCountryFactory())
            for _ in range(children):
                ObjectiveFactory(compact=compact)
                AwardFactory(compact=compact)
            compacts.append(compact)
        return compacts

    client.force_login(staff_user)
    small = populate(2, 1)
    url = "/compacts/" if page == "list" else f"/compacts/{small[0].pk}/"
    client.get(url)  # warm the session and role caches
    cache.clear()  # the six checks computed, not served from the cache (that costs less)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    big = populate(20, 8)
    url = "/compacts/" if page == "list" else f"/compacts/{big[0].pk}/"
    cache.clear()
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
