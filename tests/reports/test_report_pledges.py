"""Pledged against recorded and verified: the contributions page, the API and the report
print the same figures, from the one comparison (contributions.pledges)."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from contributions import services as contribution_services
from reports.content import report_content
from reports.rendering import render_html
from tests.compacts.factories import PartnerPledgeFactory
from tests.contributions.factories import ContributionFactory
from tests.reports.factories import FISCAL_YEAR

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]

AS_OF = dt.datetime(2025, 1, 15, 12, 0, tzinfo=dt.UTC)


def report_html(compact, kind="compact_oversight"):
    return render_html(report_content(
        kind=kind, fiscal_year=FISCAL_YEAR,
        compact_id=compact.pk if kind == "compact_oversight" else None, data_as_of=AS_OF))


def pledge_table(html: str) -> str:
    return html.split('data-testid="report-pledges"', 1)[1].split("</table>", 1)[0]


@pytest.fixture
def pledged(ghana_compact, staff_user, supervisor_user, private_storage):
    PartnerPledgeFactory(compact=ghana_compact, fiscal_year=2023, amount_local=None,
                         currency="", amount_usd=Decimal("400000"))
    PartnerPledgeFactory(compact=ghana_compact, fiscal_year=FISCAL_YEAR,
                         amount_local=Decimal("3000000"), currency="GHS",
                         amount_usd=Decimal("400000"))
    PartnerPledgeFactory(compact=ghana_compact, fiscal_year=2026,
                         amount_usd=Decimal("999999"))  # after the report's year
    ContributionFactory(compact=ghana_compact, fiscal_year=FISCAL_YEAR,
                        amount_usd=Decimal("50000"), recorded_by=staff_user)
    verified = ContributionFactory(compact=ghana_compact, fiscal_year=FISCAL_YEAR,
                                   amount_usd=Decimal("150000"), with_evidence=True,
                                   recorded_by=staff_user)
    contribution_services.contribution_verify(contribution=verified, user=supervisor_user)
    return ghana_compact


def test_page_api_and_report_agree(pledged, client, staff_user, staff_api):
    compact = pledged
    client.force_login(staff_user)
    page = client.get(f"/contributions/compacts/{compact.pk}/").content.decode()
    api = staff_api.get(f"/api/v1/compacts/{compact.pk}/pledges/").json()
    row = next(r for r in api["by_year"] if r["fiscal_year"] == FISCAL_YEAR)
    assert (row["pledged_usd"], row["recorded_usd"], row["verified_usd"]) == (
        "400000.00", "200000.00", "150000.00")
    assert row["verified_share_of_pledge"] == "38"
    assert row["pledged_local"] == [{"currency": "GHS", "amount": "3000000.00"}]
    page_table = page.split('data-testid="pledge-table"', 1)[1].split("</table>", 1)[0]
    fy_row = page_table.split(f"FY{FISCAL_YEAR}", 1)[1].split("</tr>", 1)[0]
    for figure in ("$400,000", "GHS 3,000,000", "$200,000", "$150,000", "38%"):
        assert figure in fy_row
    report = pledge_table(report_html(compact))
    report_row = report.split(f"<td>FY{FISCAL_YEAR}</td>", 1)[1].split("</tr>", 1)[0]
    for figure in ("$400,000", "GHS 3,000,000", "$200,000", "$150,000", "38%"):
        assert figure in report_row
    # The report stops at its year: the FY2026 pledge is not in its total.
    total = report.split("Total to FY", 1)[1].split("</tr>", 1)[0]
    assert "$800,000" in total and "999,999" not in report


def test_the_program_report_prints_the_year_and_the_total(pledged):
    report = pledge_table(report_html(pledged, kind="program_oversight"))
    assert re.findall(r"<td>FY(\d{4})</td>", report) == [str(FISCAL_YEAR)]
    assert "$800,000" in report.split("Total to FY", 1)[1]


def test_a_compact_without_pledges_has_no_pledge_table(ghana_compact):
    assert 'data-testid="report-pledges"' not in report_html(ghana_compact)
