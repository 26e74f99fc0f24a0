"""Page content and API lists cached per reader scope until the records change
(cpc/access/fragments.py): readers of different scopes never share an entry, a committed
write shows on the next request, and a cached form carries each reader's own CSRF token."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compacts import services
from cpc.access import scoping
from cpc.access.cache_version import records_version
from cpc.access.fragments import CSRF_PLACEHOLDER
from cpc.access.roles import EMBASSY_OFFICER, TIP_STAFF
from tests.compacts.factories import UserFactory
from tests.indicators.factories import IndicatorFactory, ResultFactory

# Real commits: inside a test's own transaction every write waits for its bump, and reads
# after it are computed, never cached (versioning.change_pending).
# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("past_years_open")]


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_the_scope_key_separates_roles_and_countries(staff_user, auditor_user, ghana_officer,
                                                      peru):
    other = UserFactory(username="officer.pe")
    services.user_assign_role(user=other, role=EMBASSY_OFFICER, countries=[peru])
    second_staff = UserFactory(username="staff.two")
    services.user_assign_role(user=second_staff, role=TIP_STAFF)
    keys = {user.username: scoping.scope_key(get_user_model().objects.get(pk=user.pk))
            for user in (staff_user, auditor_user, ghana_officer, other, second_staff)}
    assert keys["staff"] == keys["staff.two"]  # the same scope shares
    assert len({keys[name] for name in ("staff", "audit", "officer.gh", "officer.pe")}) == 4


def test_reads_without_a_pending_write_come_from_the_cache(staff_user, ghana_compact):
    client = signed_in(staff_user)
    url = reverse("compacts:compact-list")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "compacts_recordsversion" in sql and "compacts_compact" not in sql


def test_officers_of_different_countries_never_share_a_cached_list(
        ghana_officer, ghana_compact, peru_compact, peru):
    other = UserFactory(username="officer.pe")
    services.user_assign_role(user=other, role=EMBASSY_OFFICER, countries=[peru])
    ghana_page = signed_in(ghana_officer).get(reverse("compacts:compact-list"))
    peru_page = signed_in(other).get(reverse("compacts:compact-list"))
    assert ghana_compact.title in ghana_page.content.decode()
    assert peru_compact.title not in ghana_page.content.decode()
    # Peru's officer asks second, for the same address: not Ghana's entry.
    assert peru_compact.title in peru_page.content.decode()
    assert ghana_compact.title not in peru_page.content.decode()

    ghana_api = signed_in(ghana_officer).get("/api/v1/compacts/").json()
    peru_api = signed_in(other).get("/api/v1/compacts/").json()
    assert [c["id"] for c in ghana_api["results"]] == [ghana_compact.pk]
    assert [c["id"] for c in peru_api["results"]] == [peru_compact.pk]


def test_a_committed_write_shows_on_the_next_request(staff_user, ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact, code="PROS-1")
    result = ResultFactory(indicator=indicator, fiscal_year=2023, status="submitted")
    client = signed_in(staff_user)
    url = reverse("indicators:compact-indicators", args=[ghana_compact.pk])
    api = "/api/v1/results/?status=submitted"
    assert "Results awaiting review (1)" in client.get(url).content.decode()
    assert client.get(api).json()["count"] == 1
    # Served again from the cache: nothing computed, the same answer.
    assert "Results awaiting review (1)" in client.get(url).content.decode()

    version = records_version()
    from indicators.services import result_approve
    result_approve(user=staff_user, result=result)
    assert records_version() == version + 1

    assert "Results awaiting review" not in client.get(url).content.decode()
    assert client.get(api).json()["count"] == 0


def test_a_cached_form_carries_each_readers_own_csrf_token(staff_user, ghana_compact):
    """Two TIP staff share the scope: the second reads the first's cached page, with their
    own token in its forms, and both tokens are accepted."""
    indicator = IndicatorFactory(compact=ghana_compact, code="PROS-1")
    first, second = (ResultFactory(indicator=indicator, fiscal_year=year, status="submitted")
                     for year in (2023, 2024))
    other_staff = UserFactory(username="staff.two")
    services.user_assign_role(user=other_staff, role=TIP_STAFF)
    url = reverse("indicators:compact-indicators", args=[ghana_compact.pk])

    readers = []
    for user in (staff_user, other_staff):
        client = signed_in(user, enforce_csrf_checks=True)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        assert CSRF_PLACEHOLDER not in page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        readers.append((client, token, len(queries)))
    assert readers[1][2] < readers[0][2]  # the second page came from the cache

    for (client, token, _), result in zip(readers, (first, second), strict=True):
        approve = reverse("indicators:result-approve", args=[ghana_compact.pk, result.pk])
        response = client.post(approve, {"csrfmiddlewaretoken": token})
        assert response.status_code == 302, response.status_code  # not 403: the token holds
    assert readers[0][1] != readers[1][1]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == "approved"


def test_a_request_reads_the_records_version_once(staff_user, ghana_compact):
    client = signed_in(staff_user)
    for url in (reverse("oversight:dashboard"), reverse("compacts:compact-list")):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        reads = [q for q in queries.captured_queries
                 if "compacts_recordsversion" in q["sql"]]
        assert len(reads) == 1, url


def test_a_write_in_the_request_forgets_the_version_read_before_it(ghana_compact, staff_user):
    from django.db import transaction

    from cpc.access.cache_version import RequestVersionMiddleware

    seen = []

    def view(request):
        seen.append(records_version())
        with transaction.atomic():
            services.extension_create(user=staff_user, compact=ghana_compact,
                                      signed_on=ghana_compact.end_date,
                                      new_end_date=ghana_compact.end_date.replace(
                                          year=ghana_compact.end_date.year + 1),
                                      reason="Extended")
        seen.append(records_version())
        return None

    RequestVersionMiddleware(view)(object())
    assert seen[1] == seen[0] + 1


def test_another_release_never_reads_this_ones_content(staff_user, monkeypatch):
    """Content rendered by one release (its templates) is not served by the next."""
    from django.test import RequestFactory

    from cpc.access import cache_version, fragments

    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    request = RequestFactory().get("/")
    request.user = staff_user
    monkeypatch.setattr(cache_version, "release", lambda: "release-one")
    assert fragments.cached(request, "page", (), compute) == 1
    assert fragments.cached(request, "page", (), compute) == 1  # from the cache
    monkeypatch.setattr(cache_version, "release", lambda: "release-two")
    assert fragments.cached(request, "page", (), compute) == 2
