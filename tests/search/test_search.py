"""Search (search app) and the action-item list (dialogues): matches of each kind, scope,
guidance for short queries, filters kept in the URL, and query counts that do not grow with
the program."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.compacts.factories import CompactFactory, PartnerCountryFactory
from tests.contributions.factories import ContributionFactory
from tests.dialogues.factories import ActionItemFactory, DialogueFactory
from tests.indicators.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


def rows(response, kind) -> list[str]:
    content = response.content.decode()
    start = content.index(f'data-testid="search-{kind}"')
    return content[start:content.index("</section>", start)].split('data-testid="search-row"')[1:]


def test_every_kind_is_found_and_scoped(client, ghana_officer, ghana_compact, peru_compact):
    IndicatorFactory(compact=ghana_compact, code="PROS-9", name="Shelters inspected")
    IndicatorFactory(compact=peru_compact, code="PROS-8", name="Shelters licensed")
    dialogue = DialogueFactory(compact=ghana_compact, summary="Shelters budget agreed.")
    ActionItemFactory(dialogue=dialogue, description="Inspect the northern shelters.",
                      owner="Ministry of Gender")
    ContributionFactory(compact=ghana_compact, description="Shelters staff salaries")
    client.force_login(ghana_officer)
    response = client.get("/search/", {"q": "shelters"})
    assert response.status_code == 200
    for kind in ("indicators", "dialogues", "action-items", "contributions"):
        assert len(rows(response, kind)) == 1, kind
    assert "PROS-8" not in response.content.decode()  # Peru's, not the officer's
    compacts = rows(client.get("/search/", {"q": "Ghana"}), "compacts")
    assert len(compacts) == 1


def test_short_or_empty_queries_get_guidance(client, staff_user):
    client.force_login(staff_user)
    assert "Type at least 2 characters." in client.get("/search/", {"q": "x"}).content.decode()
    assert 'data-testid="search-guidance"' in client.get("/search/").content.decode()


def test_one_kind_paginated(client, staff_user, ghana_compact):
    for number in range(25):
        IndicatorFactory(compact=ghana_compact, code=f"SHEL-{number}",
                         name=f"Shelter measure {number}")
    client.force_login(staff_user)
    everything = client.get("/search/", {"q": "shelter"})
    assert len(rows(everything, "indicators")) == 5
    assert "All 25 indicators" in everything.content.decode()
    first = client.get("/search/", {"q": "shelter", "kind": "indicators"})
    assert len(rows(first, "indicators")) == 20
    assert 'href="?q=shelter&amp;kind=indicators&amp;page=2"' in first.content.decode()
    second = client.get("/search/", {"q": "shelter", "kind": "indicators", "page": 2})
    assert len(rows(second, "indicators")) == 5


def test_search_queries_do_not_grow_with_the_program(client, staff_user):
    client.force_login(staff_user)

    def grow(n):
        for _ in range(n):
            compact = CompactFactory(country=PartnerCountryFactory(),
                                     title="Shelter compact")
            IndicatorFactory(compact=compact, name="Shelters inspected")
            dialogue = DialogueFactory(compact=compact, summary="Shelters reviewed.")
            ActionItemFactory(dialogue=dialogue, description="Visit the shelters.")
            ContributionFactory(compact=compact, description="Shelter funding")

    def count():
        client.get("/search/", {"q": "shelter"})
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/search/", {"q": "shelter"})
        return len(queries), len(response.content)

    grow(6)  # more than a page of each kind: every group counts its matches
    small, _ = count()
    grow(10)
    large, _ = count()
    assert large == small


def test_the_action_item_list_filters_and_scopes(client, ghana_officer, ghana_compact,
                                                 peru_compact):
    today = timezone.localdate()
    ghana_dialogue = DialogueFactory(compact=ghana_compact)
    late = ActionItemFactory(dialogue=ghana_dialogue, description="Send the referral data.",
                             owner="Ministry of Gender", due_on=today - dt.timedelta(days=3))
    ActionItemFactory(dialogue=ghana_dialogue, description="Train the police.",
                      owner="Police academy", due_on=today + dt.timedelta(days=10))
    ActionItemFactory(dialogue=ghana_dialogue, description="Closed item.", status="done")
    ActionItemFactory(dialogue=DialogueFactory(compact=peru_compact),
                      description="Peru's item.")
    client.force_login(ghana_officer)

    def listed(**params):
        content = client.get("/dialogues/action-items/", params).content.decode()
        return content.count('data-testid="action-item"'), content

    count, content = listed()
    assert count == 3 and "Peru&#x27;s item." not in content
    count, content = listed(due="overdue")
    assert count == 1 and late.description in content and "overdue" in content
    assert listed(owner="police")[0] == 1
    assert listed(status="done")[0] == 1
    assert listed(due="30")[0] == 1
