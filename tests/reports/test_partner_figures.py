"""Report figures that agree: the ceiling beside the awarded total, a planned partner
contribution that is not reported rather than $0, and a partner-budget status that rests on
the same contribution facts as check 5."""

import datetime as dt
from decimal import Decimal

import pytest

from contributions import services as contribution_services
from reports.content import report_content
from reports.rendering import render_html
from tests.compacts.factories import AwardFactory
from tests.contributions.factories import ContributionFactory
from tests.indicators.factories import IndicatorFactory, ResultFactory, TargetFactory
from tests.reports.factories import FISCAL_YEAR

# Tests of other rules that write figures of past fiscal years, locked by now.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]

AS_OF = dt.datetime(2025, 1, 15, 12, 0, tzinfo=dt.UTC)


def html_of(compact, kind="compact_oversight"):
    return render_html(report_content(
        kind=kind, fiscal_year=FISCAL_YEAR,
        compact_id=compact.pk if kind == "compact_oversight" else None, data_as_of=AS_OF))


@pytest.fixture
def partner_budget(ghana_compact):
    """A partner-budget indicator whose FY2024 result beats its target: 'On track' by the
    progress rule alone."""
    indicator = IndicatorFactory(compact=ghana_compact, code="PART-1", pillar="partnership",
                                 unit="usd", is_key=True,
                                 name="Partner-government budget for child protection")
    TargetFactory(indicator=indicator, fiscal_year=FISCAL_YEAR, value=Decimal("250000"))
    ResultFactory(indicator=indicator, fiscal_year=FISCAL_YEAR, value=Decimal("300000"))
    return indicator


def status_cell(html, code):
    row = html.split(f"<td>{code} ", 1)[1].split("</tr>", 1)[0]
    return row.rsplit("<td", 1)[1]


@pytest.mark.parametrize("kind", ["compact_oversight", "program_oversight"])
def test_partner_budget_is_not_on_track_without_a_counted_contribution(kind, ghana_compact,
                                                                        partner_budget):
    html = html_of(ghana_compact, kind)
    assert "No partner contribution is recorded for FY2024." in html  # check 5
    cell = status_cell(html, "PART-1")
    assert "On track" not in cell
    assert "Not judged: no partner contribution is recorded for FY2024 (check 5)" in cell


def test_an_unverified_contribution_does_not_make_it_on_track(ghana_compact, partner_budget):
    ContributionFactory(compact=ghana_compact, fiscal_year=FISCAL_YEAR)
    cell = status_cell(html_of(ghana_compact), "PART-1")
    assert "On track" not in cell
    assert "no recorded partner contribution has a value, evidence and verification" in cell


def test_a_counted_contribution_lets_the_progress_rule_speak(ghana_compact, partner_budget,
                                                             staff_user, private_storage):
    contribution = ContributionFactory(compact=ghana_compact, fiscal_year=FISCAL_YEAR,
                                       with_evidence=True)
    contribution_services.contribution_verify(contribution=contribution, user=staff_user)
    html = html_of(ghana_compact)
    assert "On track" in status_cell(html, "PART-1")
    assert "Not judged" not in html


def test_other_indicators_keep_their_status(ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact, code="PROT-1", pillar="protection",
                                 unit="count", is_key=True)
    TargetFactory(indicator=indicator, fiscal_year=FISCAL_YEAR, value=Decimal("10"))
    ResultFactory(indicator=indicator, fiscal_year=FISCAL_YEAR, value=Decimal("12"))
    assert "On track" in status_cell(html_of(ghana_compact), "PROT-1")


@pytest.mark.parametrize("kind", ["compact_oversight", "program_oversight"])
def test_ceiling_awarded_and_not_reported_figures(kind, ghana_compact):
    ghana_compact.us_funding_usd = Decimal("6900000")
    ghana_compact.partner_contribution_planned_usd = None
    ghana_compact.save()
    AwardFactory(compact=ghana_compact, amount_usd=Decimal("5000000"))
    html = html_of(ghana_compact, kind)
    assert "U.S. funding ceiling at signing $6,900,000 · total awarded $5,000,000" in html
    assert "partner contribution planned not reported" in html
    funding = html.split("Funding: U.S. awards and partner contributions", 1)[1].split(
        "</table>", 1)[0]
    rows = funding.split("<tbody>", 1)[1].split("</tr>")[:-1]
    # Fiscal year, U.S. awards, partner planned, partner recorded: planned is never $0.
    planned = [row.split('<td class="num">')[2].split("<", 1)[0] for row in rows]
    assert planned and set(planned) == {"not reported"}
