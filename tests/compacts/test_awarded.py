"""Figures that agree: the U.S. funding ceiling at signing beside the awarded total, and a
ceiling or planned partner contribution that is "not reported" rather than $0 when the
compact gives none."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compacts.models import Compact
from contributions.selectors import PartnerTotals, funding_total, funding_years
from tests.compacts.factories import AwardFactory, CompactFactory
from tests.contributions.factories import ContributionFactory


@pytest.fixture
def ghana_with_awards(ghana):
    # The ceiling at signing and the awards differ (test figures, not Ghana's).
    compact = CompactFactory(country=ghana, us_funding_usd=Decimal("6900000.00"))
    AwardFactory(compact=compact, amount_usd=Decimal("3000000.00"))
    AwardFactory(compact=compact, amount_usd=Decimal("2000000.00"))
    return compact


class TestAwardedInTheApi:
    def test_awarded_is_the_sum_of_the_awards_beside_the_ceiling(self, staff_api,
                                                                  ghana_with_awards):
        body = staff_api.get(f"/api/v1/compacts/{ghana_with_awards.pk}/").json()
        assert body["us_funding_usd"] == "6900000.00"
        assert body["us_awarded_usd"] == "5000000.00"

    def test_a_compact_without_awards_has_awarded_zero(self, staff_api, ghana_compact):
        body = staff_api.get(f"/api/v1/compacts/{ghana_compact.pk}/").json()
        assert body["us_awarded_usd"] == "0.00"

    def test_awarded_follows_a_new_award(self, staff_api, ghana_with_awards):
        AwardFactory(compact=ghana_with_awards, amount_usd=Decimal("250000.50"))
        body = staff_api.get(f"/api/v1/compacts/{ghana_with_awards.pk}/").json()
        assert body["us_awarded_usd"] == "5250000.50"

    def test_awarded_is_read_only(self, staff_api, ghana_with_awards):
        response = staff_api.patch(f"/api/v1/compacts/{ghana_with_awards.pk}/",
                                   {"us_awarded_usd": "1.00"}, format="json")
        assert response.status_code == 200
        assert response.json()["us_awarded_usd"] == "5000000.00"

    def test_awarded_counts_only_the_compacts_own_awards(self, staff_api, ghana_with_awards,
                                                         peru_compact):
        AwardFactory(compact=peru_compact, amount_usd=Decimal("700000.00"))
        rows = {row["id"]: row for row in staff_api.get("/api/v1/compacts/").json()["results"]}
        assert rows[ghana_with_awards.pk]["us_awarded_usd"] == "5000000.00"
        assert rows[peru_compact.pk]["us_awarded_usd"] == "700000.00"

    def test_list_queries_do_not_grow_with_compacts_or_awards(self, staff_api,
                                                              django_assert_num_queries):
        def build(compacts, awards):
            for _ in range(compacts):
                compact = CompactFactory()
                for _ in range(awards):
                    AwardFactory(compact=compact)

        build(2, 1)
        staff_api.get("/api/v1/me/")  # the user's roles are read once, then cached
        with CaptureQueriesContext(connection) as few:
            assert staff_api.get("/api/v1/compacts/").status_code == 200
        build(8, 4)
        assert Compact.objects.count() == 10
        with django_assert_num_queries(len(few.captured_queries)):
            response = staff_api.get("/api/v1/compacts/")
        assert {row["us_awarded_usd"] for row in response.json()["results"]} == {
            "1000000.00", "4000000.00"}


class TestPlannedPartnerContribution:
    def test_new_compacts_default_to_not_reported(self, staff_api, ghana):
        response = staff_api.post("/api/v1/compacts/", {
            "country": ghana.pk, "title": "Draft compact", "status": "draft"}, format="json")
        assert response.status_code == 201
        assert response.json()["partner_contribution_planned_usd"] is None
        assert Compact.objects.get(pk=response.json()["id"]
                                   ).partner_contribution_planned_usd is None

    def test_a_figure_can_be_cleared_and_negative_is_refused(self, staff_api, ghana_compact):
        url = f"/api/v1/compacts/{ghana_compact.pk}/"
        cleared = staff_api.patch(url, {"partner_contribution_planned_usd": None},
                                  format="json")
        assert cleared.status_code == 200
        assert cleared.json()["partner_contribution_planned_usd"] is None
        negative = staff_api.patch(url, {"partner_contribution_planned_usd": "-1"},
                                   format="json")
        assert negative.status_code == 400
        assert "partner_contribution_planned_usd" in negative.json()

    def test_funding_picture_keeps_not_reported_apart_from_zero(self, ghana):
        compact = CompactFactory(country=ghana, partner_contribution_planned_usd=None)
        years = funding_years(compact, awards=[],
                              recorded={2023: PartnerTotals(unverified_usd=Decimal("500.00"))})
        assert years and all(y.partner_planned_usd is None for y in years)
        assert all(y.partner_share_of_plan is None for y in years)
        total = funding_total(years)
        assert total.partner_planned_usd is None
        assert total.partner_unverified_usd == Decimal("500.00")
        zero = CompactFactory(country=ghana, title="Zero",
                              partner_contribution_planned_usd=Decimal("0.00"))
        assert funding_total(funding_years(zero, awards=[], recorded={})
                             ).partner_planned_usd == Decimal("0")


class TestPages:
    def test_compact_page_shows_ceiling_and_awarded_as_two_figures(self, client, staff_user,
                                                                   ghana_with_awards):
        ghana_with_awards.partner_contribution_planned_usd = None
        ghana_with_awards.save()
        client.force_login(staff_user)
        response = client.get(f"/compacts/{ghana_with_awards.pk}/")
        html = response.content.decode()
        assert "Ceiling at signing" in html and "$6,900,000.00" in html
        assert 'data-testid="us-awarded">$5,000,000.00<' in html
        assert 'data-testid="partner-planned">Not reported<' in html

    def test_contributions_page_prints_not_reported_never_zero(self, client, staff_user,
                                                               ghana):
        compact = CompactFactory(country=ghana, partner_contribution_planned_usd=None)
        ContributionFactory(compact=compact, fiscal_year=2023, amount_usd=Decimal("1000"))
        client.force_login(staff_user)
        html = client.get(f"/contributions/compacts/{compact.pk}/").content.decode()
        table = html.split('data-testid="funding-table"', 1)[1].split("</table>", 1)[0]
        years = len(compact.fiscal_years())
        # The planned figure of every year and the total, and the three partner figures
        # (verified, in kind, not verified) of every year but FY2023 (the one with a
        # contribution).
        assert table.count("Not reported") == (years + 1) + 3 * (years - 1)
        chart = html.split('data-testid="funding-chart"', 1)[1].split("</figure>", 1)[0]
        assert "Partner contribution planned not reported" in chart
        assert "Partner contribution planned $0" not in chart

    def test_compact_list_shows_awarded(self, client, staff_user, ghana_with_awards):
        client.force_login(staff_user)
        html = client.get("/compacts/").content.decode()
        assert "Total awarded" in html and "$5,000,000" in html

    def test_a_ceiling_not_reported_reads_so_never_zero(self, client, staff_user, staff_api,
                                                        ghana_with_awards):
        # Only the total awarded is public for some compacts (Jamaica, Mongolia).
        response = staff_api.patch(f"/api/v1/compacts/{ghana_with_awards.pk}/",
                                   {"us_funding_usd": None}, format="json")
        assert response.status_code == 200 and response.json()["us_funding_usd"] is None
        client.force_login(staff_user)
        html = client.get(f"/compacts/{ghana_with_awards.pk}/").content.decode()
        assert 'data-testid="us-funding-ceiling">Not reported<' in html
        listing = client.get("/compacts/").content.decode()
        assert 'data-testid="ceiling">Not reported<' in listing
        # Figures users enter carry no sample mark.
        assert 'data-testid="sample-tag"' not in html + listing
