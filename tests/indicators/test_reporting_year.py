"""The data-entry grid puts the fiscal year being reported first (the last one ended), so a
narrow screen shows it without scrolling; the compact's other years follow in order."""

import datetime as dt
import re

import pytest

from cpc.fiscal import fiscal_year_of, year_being_reported
from tests.indicators.factories import IndicatorFactory
from tests.indicators.test_pages import entry_url


@pytest.mark.parametrize(("today", "expected"), [
    (dt.date(2026, 12, 7), 2026),   # FY2027 runs: FY2026 ended in September
    (dt.date(2026, 9, 30), 2025),   # the last day of FY2026: FY2025 is reported
    (dt.date(2031, 1, 1), 2027),    # the compact is over: its last year
    (dt.date(2021, 12, 1), None),   # no year of the compact has ended
])
def test_the_year_being_reported(today, expected):
    assert year_being_reported([2022, 2023, 2024, 2025, 2026, 2027], today) == expected


def test_the_grid_heads_its_columns_with_the_year_being_reported(
        client, ghana_officer, ghana_compact):
    count = IndicatorFactory(compact=ghana_compact, code="PROT-1")
    years = count.compact.fiscal_years()
    reporting = year_being_reported(years, dt.date.today())
    assert reporting and reporting != years[0], (years, fiscal_year_of(dt.date.today()))
    client.force_login(ghana_officer)
    content = client.get(entry_url(count.compact)).content.decode()
    heads = re.findall(r'<th scope="col"[^>]*>FY (\d{4})', content)
    assert heads == [str(y) for y in [reporting, *(y for y in years if y != reporting)]]
    assert 'data-testid="reporting-year">FY ' + str(reporting) in content
    cells = re.findall(rf'data-testid="cell-{count.code}-(\d{{4}})"', content)
    assert cells == heads  # each row's cells in the same order as the heads
