"""Pages: country scope, role rules, exports, the funding picture and query budgets."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from openpyxl import load_workbook

from contributions import charts, selectors
from tests.compacts.factories import AwardFactory, CompactFactory, PartnerCountryFactory
from tests.contributions.factories import (
    ContributionFactory,
    FollowUpFactory,
    MeasureFactory,
    SustainabilityPlanFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = settings.STORAGES | {
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}}}


def urls_of(compact):
    base = f"/contributions/compacts/{compact.pk}"
    return [f"{base}/", f"{base}/sustainability-plan/", f"{base}/export.csv",
            f"{base}/export.xlsx"]


def test_anonymous_user_is_sent_to_login(client, ghana_compact):
    for url in ["/contributions/", "/contributions/overdue-plans/", *urls_of(ghana_compact)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")


def test_officer_gets_404_for_every_page_of_another_country(client, ghana_officer,
                                                            peru_compact):
    client.force_login(ghana_officer)
    for url in [*urls_of(peru_compact), f"/contributions/compacts/{peru_compact.pk}/import/"]:
        assert client.get(url).status_code == 404, url


def test_contributions_page_shows_table_funding_picture_and_chart(client, ghana_officer,
                                                                  ghana_compact):
    ContributionFactory(compact=ghana_compact, fiscal_year=2023, description="Sample: shelters",
                        amount_usd=Decimal("25000"))
    AwardFactory(compact=ghana_compact)
    client.force_login(ghana_officer)
    response = client.get(f"/contributions/compacts/{ghana_compact.pk}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Sample: shelters" in content
    assert [y.fiscal_year for y in response.context["funding_years"]] == list(range(2022, 2028))
    assert "<svg" in content and "<title id=\"funding-title\">" in content
    assert 'data-testid="funding-row"' in content
    assert "Import a file" not in content  # officers do not import


def test_exports_as_csv_and_xlsx_can_be_imported_again(client, auditor_user, ghana_compact):
    ContributionFactory(compact=ghana_compact, description="=HYPERLINK(\"x\")")
    ContributionFactory(compact=ghana_compact, kind="personnel", personnel_count=4,
                        amount_usd=Decimal("0"), amount_local=Decimal("0"))
    client.force_login(auditor_user)
    base = f"/contributions/compacts/{ghana_compact.pk}"
    response = client.get(f"{base}/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:7] == ["fiscal_year", "kind", "description", "amount_local", "currency",
                           "amount_usd", "personnel_count"]
    assert len(rows) == 3
    assert rows[1][2] == "'=HYPERLINK(\"x\")"  # not run as a formula
    workbook = load_workbook(io.BytesIO(client.get(f"{base}/export.xlsx").content))
    assert workbook.active.max_row == 3
    assert client.get(f"{base}/export.pdf").status_code == 404


def test_plan_page_shows_measures_and_follow_ups_and_officer_adds_one(client, ghana_officer,
                                                                       ghana_compact):
    plan = SustainabilityPlanFactory(compact=ghana_compact, requested=True)
    MeasureFactory(plan=plan, description="Sample: budget line for shelters")
    FollowUpFactory(plan=plan, note="Sample: called the ministry")
    client.force_login(ghana_officer)
    url = f"/contributions/compacts/{ghana_compact.pk}/sustainability-plan/"
    content = client.get(url).content.decode()
    assert "Sample: budget line for shelters" in content
    assert "Sample: called the ministry" in content
    assert "Overdue" in content
    response = client.post(url, {"date": "2024-08-01", "note": "Met the minister."})
    assert response.status_code == 302
    assert plan.follow_ups.count() == 2
    assert client.post(url, {"date": "", "note": ""}).status_code == 400


def test_auditor_reads_the_plan_page_but_cannot_add_follow_ups(client, auditor_user,
                                                               ghana_compact):
    plan = SustainabilityPlanFactory(compact=ghana_compact, requested=True)
    client.force_login(auditor_user)
    url = f"/contributions/compacts/{ghana_compact.pk}/sustainability-plan/"
    response = client.get(url)
    assert response.status_code == 200
    assert b"follow-up-form" not in response.content
    assert client.post(url, {"date": "2024-08-01", "note": "x"}).status_code == 403
    assert plan.follow_ups.count() == 0


def test_evidence_and_plan_document_pages_are_404_outside_the_country(
    client, ghana_officer, staff_user, ghana_compact, peru_compact
):
    mine = ContributionFactory(compact=ghana_compact)
    mine.evidence.save("receipt.pdf", ContentFile(b"ghana evidence"))
    theirs = ContributionFactory(compact=peru_compact, currency="PEN")
    theirs.evidence.save("receipt.pdf", ContentFile(b"peru evidence"))
    plan = SustainabilityPlanFactory(compact=peru_compact)
    plan.document.save("plan.pdf", ContentFile(b"peru plan"))
    client.force_login(ghana_officer)
    response = client.get(f"/contributions/evidence/{mine.pk}/")
    assert b"".join(response.streaming_content) == b"ghana evidence"
    assert client.get(f"/contributions/evidence/{theirs.pk}/").status_code == 404
    assert client.get(f"/contributions/plans/{plan.pk}/document/").status_code == 404
    client.force_login(staff_user)
    response = client.get(f"/contributions/plans/{plan.pk}/document/")
    assert b"".join(response.streaming_content) == b"peru plan"


def test_overdue_list_is_scoped_and_dated(client, ghana_officer, ghana_compact, peru_compact,
                                          staff_user):
    SustainabilityPlanFactory(compact=ghana_compact, requested=True)
    SustainabilityPlanFactory(compact=peru_compact, requested=True)
    assert selectors.overdue_plan_list(user=staff_user, on=dt.date(2024, 6, 30)).count() == 0
    assert selectors.overdue_plan_list(user=staff_user, on=dt.date(2024, 7, 1)).count() == 2
    assert [p.compact for p in selectors.overdue_plan_list(user=ghana_officer)] == [
        ghana_compact]
    client.force_login(ghana_officer)
    response = client.get("/contributions/overdue-plans/")
    assert list(response.context["plans"]) == [ghana_compact.sustainability_plan]


# --- Funding picture ---------------------------------------------------------------------

def test_awards_are_spread_pro_rata_by_days_in_each_fiscal_year(staff_user, ghana):
    compact = CompactFactory(country=ghana, start_date=dt.date(2023, 4, 1),
                             end_date=dt.date(2025, 3, 31),
                             partner_contribution_planned_usd=Decimal("300000"))
    # 1 Jul 2023 to 30 Jun 2024: 92 days in FY2023, 274 in FY2024 (366 days, leap year).
    AwardFactory(compact=compact, amount_usd=Decimal("366000"),
                 start_date=dt.date(2023, 7, 1), end_date=dt.date(2024, 6, 30))
    ContributionFactory(compact=compact, fiscal_year=2024, amount_usd=Decimal("1000"))
    ContributionFactory(compact=compact, fiscal_year=2024, amount_usd=Decimal("500.50"))
    years = {y.fiscal_year: y for y in selectors.funding_picture(user=staff_user,
                                                                 compact=compact)}
    assert sorted(years) == [2023, 2024, 2025]
    assert years[2023].us_awards_usd == Decimal("92000.00")
    assert years[2024].us_awards_usd == Decimal("274000.00")
    assert years[2025].us_awards_usd == Decimal("0.00")
    assert {y.partner_planned_usd for y in years.values()} == {Decimal("100000.00")}
    assert years[2024].partner_recorded_usd == Decimal("1500.50")
    assert years[2023].partner_recorded_usd == Decimal("0.00")


def test_award_shares_add_up_to_the_award_to_the_cent(staff_user, ghana_compact):
    AwardFactory(compact=ghana_compact, amount_usd=Decimal("1000000.01"))
    years = selectors.funding_picture(user=staff_user, compact=ghana_compact)
    assert sum(y.us_awards_usd for y in years) == Decimal("1000000.01")
    assert sum(y.partner_planned_usd for y in years) == Decimal("500000.00")


def test_chart_is_accessible_svg_with_every_year(staff_user, ghana_compact):
    years = selectors.funding_picture(user=staff_user, compact=ghana_compact)
    svg = charts.funding_chart_svg(years, title="Ghana <funding>")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg and "<title id=\"funding-title\">Ghana &lt;funding&gt;" in svg
    assert "<desc" in svg
    for fy in range(2022, 2028):
        assert f">FY{fy}</text>" in svg
    assert "No fiscal years" in charts.funding_chart_svg([], title="empty")


# --- Query budgets -----------------------------------------------------------------------

def compact_with_years(country_iso, years):
    country = PartnerCountryFactory(iso_code=country_iso)
    start = dt.date(2015, 10, 1)
    compact = CompactFactory(country=country, start_date=start,
                             end_date=dt.date(2015 + min(years, 5), 9, 30))
    if years > 5:
        from tests.compacts.factories import ExtensionFactory

        ExtensionFactory(compact=compact, new_end_date=dt.date(2015 + years, 9, 30))
    for fy in range(2016, 2016 + years):
        AwardFactory(compact=compact, start_date=dt.date(fy - 1, 10, 1),
                     end_date=dt.date(fy, 9, 30))
        ContributionFactory(compact=compact, fiscal_year=fy)
        ContributionFactory(compact=compact, fiscal_year=fy, kind="personnel",
                            personnel_count=3)
    plan = SustainabilityPlanFactory(compact=compact)
    for _ in range(years):
        MeasureFactory(plan=plan)
    return compact


def test_contributions_page_uses_the_same_queries_for_3_and_10_years(
    client, staff_user, django_assert_num_queries
):
    small = compact_with_years("KE", 3)
    large = compact_with_years("UG", 10)
    client.force_login(staff_user)
    client.get(f"/contributions/compacts/{small.pk}/")  # warm up the session
    with django_assert_num_queries(9) as small_queries:
        response = client.get(f"/contributions/compacts/{small.pk}/")
    assert len(response.context["funding_years"]) == 3
    with django_assert_num_queries(len(small_queries)):
        response = client.get(f"/contributions/compacts/{large.pk}/")
    assert len(response.context["funding_years"]) == 10
    assert len(response.context["contributions"]) == 20


def test_funding_picture_uses_the_same_queries_for_3_and_10_years(staff_user,
                                                                 django_assert_num_queries):
    small = selectors.compact_list(user=staff_user).get(pk=compact_with_years("KE", 3).pk)
    large = selectors.compact_list(user=staff_user).get(pk=compact_with_years("UG", 10).pk)
    with django_assert_num_queries(2):
        assert len(selectors.funding_picture(user=staff_user, compact=small)) == 3
    with django_assert_num_queries(2):
        assert len(selectors.funding_picture(user=staff_user, compact=large)) == 10


def test_overdue_plans_page_uses_the_same_queries_for_3_and_10_plans(
    client, staff_user, django_assert_num_queries
):
    def plans(n):
        for _ in range(n):
            SustainabilityPlanFactory(compact=CompactFactory(), requested=True)

    client.force_login(staff_user)
    plans(3)
    client.get("/contributions/overdue-plans/")
    with django_assert_num_queries(4) as first:
        client.get("/contributions/overdue-plans/")
    plans(7)
    with django_assert_num_queries(len(first)):
        response = client.get("/contributions/overdue-plans/")
    assert len(response.context["plans"]) == 10
