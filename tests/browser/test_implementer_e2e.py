"""The implementer's journey in Debian's Chromium against the real app, on the demo data: the
implementer (an organisation holding a Colombia award) signs in, switches the interface to
Spanish, downloads the results template of a fiscal year, uploads it with one bad cell (a
clear error naming the row and column, nothing written), corrects it, uploads it again and
saves; staff then find the results awaiting their review. Every page visited is checked with
axe-core at 1280 and 320 px (conftest.PageChecker)."""

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from playwright.sync_api import expect

from compacts.management.commands.seed_demo import load_demo
from compacts.models import Compact
from cpc.access import scoping
from indicators import bulk
from indicators.models import Result, ResultStatus, StandardIndicator
from indicators.standard_library import load_library
from tests.browser.conftest import TIMEOUT_MS, PageChecker

pytestmark = pytest.mark.browser

PASSWORD = "demo-pass-for-tests"


@pytest.fixture
def demo(transactional_db):
    load_library(StandardIndicator)
    load_demo(password=PASSWORD)


def sign_in(browser, live_server, username):
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit][value='Sign in']")
    return context, page


def row_of(sheet, code):
    for row in range(bulk.FIRST_ROW, sheet.max_row + 1):
        if sheet.cell(row=row, column=bulk.COLUMN["code"]).value == code:
            return row
    raise AssertionError(f"no row for {code} in the template")


def test_implementer_enters_results_from_a_spreadsheet_in_spanish(
        browser, live_server, axe_source, demo, tmp_path):
    implementer = get_user_model().objects.get(username="implementer")
    compact = Compact.objects.get(country__iso_code="CO")
    mine = compact.indicators.filter(pk__in=scoping.recordable_indicator_ids(implementer))
    # The latest year with no result yet for the award's count indicators: new entries.
    year = next(y for y in reversed(compact.fiscal_years())
                if not Result.objects.filter(indicator__in=mine, fiscal_year=y).exists())
    # Count indicators of the implementer's award tracked that year: one bad cell, one good.
    recordable = [i.code for i in mine.order_by("code") if i.is_tracked_in(year)]
    codes = [i.code for i in mine.filter(unit="count").order_by("code") if i.is_tracked_in(year)]
    assert len(codes) >= 2, f"the demo's Colombia award reports too few count indicators: {codes}"
    first, second = codes[:2]
    before = set(Result.objects.values_list("pk", "value", "status"))

    context, page = sign_in(browser, live_server, "implementer")
    check = PageChecker(page, axe_source, "implementer")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()

    # Spanish, chosen in the header's picker.
    page.select_option("#language-picker", "es")
    page.get_by_role("button", name="Change language").click()
    expect(page.get_by_role("heading", name="Mi trabajo")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    check("my-work-es")

    # The compact's spreadsheet page, from My work; the template of the year.
    page.get_by_test_id("bulk-link").click()
    page.select_option("#id_year", str(year))
    page.get_by_test_id("bulk-year-form").get_by_role("button").click()
    check("bulk-es")
    with page.expect_download() as download:
        page.get_by_test_id("bulk-template-link").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    workbook = load_workbook(template)
    sheet = workbook[bulk.SHEET]
    codes_in_file = [sheet.cell(row=r, column=bulk.COLUMN["code"]).value
                     for r in range(bulk.FIRST_ROW, sheet.max_row + 1)]
    # Only the indicators of the implementer's award, not the compact's others.
    assert set(codes_in_file) == set(recordable)
    assert compact.indicators.exclude(code__in=recordable).exists()
    bad_row = row_of(sheet, first)
    sheet.cell(row=bad_row, column=bulk.COLUMN["value"], value="doce")
    sheet.cell(row=row_of(sheet, second), column=bulk.COLUMN["value"], value=7)
    workbook.save(tmp_path / "bad.xlsx")

    page.set_input_files("input[type=file][name=file]", str(tmp_path / "bad.xlsx"))
    page.get_by_test_id("bulk-preview").click()
    error = page.get_by_test_id(f"bulk-error-{get_column_letter(bulk.COLUMN['value'])}{bad_row}")
    expect(error).to_be_visible()
    expect(error).to_contain_text("«doce» no es un número.")
    expect(page.get_by_test_id("bulk-errors-alert")).to_be_visible()
    check("bulk-error-es")
    assert set(Result.objects.values_list("pk", "value", "status")) == before  # nothing

    # Corrected and uploaded again: the preview lists both rows; saving writes them.
    sheet.cell(row=bad_row, column=bulk.COLUMN["value"], value=12)
    workbook.save(tmp_path / "fixed.xlsx")
    page.set_input_files("input[type=file][name=file]", str(tmp_path / "fixed.xlsx"))
    page.get_by_test_id("bulk-preview").click()
    expect(page.get_by_test_id(f"bulk-change-{first}")).to_be_visible()
    expect(page.get_by_test_id(f"bulk-change-{second}")).to_be_visible()
    check("bulk-preview-es")
    page.get_by_test_id("bulk-confirm").click()
    expect(page.locator(".usa-alert--success")).to_be_visible()
    saved = {r.indicator.code: r for r in Result.objects.filter(
        indicator__compact=compact, fiscal_year=year, indicator__code__in=[first, second],
        reported_by=implementer).select_related("indicator")}
    assert {code: (r.value, r.status) for code, r in saved.items()} == {
        first: (12, ResultStatus.SUBMITTED), second: (7, ResultStatus.SUBMITTED)}
    check.assert_clean()
    context.close()

    # Staff find both awaiting their review.
    staff_context, staff = sign_in(browser, live_server, "tip.staff")
    expect(staff.get_by_role("heading", name="My work")).to_be_visible()
    queue = staff.get_by_test_id("queue-review")
    for code in (first, second):
        row = queue.get_by_test_id("queue-result").filter(has_text=f"{code} FY{year}")
        expect(row).to_be_visible()
        expect(row).to_contain_text("implementer")  # submitted by the implementer
    staff_context.close()
