"""The compact indicators page, the data-entry grid, reviewing results from the page, and the
indicator chart: contract, scope, errors and query budgets."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.charts import indicator_chart_svg, indicator_progress_chart_svg
from indicators.models import Result, Target
from indicators.progress import indicator_progress
from indicators.services import ERR_CHANGE_REASON_REQUIRED, ERR_REVIEW_NOTE_REQUIRED
from indicators.views import ERR_GRID_NOT_SAVED, ERR_REASON_NEEDED_BELOW
from tests.indicators.factories import IndicatorFactory, ResultFactory, TargetFactory

# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = pytest.mark.usefixtures("past_years_open")

SVG = "{http://www.w3.org/2000/svg}"


def page_url(compact):
    return f"/indicators/compact/{compact.pk}/"


def entry_url(compact):
    return f"/indicators/compact/{compact.pk}/data-entry/"


def cell_html(content: str, indicator, year: int) -> str:
    """The markup of one grid cell, so an error can be checked to sit in that cell."""
    match = re.search(
        rf'data-testid="cell-{re.escape(indicator.code)}-{year}">(.*?)</td>', content, re.S)
    assert match, f"no cell for {indicator.code} FY{year}"
    return match.group(1)


def field(indicator, year, name):
    return f"c{indicator.pk}-{year}-{name}"


@pytest.fixture
def ghana_indicators(ghana_compact):
    count = IndicatorFactory(compact=ghana_compact, code="PROT-1", name="Child victims referred",
                             is_key=True, baseline_value=Decimal("40"), baseline_year=2021)
    share = IndicatorFactory(compact=ghana_compact, code="PROT-2", unit="percent",
                             name="Victims receiving care", is_key=False)
    TargetFactory(indicator=count, fiscal_year=2023, value=Decimal("100"))
    ResultFactory(indicator=count, fiscal_year=2023, value=Decimal("92"))
    return count, share


# The compact indicators page ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_user", "auditor_user", "ghana_officer"])
def test_compact_indicators_page_renders_for_every_role(client, request, who, ghana_indicators):
    count, _ = ghana_indicators
    client.force_login(request.getfixturevalue(who))
    response = client.get(page_url(count.compact))
    assert response.status_code == 200
    content = response.content.decode()
    assert "PROT-1" in content and "PROT-2" in content
    assert content.count('data-testid="key-flag"') == 1
    assert content.count('data-testid="key-chart"') == 1
    assert "92%" in content and "At risk" in content  # 92 of 100 with a 15 % tolerance
    assert f"/indicators/compact/{count.compact_id}/export.csv" in content
    assert f"/indicators/compact/{count.compact_id}/export.xlsx" in content
    # Only those who may write see the way to the grid.
    assert ('data-testid="data-entry-link"' in content) is (who != "auditor_user")


def test_only_approved_results_count_on_the_page(client, auditor_user, ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact, code="PROS-1")
    TargetFactory(indicator=indicator, fiscal_year=2024, value=Decimal("50"))
    ResultFactory(indicator=indicator, fiscal_year=2024, value=Decimal("4321"),
                  status="submitted")
    client.force_login(auditor_user)
    content = client.get(page_url(ghana_compact)).content.decode()
    table = content[content.index('data-testid="indicator-table"'):]
    assert "4,321" not in table
    assert "No data" in table


def test_compact_page_links_to_its_indicators(client, staff_user, ghana_compact):
    client.force_login(staff_user)
    content = client.get(f"/compacts/{ghana_compact.pk}/").content.decode()
    assert f'href="/indicators/compact/{ghana_compact.pk}/"' in content


def test_officer_gets_404_for_other_country_indicator_pages(
    client, ghana_officer, peru_compact, staff_user
):
    indicator = IndicatorFactory(compact=peru_compact)
    result = ResultFactory(indicator=indicator, status="submitted")
    client.force_login(ghana_officer)
    assert client.get(page_url(peru_compact)).status_code == 404
    assert client.get(entry_url(peru_compact)).status_code == 404
    assert client.post(entry_url(peru_compact), {}).status_code == 404
    approve = f"/indicators/compact/{peru_compact.pk}/results/{result.pk}/approve/"
    assert client.post(approve).status_code == 404


def test_anonymous_user_is_sent_to_log_in(client, ghana_compact):
    response = client.get(page_url(ghana_compact))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_compact_indicators_page_uses_the_same_queries_for_5_and_50_indicators(
    client, staff_user, ghana_compact, peru_compact, django_assert_num_queries
):
    def build(compact, n):
        for number in range(n):
            indicator = IndicatorFactory(compact=compact, is_key=number % 2 == 0,
                                         unit="percent" if number % 5 == 0 else "count")
            TargetFactory(indicator=indicator, fiscal_year=2023, value=Decimal("50"))
            TargetFactory(indicator=indicator, fiscal_year=2024, value=Decimal("60"))
            ResultFactory(indicator=indicator, fiscal_year=2023, value=Decimal("45"),
                          reported_by=staff_user)
            ResultFactory(indicator=indicator, fiscal_year=2024, value=Decimal("30"),
                          status="submitted", reported_by=staff_user)

    build(ghana_compact, 5)
    build(peru_compact, 50)
    client.force_login(staff_user)
    client.get(page_url(ghana_compact))  # warm up: the user's roles are cached on first use
    with CaptureQueriesContext(connection) as few:
        small = client.get(page_url(ghana_compact))
    assert small.status_code == 200
    with django_assert_num_queries(len(few.captured_queries)):
        large = client.get(page_url(peru_compact))
    assert large.status_code == 200
    assert large.content.decode().count('data-testid="review-row"') == 50
    assert large.content.decode().count('data-testid="key-chart"') == 25


# Reviewing results from the page ---------------------------------------------------------


def review_url(result, action):
    return (f"/indicators/compact/{result.indicator.compact_id}/results/{result.pk}/"
            f"{action}/")


def test_staff_see_submitted_results_and_approve_one(client, staff_user, ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact, code="PREV-1")
    result = ResultFactory(indicator=indicator, value=Decimal("77"), status="submitted")
    client.force_login(staff_user)
    content = client.get(page_url(ghana_compact)).content.decode()
    assert content.count('data-testid="review-row"') == 1
    assert review_url(result, "approve") in content

    response = client.post(review_url(result, "approve"), follow=True)

    result.refresh_from_db()
    assert result.status == "approved" and result.reviewed_by == staff_user
    assert "PREV-1 FY2023 approved." in response.content.decode()
    assert 'data-testid="review-row"' not in response.content.decode()


def test_staff_return_a_result_with_a_note(client, staff_user, ghana_compact):
    result = ResultFactory(indicator=IndicatorFactory(compact=ghana_compact),
                           status="submitted")
    client.force_login(staff_user)

    response = client.post(review_url(result, "return"),
                           {"review_note": "Attach the ministry's table."})

    assert response.status_code == 302 and response["Location"].endswith("#review")
    result.refresh_from_db()
    assert result.status == "returned"
    assert result.review_note == "Attach the ministry's table."


def test_return_without_a_note_is_refused_with_a_message(client, staff_user, ghana_compact):
    result = ResultFactory(indicator=IndicatorFactory(compact=ghana_compact),
                           status="submitted")
    client.force_login(staff_user)
    response = client.post(review_url(result, "return"), {"review_note": "  "}, follow=True)
    result.refresh_from_db()
    assert result.status == "submitted"
    assert str(ERR_REVIEW_NOTE_REQUIRED) in response.content.decode()


def test_approving_an_already_approved_result_shows_the_conflict(client, staff_user,
                                                                  ghana_compact):
    result = ResultFactory(indicator=IndicatorFactory(compact=ghana_compact),
                           status="approved")
    client.force_login(staff_user)
    response = client.post(review_url(result, "approve"), follow=True)
    assert response.status_code == 200
    assert "Only a submitted result can be approved; this one is approved." in (
        response.content.decode())


@pytest.mark.parametrize("who", ["auditor_user", "ghana_officer"])
def test_only_staff_may_review(client, request, who, ghana_compact):
    result = ResultFactory(indicator=IndicatorFactory(compact=ghana_compact),
                           status="submitted")
    client.force_login(request.getfixturevalue(who))
    content = client.get(page_url(ghana_compact)).content.decode()
    assert 'data-testid="review-row"' in content  # they see what waits...
    assert 'data-testid="approve"' not in content  # ...but cannot act on it
    assert client.post(review_url(result, "approve")).status_code == 403
    assert client.post(review_url(result, "return"), {"review_note": "x"}).status_code == 403
    result.refresh_from_db()
    assert result.status == "submitted"


# The data-entry grid ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_user", "ghana_officer"])
def test_data_entry_renders_for_writers(client, request, who, ghana_indicators):
    count, share = ghana_indicators
    client.force_login(request.getfixturevalue(who))
    response = client.get(entry_url(count.compact))
    assert response.status_code == 200
    content = response.content.decode()
    for year in range(2022, 2028):
        assert f'name="{field(count, year, "value")}"' in content
        assert f'name="{field(share, year, "numerator")}"' in content
        assert f'name="{field(share, year, "denominator")}"' in content
    has_target_inputs = f'name="{field(count, 2023, "target")}"' in content
    assert has_target_inputs is (who == "staff_user")
    assert 'value="92"' in content  # the recorded result, ready to correct


def test_auditor_gets_403_on_data_entry(client, auditor_user, ghana_indicators):
    count, _ = ghana_indicators
    client.force_login(auditor_user)
    assert client.get(entry_url(count.compact)).status_code == 403
    response = client.post(entry_url(count.compact), {field(count, 2024, "value"): "10"})
    assert response.status_code == 403
    assert not Result.objects.filter(indicator=count, fiscal_year=2024).exists()


def test_staff_set_targets_and_record_results_for_several_years(client, staff_user,
                                                                ghana_indicators):
    count, share = ghana_indicators
    client.force_login(staff_user)

    response = client.post(entry_url(count.compact), {
        field(count, 2023, "target"): "110",   # changes an existing target
        field(count, 2023, "value"): "92",     # unchanged
        field(count, 2024, "target"): "120",
        field(count, 2024, "value"): "130",
        field(share, 2024, "target"): "75",
        field(share, 2024, "numerator"): "30",
        field(share, 2024, "denominator"): "40",
        "source": "Ministry annual statistics",
    })

    assert response.status_code == 302
    assert Target.objects.get(indicator=count, fiscal_year=2023).value == Decimal("110")
    assert Target.objects.get(indicator=count, fiscal_year=2024).value == Decimal("120")
    assert Target.objects.get(indicator=share, fiscal_year=2024).value == Decimal("75")
    new_count = Result.objects.get(indicator=count, fiscal_year=2024)
    assert (new_count.value, new_count.status) == (Decimal("130"), "approved")
    assert new_count.source == "Ministry annual statistics"
    assert Result.objects.get(indicator=share, fiscal_year=2024).value == Decimal("75")
    messages = [m.message for m in response.wsgi_request._messages]
    assert messages == ["Saved 5 changes."]


def test_grid_with_one_bad_cell_saves_nothing_and_shows_that_cells_error(
    client, staff_user, ghana_indicators
):
    count, share = ghana_indicators
    client.force_login(staff_user)

    response = client.post(entry_url(count.compact), {
        field(count, 2024, "target"): "120",
        field(count, 2025, "value"): "12.5",        # a count is a whole number
        field(share, 2025, "target"): "80",
        field(share, 2026, "numerator"): "50",       # more than the denominator
        field(share, 2026, "denominator"): "40",
    })

    assert response.status_code == 400
    assert not Target.objects.filter(fiscal_year__in=[2024, 2025]).exists()
    assert not Result.objects.filter(fiscal_year__in=[2025, 2026]).exists()
    content = response.content.decode()
    assert str(ERR_GRID_NOT_SAVED) in content
    assert "A count is a whole number." in cell_html(content, count, 2025)
    assert "The numerator cannot be larger than the denominator." in cell_html(
        content, share, 2026)
    for good in (cell_html(content, count, 2024), cell_html(content, share, 2025)):
        assert "usa-error-message" not in good
    assert 'value="120"' in cell_html(content, count, 2024)  # what was typed is kept


def test_unparseable_input_is_an_error_in_its_cell(client, staff_user, ghana_indicators):
    count, _ = ghana_indicators
    client.force_login(staff_user)
    response = client.post(entry_url(count.compact), {
        field(count, 2024, "target"): "120", field(count, 2024, "value"): "lots"})
    assert response.status_code == 400
    assert "Enter a number." in cell_html(response.content.decode(), count, 2024)
    assert not Target.objects.filter(fiscal_year=2024).exists()


def test_officer_records_results_for_review_and_cannot_set_targets(client, ghana_officer,
                                                                    ghana_indicators):
    count, share = ghana_indicators
    client.force_login(ghana_officer)

    response = client.post(entry_url(count.compact), {
        field(count, 2024, "value"): "55",
        field(count, 2024, "target"): "999",   # no such input for officers: not read
        field(share, 2024, "numerator"): "9",
        field(share, 2024, "denominator"): "12",
    })

    assert response.status_code == 302
    assert not Target.objects.filter(fiscal_year=2024).exists()
    recorded = Result.objects.get(indicator=count, fiscal_year=2024)
    assert (recorded.status, recorded.reported_by) == ("submitted", ghana_officer)
    assert Result.objects.get(indicator=share, fiscal_year=2024).value == Decimal("75")


def test_changing_an_approved_value_needs_a_reason(client, staff_user, ghana_indicators):
    count, _ = ghana_indicators
    client.force_login(staff_user)
    url = entry_url(count.compact)

    refused = client.post(url, {field(count, 2023, "target"): "100",
                                field(count, 2023, "value"): "95"})

    assert refused.status_code == 400
    content = refused.content.decode()
    assert str(ERR_REASON_NEEDED_BELOW) in cell_html(content, count, 2023)
    assert str(ERR_CHANGE_REASON_REQUIRED) in content  # beside the reason field
    assert Result.objects.get(indicator=count, fiscal_year=2023).value == Decimal("92")

    saved = client.post(url, {field(count, 2023, "target"): "100",
                              field(count, 2023, "value"): "95",
                              "change_reason": "Ministry corrected its count"})

    assert saved.status_code == 302
    result = Result.objects.get(indicator=count, fiscal_year=2023)
    assert result.value == Decimal("95")
    assert result.history.first().history_change_reason == "Ministry corrected its count"


def test_officer_edit_of_an_approved_result_goes_back_to_review(client, ghana_officer,
                                                                ghana_indicators):
    count, _ = ghana_indicators
    client.force_login(ghana_officer)
    response = client.post(entry_url(count.compact), {
        field(count, 2023, "value"): "90", "change_reason": "Late police returns"})
    assert response.status_code == 302
    result = Result.objects.get(indicator=count, fiscal_year=2023)
    assert (result.value, result.status) == (Decimal("90"), "submitted")


def test_a_saved_figure_cannot_be_blanked(client, staff_user, ghana_indicators):
    count, _ = ghana_indicators
    client.force_login(staff_user)
    response = client.post(entry_url(count.compact), {field(count, 2023, "target"): ""})
    assert response.status_code == 400
    assert "cannot be removed here" in cell_html(response.content.decode(), count, 2023)
    assert Target.objects.filter(indicator=count, fiscal_year=2023).exists()


def test_nothing_changed_saves_nothing(client, staff_user, ghana_indicators):
    count, _ = ghana_indicators
    client.force_login(staff_user)
    response = client.post(entry_url(count.compact), {
        field(count, 2023, "target"): "100.00", field(count, 2023, "value"): "92"},
        follow=True)
    assert response.status_code == 200
    assert "nothing was saved" in response.content.decode()
    assert Result.objects.get(indicator=count).history.count() == 1


# The chart ----------------------------------------------------------------------------------


def test_chart_is_valid_accessible_and_deterministic(ghana_indicators):
    count, _ = ghana_indicators
    TargetFactory(indicator=count, fiscal_year=2024, value=Decimal("120"))
    ResultFactory(indicator=count, fiscal_year=2024, value=Decimal("150"))
    item = indicator_progress(count)

    svg = indicator_progress_chart_svg(item)

    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("width") and root.get("height") and root.get("viewBox")
    assert root.find(f"{SVG}title").text.startswith("PROT-1 Child victims referred")
    desc = root.find(f"{SVG}desc").text
    assert "Higher is better" in desc
    assert "FY 2023: actual 92, target 100, 92% of target, at risk" in desc
    assert "FY 2024: actual 150, target 120, 125% of target, on track" in desc
    assert len(root.findall(f"{SVG}rect")) == 3  # two bars and the legend swatch
    assert "<script" not in svg
    assert svg == indicator_progress_chart_svg(indicator_progress(count))


def test_chart_labels_follow_direction_and_unit():
    from indicators.progress import Progress

    rows = [Progress(2023, Decimal("10"), Decimal("8"), Decimal("125.00"), "on_track"),
            Progress(2024, Decimal("10"), None, None, "no_data"),
            Progress(None, Decimal("10"), Decimal("8"), Decimal("125.00"), "on_track")]
    svg = indicator_chart_svg(rows, title="Cases <pending> & late", unit="percent",
                              direction="decrease", chart_id="c-1")
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == "Cases <pending> & late"
    assert "Lower is better" in root.find(f"{SVG}desc").text
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "100%" in texts and "8%" in texts and "not reported" in texts
    assert "Target (ceiling)" in texts
    assert "FY 2023" in texts and "FY 2024" in texts  # as the tables write the year
    assert not any("None" in (t or "") for t in texts)  # the life-of-compact row is left out


def test_chart_without_years_still_renders():
    root = ET.fromstring(indicator_chart_svg([], title="Empty", unit="usd"))
    assert "No fiscal years" in root.find(f"{SVG}desc").text


def test_a_running_total_that_leaves_out_earlier_years_says_since_when(client, auditor_user,
                                                                        ghana_compact):
    """The page shows the running total from the first year with a target and says so."""
    from decimal import Decimal

    from tests.indicators.factories import IndicatorFactory, ResultFactory, TargetFactory

    indicator = IndicatorFactory(compact=ghana_compact, code="PREV-1", cumulation="cumulative")
    ResultFactory(indicator=indicator, fiscal_year=2023, value=Decimal("703"))
    TargetFactory(indicator=indicator, fiscal_year=2024, value=Decimal("160"))
    ResultFactory(indicator=indicator, fiscal_year=2024, value=Decimal("160"))
    client.force_login(auditor_user)
    page = client.get(f"/indicators/compact/{ghana_compact.pk}/").content.decode()
    assert page.count('data-testid="since"') == 2  # FY 2024 and the life of compact
    assert "since FY 2024" in page
    assert "863" not in page
