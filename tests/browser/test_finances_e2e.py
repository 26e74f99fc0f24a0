"""End to end: TIP staff import a financial-system export of Colombia's award finances (check
the file, read the preview, confirm), then read the burn rate and the unspent balance on the
compact's page, and find the award still open after its compact ended flagged on an ended
compact's page. Every page of the journey is checked at 1280 and 320 px (axe, no sideways
scroll)."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from compacts.models import AwardFinance
from tests.browser.conftest import sign_in
from tests.compacts.factories import AwardFactory, AwardFinanceFactory, CompactFactory

pytestmark = pytest.mark.browser
PASSWORD = "pw-for-tests-1"
EXPORT = (
    "award_number,fiscal_year,obligated_usd,disbursed_usd,spent_usd,source_reference,as_of\n"
    "CO-2022-01,2023,2000000.00,1500000.00,1200000.00,FMS-CO-23-01,2023-11-15\n"
    "CO-2022-01,2024,1000000.00,1200000.00,1100000.00,FMS-CO-24-01,2024-11-15\n"
    "CO-2022-02,2023,1600000.00,1000000.00,900000.00,FMS-CO-23-02,2023-11-15\n"
)


@pytest.fixture
def portfolio(colombia, ghana):
    colombia_compact = CompactFactory(country=colombia,
                                      title="Colombia Child Protection Compact Partnership")
    for number, amount in (("CO-2022-01", "6000000"), ("CO-2022-02", "3600000")):
        AwardFactory(compact=colombia_compact, award_number=number, amount_usd=Decimal(amount),
                     start_date=dt.date(2022, 10, 1), end_date=dt.date(2027, 3, 31))
    ghana_compact = CompactFactory(
        country=ghana, title="Ghana Child Protection Compact Partnership", status="closed",
        signed_on=dt.date(2015, 6, 23), start_date=dt.date(2015, 6, 23),
        end_date=dt.date(2020, 6, 23))
    for number, spent in (("GH-2015-01", "1000000"), ("GH-2015-02", "880000")):
        award = AwardFactory(compact=ghana_compact, award_number=number,
                             amount_usd=Decimal("1000000"), start_date=dt.date(2015, 9, 1),
                             end_date=dt.date(2020, 6, 1))
        AwardFinanceFactory(award=award, fiscal_year=2020, obligated_usd=Decimal("1000000"),
                            disbursed_usd=Decimal(spent), spent_usd=Decimal(spent),
                            as_of=dt.date(2020, 11, 15))
    return colombia_compact, ghana_compact


def test_staff_import_colombia_finances_and_find_open_awards(page, staff_user, portfolio,
                                                             check_page):
    colombia_compact, ghana_compact = portfolio
    staff_user.set_password(PASSWORD)
    staff_user.save()
    sign_in(page, staff_user.username, PASSWORD)

    # From Colombia's compact page, staff open the import.
    page.goto(f"/compacts/{colombia_compact.pk}/")
    panel = page.get_by_test_id("finances-panel")
    expect(panel).to_contain_text("No finance figures recorded yet.")
    panel.get_by_test_id("finance-import-link").click()
    check_page("import")

    # They check the export: the preview lists its rows and nothing is saved yet.
    page.locator("input[type=file]").set_input_files(
        {"name": "colombia-finances.csv", "mimeType": "text/csv", "buffer": EXPORT.encode()})
    page.get_by_test_id("check-import").click()
    expect(page.get_by_test_id("preview-row")).to_have_count(3)
    check_page("preview")
    assert AwardFinance.objects.filter(award__compact=colombia_compact).count() == 0

    # They confirm; the compact page shows the burn rate and the unspent balance.
    page.get_by_test_id("confirm-import").click()
    expect(page.get_by_test_id("finances-panel")).to_be_visible()
    # Obligated 4.6M, spent 3.2M: 1.4M unspent, 69.6% burnt.
    expect(page.get_by_test_id("finance-obligated")).to_have_text("$4,600,000.00")
    expect(page.get_by_test_id("finance-unspent")).to_have_text("$1,400,000.00")
    expect(page.get_by_test_id("finance-burn-rate")).to_have_text("69.6%")
    expect(page.get_by_test_id("finance-open-after-end-count")).to_have_text(
        "The compact has not ended")
    check_page("compact-page")

    # Staff add FY2024 of the second award by hand, on the award's page.
    page.get_by_test_id("finance-award-row").filter(has_text="CO-2022-02").get_by_test_id(
        "award-finances-link").click()
    check_page("entry")
    page.locator("#id_fy2024-obligated_usd").fill("400000")
    page.locator("#id_fy2024-disbursed_usd").fill("300000")
    page.locator("#id_fy2024-spent_usd").fill("200000")
    page.locator("#id_fy2024-source_reference").fill("FMS-CO-24-02")
    page.locator("#id_fy2024-as_of").fill("2024-11-15")
    page.get_by_role("button", name="Save the figures").click()
    expect(page.get_by_test_id("finance-unspent")).to_have_text("$1,600,000.00")
    expect(page.get_by_test_id("finance-burn-rate")).to_have_text("68.0%")

    # On Ghana's ended compact, the award that kept a balance is flagged, the other not.
    page.goto(f"/compacts/{ghana_compact.pk}/")
    expect(page.get_by_test_id("finance-open-after-end-count")).to_have_text("1")
    flagged = page.locator("tr[data-testid=finance-award-row]",
                           has=page.get_by_test_id("open-after-end"))
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("GH-2015-02")
    check_page("ended-compact")
    check_page.assert_clean()
