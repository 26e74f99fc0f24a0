"""A fiscal year is judged only once it is due (ended, or with an approved result of its own):
targets of years to come never make an active compact read off track, and a missing figure
reads "not reported", never 0."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cpc.fiscal import fiscal_year_of
from indicators.progress import (
    AT_RISK,
    NO_DATA,
    NO_TARGET,
    OFF_TRACK,
    ON_TRACK,
    indicator_progress,
    status_label,
)
from tests.compacts.factories import CompactFactory
from tests.indicators.factories import IndicatorFactory, ResultFactory, TargetFactory

pytestmark = pytest.mark.django_db

D = Decimal
# The factory's compact runs FY2022-FY2027; on this day FY2026 is under way.
TODAY = dt.date(2025, 11, 1)


def targets(indicator, values):
    for year, value in values.items():
        TargetFactory(indicator=indicator, fiscal_year=year, value=D(value))


def results(indicator, values, status="approved"):
    for year, value in values.items():
        ResultFactory(indicator=indicator, fiscal_year=year, value=D(value), status=status)


def progress(indicator, today=TODAY):
    return indicator_progress(indicator, today=today)


@pytest.fixture
def on_track_so_far():
    """Every ended year met its target; FY2026 (current) and FY2027 (future) have targets."""
    indicator = IndicatorFactory(cumulation="non_cumulative")
    targets(indicator, {2024: "100", 2025: "100", 2026: "100", 2027: "100"})
    results(indicator, {2024: "100", 2025: "110"})
    return indicator


class TestYearsToCome:
    def test_current_and_future_years_are_not_due_and_not_judged(self, on_track_so_far):
        item = progress(on_track_so_far)
        for year in (2026, 2027):
            row = item.for_year(year)
            assert (row.target, row.actual, row.percent_of_target) == (D("100"), None, None)
            assert row.status == NO_DATA and not row.due
            assert status_label(row) == "Not due yet"

    def test_future_targets_do_not_make_the_compact_read_off_track(self, on_track_so_far):
        life = progress(on_track_so_far).life_of_compact
        # Before the rule: 400 of targets against 210 of results, off track.
        assert (life.target, life.actual, life.status) == (D("200"), D("210"), ON_TRACK)

    def test_the_same_compact_once_every_year_has_ended_counts_them_all(self, on_track_so_far):
        life = progress(on_track_so_far, today=dt.date(2027, 11, 1)).life_of_compact
        assert (life.target, life.actual, life.status) == (D("400"), D("210"), OFF_TRACK)

    def test_a_current_year_with_its_approved_result_is_judged(self, on_track_so_far):
        results(on_track_so_far, {2026: "50"})
        item = progress(on_track_so_far)
        assert (item.for_year(2026).status, item.for_year(2026).due) == (OFF_TRACK, True)
        assert item.for_year(2027).status == NO_DATA and not item.for_year(2027).due
        life = item.life_of_compact
        assert (life.target, life.actual, life.status) == (D("300"), D("260"), AT_RISK)

    def test_a_submitted_result_does_not_make_a_year_due(self, on_track_so_far):
        results(on_track_so_far, {2026: "10"}, status="submitted")
        row = progress(on_track_so_far).for_year(2026)
        assert (row.status, row.due) == (NO_DATA, False)

    def test_before_any_year_is_due_the_life_of_compact_waits(self):
        indicator = IndicatorFactory()
        targets(indicator, {2023: "10", 2024: "10"})
        life = progress(indicator, today=dt.date(2022, 5, 1)).life_of_compact  # FY2022
        assert (life.target, life.actual, life.status, life.due) == (None, None, NO_DATA, False)
        assert status_label(life) == "Not due yet"

    def test_a_year_without_a_target_still_reads_no_target(self):
        indicator = IndicatorFactory()
        row = progress(indicator).for_year(2027)
        assert (row.status, status_label(row)) == (NO_TARGET, "No target")


class TestEndedYears:
    def test_an_ended_year_with_no_actual_reads_no_data_and_counts(self):
        indicator = IndicatorFactory()
        targets(indicator, {2024: "100", 2025: "100", 2026: "100"})
        results(indicator, {2024: "100"})
        item = progress(indicator)
        row = item.for_year(2025)
        assert (row.target, row.actual, row.status, row.due) == (D("100"), None, NO_DATA, True)
        assert status_label(row) == "No data"
        # The unreported year counts against the compact: 100 of 200 to date.
        life = item.life_of_compact
        assert (life.target, life.actual, life.status) == (D("200"), D("100"), OFF_TRACK)

    def test_thresholds_still_apply_to_an_ended_year(self):
        indicator = IndicatorFactory()
        targets(indicator, {2025: "100"})
        results(indicator, {2025: "90"})
        assert progress(indicator).for_year(2025).status == AT_RISK


class TestCumulationModes:
    def test_cumulative_future_running_target_is_not_compared(self):
        indicator = IndicatorFactory(cumulation="cumulative")
        targets(indicator, {2024: "50", 2025: "50", 2026: "50", 2027: "50"})
        results(indicator, {2024: "60", 2025: "45"})
        item = progress(indicator)
        assert (item.for_year(2025).target, item.for_year(2025).actual) == (D("100"), D("105"))
        assert item.for_year(2025).status == ON_TRACK
        assert (item.for_year(2026).status, item.for_year(2026).due) == (NO_DATA, False)
        life = item.life_of_compact
        assert (life.target, life.actual, life.status) == (D("100"), D("105"), ON_TRACK)

    def test_latest_value_is_shown_but_not_judged_against_a_future_target(self):
        indicator = IndicatorFactory(cumulation="latest")
        targets(indicator, {2025: "3", 2026: "8"})
        results(indicator, {2025: "3"})
        item = progress(indicator)
        row = item.for_year(2026)
        # The 2025 value still stands (it is shown), but FY2026 is not judged yet.
        assert (row.target, row.actual, row.percent_of_target) == (D("8"), D("3"), None)
        assert (row.status, row.due) == (NO_DATA, False)
        life = item.life_of_compact
        assert (life.target, life.actual, life.status) == (D("3"), D("3"), ON_TRACK)

    def test_percent_life_of_compact_uses_the_last_due_target(self):
        indicator = IndicatorFactory(unit="percent")
        targets(indicator, {2025: "50", 2026: "90"})
        ResultFactory(indicator=indicator, fiscal_year=2025, numerator=D("6"),
                      denominator=D("10"), value=D("60"))
        life = progress(indicator).life_of_compact
        assert (life.target, life.status) == (D("50"), ON_TRACK)


# Where it shows: the API, the page, the export, the chart and the PDF report ----------------


@pytest.fixture
def running_compact(ghana):
    """A compact active now: last fiscal year has ended, the next one lies ahead."""
    today = timezone.localdate()
    compact = CompactFactory(country=ghana, start_date=today - dt.timedelta(days=700),
                             signed_on=today - dt.timedelta(days=700),
                             end_date=today + dt.timedelta(days=700))
    current = fiscal_year_of(today)
    indicator = IndicatorFactory(compact=compact, code="PROS-1")
    targets(indicator, {current - 1: "40", current: "40", current + 1: "40"})
    results(indicator, {current - 1: "40"})
    return compact, indicator, current


def test_progress_endpoint_reads_no_data_for_years_to_come(auditor_api, running_compact):
    _compact, indicator, current = running_compact
    rows = {row["fiscal_year"]: row for row in
            auditor_api.get(f"/api/v1/indicators/{indicator.pk}/progress/").json()}
    assert rows[current - 1]["status"] == "on_track"
    for year in (current, current + 1):
        assert (rows[year]["status"], rows[year]["actual"]) == ("no_data", None)
        assert rows[year]["percent_of_target"] is None


def test_indicator_page_says_not_due_and_not_reported(client, auditor_user, running_compact):
    compact, _indicator, _current = running_compact
    client.force_login(auditor_user)
    content = client.get(f"/indicators/compact/{compact.pk}/").content.decode()
    table = content[content.index('data-testid="indicator-table"'):]
    table = table[:table.index("</table>")]
    assert "Not due yet" in table and "not reported" in table
    assert "Off track" not in table
    # The life of compact is on track: 40 of 40 in the one year due so far.
    assert table.count("On track") == 2


def test_export_labels_years_to_come(client, auditor_user, running_compact):
    import csv
    import io

    compact, _indicator, current = running_compact
    client.force_login(auditor_user)
    response = client.get(f"/indicators/compact/{compact.pk}/export.csv")
    row = next(csv.DictReader(io.StringIO(response.content.decode())))
    assert row[f"FY{current + 1} status"] == "Not due yet"
    assert row["life of compact status"] == "On track"


def test_pdf_indicator_table_says_not_reported_and_not_due(running_compact):
    from reports.content import report_content
    from reports.rendering import render_html

    compact, _indicator, current = running_compact
    content = report_content(kind="compact_oversight", fiscal_year=current,
                             compact_id=compact.pk, data_as_of=timezone.now())
    row = content.sections[0].indicators[0]
    assert (row.year.status, row.status_label) == (NO_DATA, "Not due yet")
    html = render_html(content)
    # The indicator table's row (the code is followed by the name there; other tables of
    # the report, such as the changes since the year before, name the code alone).
    cells = html[html.index(f"<tr><td>{row.indicator.code} {row.indicator.name}"):]
    cells = cells[:cells.index("</tr>")]
    assert cells.count("not reported") == 2  # the actual and the percent of target
    assert "Not due yet" in cells and ">0<" not in cells
