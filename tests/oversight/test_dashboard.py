"""The program dashboard: checks per compact, scoped, in a fixed number of queries."""

import datetime as dt

from django.utils import timezone

from cpc.fiscal import fiscal_year_of
from tests.compacts.factories import CompactFactory, PartnerCountryFactory
from tests.dialogues.factories import DialogueFactory, IndicatorFactory, TargetFactory


def test_dashboard_shows_checks_of_compacts_active_in_the_year(client, auditor_user,
                                                               ghana_compact, peru):
    CompactFactory(country=peru, start_date=dt.date(2015, 1, 1), end_date=dt.date(2019, 1, 1))
    client.force_login(auditor_user)
    response = client.get("/?fiscal_year=2024")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [compact for compact, _ in rows] == [ghana_compact]
    assert [check.recommendation for check in rows[0][1]] == [1, 2, 3, 4, 5, 6]


def test_dashboard_is_scoped_to_the_officers_countries(client, ghana_officer, ghana_compact,
                                                       peru_compact):
    client.force_login(ghana_officer)
    response = client.get("/?fiscal_year=2024")
    assert [compact for compact, _ in response.context["rows"]] == [ghana_compact]
    assert peru_compact.title.encode() not in response.content


def test_dashboard_lists_dialogues_of_the_next_30_days(client, staff_user, ghana_compact):
    soon = timezone.localdate() + dt.timedelta(days=10)
    compact = CompactFactory(country=PartnerCountryFactory(), start_date=soon.replace(year=
                             soon.year - 1), end_date=soon.replace(year=soon.year + 2))
    DialogueFactory(compact=compact, fiscal_year=fiscal_year_of(soon), scheduled_for=soon)
    client.force_login(staff_user)
    response = client.get("/")
    assert len(response.context["upcoming_dialogues"]) == 1
    assert b"no key indicators yet" in response.content


def test_dashboard_uses_the_same_queries_for_3_and_10_compacts(client, staff_user,
                                                              django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def build(n):
        for _ in range(n):
            compact = CompactFactory(country=PartnerCountryFactory())
            dialogue = DialogueFactory(compact=compact, fiscal_year=2024)
            indicator = IndicatorFactory(compact=compact)
            dialogue.key_indicators.set([indicator])
            TargetFactory(indicator=indicator, fiscal_year=2024)

    from django.core.cache import cache

    client.force_login(staff_user)
    build(3)
    client.get("/?fiscal_year=2024")
    cache.clear()  # the checks computed, not served from the cache (that costs less)
    with CaptureQueriesContext(connection) as three:
        assert len(client.get("/?fiscal_year=2024").context["rows"]) == 3
    build(7)
    cache.clear()
    with django_assert_num_queries(len(three.captured_queries)):
        assert len(client.get("/?fiscal_year=2024").context["rows"]) == 10
