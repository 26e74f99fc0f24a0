"""The indicator performance tracking table export: content, scope, query budget."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.compacts.factories import ExtensionFactory
from tests.indicators.factories import IndicatorFactory, ResultFactory, TargetFactory


def csv_url(compact):
    return f"/indicators/compact/{compact.pk}/export.csv"


def xlsx_url(compact):
    return f"/indicators/compact/{compact.pk}/export.xlsx"


@pytest.fixture
def table(ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact, code="PROS-1", baseline_value=Decimal("4"),
                                 baseline_year=2021)
    TargetFactory(indicator=indicator, fiscal_year=2024, value=Decimal("20"))
    ResultFactory(indicator=indicator, fiscal_year=2024, value=Decimal("18"))
    ResultFactory(indicator=indicator, fiscal_year=2025, value=Decimal("99"), status="submitted")
    return indicator


def test_staff_downloads_the_csv(client, staff_user, table):
    client.force_login(staff_user)
    response = client.get(csv_url(table.compact))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    row = rows[0]
    assert (row["code"], row["baseline value"], row["baseline year"]) == ("PROS-1", "4", "2021")
    assert (row["FY2024 target"], row["FY2024 actual"], row["FY2024 percent of target"],
            row["FY2024 status"]) == ("20", "18", "90", "At risk")
    # The submitted 2025 figure does not count.
    assert (row["FY2025 actual"], row["FY2025 status"]) == ("", "No target")
    # FY2025 has ended without a target: the life of compact has none to compare with.
    assert (row["life of compact target"], row["life of compact actual"],
            row["life of compact status"]) == ("", "18", "No target")


def test_auditor_downloads_the_xlsx(client, auditor_user, table):
    client.force_login(auditor_user)
    response = client.get(xlsx_url(table.compact))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[3]]
    values = dict(zip(header, [c.value for c in sheet[4]], strict=True))
    assert values["FY2024 actual"] == 18
    assert values["FY2024 status"] == "At risk"


def test_the_table_covers_extension_years(client, staff_user, table):
    ExtensionFactory(compact=table.compact)
    client.force_login(staff_user)
    header = client.get(csv_url(table.compact)).content.decode().splitlines()[0]
    assert "FY2028 target" in header


def test_officer_gets_404_outside_their_countries(client, ghana_officer, peru_compact, table):
    client.force_login(ghana_officer)
    assert client.get(csv_url(peru_compact)).status_code == 404
    assert client.get(xlsx_url(peru_compact)).status_code == 404
    assert client.get(csv_url(table.compact)).status_code == 200


def test_anonymous_is_sent_to_login(client, table):
    response = client.get(csv_url(table.compact))
    assert response.status_code == 302


@pytest.mark.parametrize("url", [csv_url, xlsx_url])
def test_export_queries_do_not_grow_with_indicators(client, staff_user, ghana_compact,
                                                    django_assert_num_queries, url):
    def populate(count):
        for _ in range(count):
            indicator = IndicatorFactory(compact=ghana_compact)
            for year in (2023, 2024):
                TargetFactory(indicator=indicator, fiscal_year=year)
                ResultFactory(indicator=indicator, fiscal_year=year)

    client.force_login(staff_user)
    populate(5)
    client.get(url(ghana_compact))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(ghana_compact)).status_code == 200
    populate(45)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url(ghana_compact)).status_code == 200
