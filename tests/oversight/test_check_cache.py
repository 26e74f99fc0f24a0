"""Cached verdicts of the six checks (oversight/check_cache.py): served from the cache while
the records stand still, never after a committed write to them, and recomputed on the next
day. The rules themselves are tested against compliance.py; these tests hold the cache to
giving the same answers."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from contributions import services as contribution_services
from cpc.access.cache_version import records_version
from oversight.check_cache import cached_compliance_for_compacts
from oversight.compliance import compliance_for_compacts
from tests.contributions.factories import ContributionFactory

# These tests write figures of past fiscal years, locked by now, about other rules.
pytestmark = pytest.mark.usefixtures("past_years_open")

FY = 2024
TODAY = dt.date(2025, 2, 1)  # after FY 2024 and its dialogue window


@pytest.fixture(autouse=True)
def empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def table_of(response) -> str:
    content = response.content.decode()
    start = content.index('data-testid="dashboard-checks"')
    return content[start:content.index("</table>", start)]


def check_5(compact, today=TODAY):
    verdicts = cached_compliance_for_compacts([compact], fiscal_year=FY, today=today)
    return verdicts[compact.pk][4]


@pytest.mark.django_db(transaction=True)  # committed records: nothing waits for a bump
def test_a_cached_verdict_is_the_computed_one_and_costs_one_query(ghana_compact, peru_compact):
    computed = compliance_for_compacts([ghana_compact, peru_compact], fiscal_year=FY,
                                       today=TODAY)
    assert cached_compliance_for_compacts([ghana_compact, peru_compact], fiscal_year=FY,
                                          today=TODAY) == computed
    with CaptureQueriesContext(connection) as queries:
        again = cached_compliance_for_compacts([ghana_compact, peru_compact], fiscal_year=FY,
                                               today=TODAY)
    assert again == computed
    assert len(queries) == 1  # the records version, nothing else


@pytest.mark.django_db(transaction=True)  # real commits: the version grows on commit
def test_a_committed_write_makes_the_next_verdict_new(ghana_compact, staff_user,
                                                      private_storage):
    contribution = ContributionFactory(compact=ghana_compact, fiscal_year=FY,
                                       with_evidence=True)
    before = check_5(ghana_compact)
    assert before.status == "not_met"
    version = records_version()

    contribution_services.contribution_verify(contribution=contribution, user=staff_user)

    assert records_version() == version + 1  # once for the whole transaction
    after = check_5(ghana_compact)
    assert after.status == "met", after.detail
    assert after == compliance_for_compacts([ghana_compact], fiscal_year=FY,
                                            today=TODAY)[ghana_compact.pk][4]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_bumps_nothing(ghana_compact):
    version = records_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        ContributionFactory(compact=ghana_compact, fiscal_year=FY)
        raise RuntimeError("the write fails")
    assert records_version() == version


@pytest.mark.django_db(transaction=True)
def test_writes_outside_the_checked_records_keep_the_cache(ghana_compact, staff_user):
    from reports.models import ReportJob

    version = records_version()
    staff_user.first_name = "Changed"
    staff_user.save()
    ReportJob.objects.create(kind="program_oversight", fiscal_year=FY, requested_by=staff_user)
    assert records_version() == version


def test_a_new_day_is_computed_afresh(ghana_compact):
    check_5(ghana_compact, today=TODAY)
    with CaptureQueriesContext(connection) as queries:
        check_5(ghana_compact, today=TODAY + dt.timedelta(days=1))
    assert len(queries) > 1


@pytest.mark.django_db(transaction=True)
def test_the_compact_page_shows_a_verdict_changed_by_a_write(client, staff_user, ghana_compact,
                                                             private_storage):
    contribution = ContributionFactory(compact=ghana_compact, fiscal_year=FY,
                                       with_evidence=True)
    client.force_login(staff_user)
    url = f"/compacts/{ghana_compact.pk}/?fiscal_year={FY}"
    first = client.get(url).content.decode()
    assert "none worth at least $1,000 with evidence" in first

    contribution_services.contribution_verify(contribution=contribution, user=staff_user)

    second = client.get(url).content.decode()
    assert "none worth at least $1,000 with evidence" not in second
    assert "worth at least $1,000 with evidence and verification by a second person (" in second


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_table_is_served_from_the_cache_until_a_write(
        client, staff_user, ghana_compact, private_storage):
    contribution = ContributionFactory(compact=ghana_compact, fiscal_year=FY,
                                       with_evidence=True)
    client.force_login(staff_user)
    url = f"/?fiscal_year={FY}"
    first = client.get(url)
    assert "none worth at least $1,000 with evidence" in first.content.decode()

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert table_of(again) == table_of(first)
    # Served from the cache: no check read a dialogue, a contribution or a plan.
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "contributions_contribution" not in tables
    assert "compacts_recordsversion" in tables

    contribution_services.contribution_verify(contribution=contribution, user=staff_user)
    after = client.get(url).content.decode()
    assert "none worth at least $1,000 with evidence" not in after
    assert "worth at least $1,000 with evidence and verification by a second person (" in after


@pytest.mark.django_db(transaction=True)
def test_a_migration_writing_records_bumps_once_migrate_has_finished(ghana_compact):
    """Data migrations save through historical models before this app's own table may exist:
    they register no bump of their own, and migrate bumps the version when it is done."""
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    historical = MigrationExecutor(connection).loader.project_state().apps.get_model(
        "compacts", "Compact")
    assert historical.__module__ == "__fake__"
    with transaction.atomic():
        compact = historical.objects.get(pk=ghana_compact.pk)
        compact.save()
        assert not connection.run_on_commit  # no bump waits on a table that may not exist


    version = records_version()
    call_command("migrate", "compacts", verbosity=0)
    assert records_version() == version + 1


@pytest.mark.django_db(transaction=True)
def test_another_release_computes_afresh(ghana_compact, monkeypatch):
    """After a deploy that changes a rule, the previous release's verdicts are never read."""
    from cpc.access import cache_version

    monkeypatch.setattr(cache_version, "release", lambda: "release-one")
    check_5(ghana_compact)
    with CaptureQueriesContext(connection) as queries:
        check_5(ghana_compact)
    assert len(queries) == 1  # the same release reads its own entry
    monkeypatch.setattr(cache_version, "release", lambda: "release-two")
    with CaptureQueriesContext(connection) as queries:
        check_5(ghana_compact)
    assert len(queries) > 1
