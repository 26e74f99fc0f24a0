"""Progress per fiscal year: cumulation modes, direction, percent indicators, thresholds."""

from decimal import Decimal

import pytest

from indicators.models import Result, Target
from indicators.progress import (
    AT_RISK,
    NO_DATA,
    NO_TARGET,
    OFF_TRACK,
    ON_TRACK,
    compute_indicator_progress,
    indicator_progress,
    progress_for_indicators,
)
from tests.indicators.factories import IndicatorFactory, ResultFactory, TargetFactory

pytestmark = pytest.mark.django_db

D = Decimal


def targets(indicator, values):
    for year, value in values.items():
        TargetFactory(indicator=indicator, fiscal_year=year, value=D(value))


def results(indicator, values, status="approved"):
    for year, value in values.items():
        ResultFactory(indicator=indicator, fiscal_year=year, value=D(value), status=status)


def row(indicator, year):
    return indicator_progress(indicator).for_year(year)


class TestThresholds:
    @pytest.mark.parametrize(
        ("actual", "status"),
        [("120", ON_TRACK), ("100", ON_TRACK), ("85", AT_RISK), ("84.99", AT_RISK),
         ("84.49", OFF_TRACK), ("0", OFF_TRACK)],
    )
    def test_status_follows_percent_of_target_and_tolerance(self, actual, status):
        # The status reads the percent as shown: 84.99 % is shown as 85 %, at risk.
        indicator = IndicatorFactory(unit="usd")
        targets(indicator, {2023: "100"})
        results(indicator, {2023: actual})
        assert row(indicator, 2023).status == status

    def test_tolerance_is_per_indicator(self):
        indicator = IndicatorFactory(tolerance_percent=D("5"))
        targets(indicator, {2023: "100"})
        results(indicator, {2023: "90"})
        assert row(indicator, 2023).status == OFF_TRACK

    def test_missing_target_is_no_target_and_missing_result_is_no_data(self):
        indicator = IndicatorFactory()
        targets(indicator, {2023: "10"})
        results(indicator, {2024: "10"})
        assert row(indicator, 2023).status == NO_DATA
        assert row(indicator, 2024).status == NO_TARGET
        assert row(indicator, 2024).percent_of_target is None

    def test_a_zero_target_is_met_with_no_percentage_stated(self):
        """Any actual meets a target of zero, but no percent of zero can be stated: the row
        shows none, never 100 %."""
        indicator = IndicatorFactory(unit="count")
        targets(indicator, {2023: "0", 2024: "0"})
        results(indicator, {2023: "7", 2024: "0"})
        for year in (2023, 2024):
            assert (row(indicator, year).percent_of_target,
                    row(indicator, year).status) == (None, ON_TRACK)

    def test_every_fiscal_year_of_the_compact_has_a_row(self):
        indicator = IndicatorFactory()  # compact from 2022-04-26 to 2027-04-26
        years = [p.fiscal_year for p in indicator_progress(indicator).years]
        assert years == [2022, 2023, 2024, 2025, 2026, 2027]

    def test_percent_of_target_is_a_whole_percent_half_up(self):
        indicator = IndicatorFactory()
        targets(indicator, {2023: "3", 2024: "8"})
        results(indicator, {2023: "2", 2024: "7"})
        assert row(indicator, 2023).percent_of_target == D("67")
        assert row(indicator, 2024).percent_of_target == D("88")  # 87.5 -> 88, never 87

    def test_figures_are_rounded_to_two_places_half_up(self):
        indicator = IndicatorFactory(unit="percent", cumulation="non_cumulative")
        targets(indicator, {2023: "80.125"})
        ResultFactory(indicator=indicator, fiscal_year=2023, status="approved",
                      numerator=D("23"), denominator=D("30"), value=D("76.6667"))
        figures = row(indicator, 2023)
        assert (figures.target, figures.actual) == (D("80.13"), D("76.67"))
        # The percent is read from the figures as shown: 76.67 / 80.13 = 95.68 %.
        assert figures.percent_of_target == D("96")


class TestApprovalCounts:
    @pytest.mark.parametrize("status", ["submitted", "returned"])
    def test_only_approved_results_count(self, status):
        indicator = IndicatorFactory()
        targets(indicator, {2023: "10"})
        results(indicator, {2023: "10"}, status=status)
        progress = row(indicator, 2023)
        assert progress.actual is None
        assert progress.status == NO_DATA

    def test_computation_ignores_unapproved_results_it_is_handed(self):
        indicator = IndicatorFactory()
        targets(indicator, {2023: "10"})
        results(indicator, {2023: "10"}, status="returned")
        progress = compute_indicator_progress(
            indicator, targets=Target.objects.all(), results=Result.objects.all(),
            fiscal_years=[2023],
        )
        assert progress.for_year(2023).status == NO_DATA


class TestNonCumulative:
    def test_each_year_stands_alone(self):
        indicator = IndicatorFactory(cumulation="non_cumulative")
        targets(indicator, {2023: "10", 2024: "20"})
        results(indicator, {2023: "12", 2024: "10"})
        assert (row(indicator, 2023).actual, row(indicator, 2023).status) == (D("12"), ON_TRACK)
        assert (row(indicator, 2024).actual, row(indicator, 2024).status) == (D("10"), OFF_TRACK)
        assert row(indicator, 2024).percent_of_target == D("50.00")

    def test_life_of_compact_sums_targets_and_actuals(self):
        indicator = IndicatorFactory(cumulation="non_cumulative", first_fiscal_year=2023,
                                     last_fiscal_year=2024)
        targets(indicator, {2023: "10", 2024: "20"})
        results(indicator, {2023: "12", 2024: "10"})
        loc = indicator_progress(indicator).life_of_compact
        assert (loc.target, loc.actual, loc.status) == (D("30"), D("22"), OFF_TRACK)


class TestCumulative:
    def test_running_total_compared_with_running_total_of_targets(self):
        indicator = IndicatorFactory(cumulation="cumulative")
        targets(indicator, {2023: "100", 2024: "100", 2025: "100"})
        results(indicator, {2023: "50", 2024: "140", 2025: "40"})
        first, second, third = (row(indicator, y) for y in (2023, 2024, 2025))
        assert (first.target, first.actual, first.status) == (D("100"), D("50"), OFF_TRACK)
        # 190 of 200 to date: within 15 % of the target.
        assert (second.target, second.actual, second.status) == (D("200"), D("190"), AT_RISK)
        assert (third.target, third.actual, third.status) == (D("300"), D("230"), OFF_TRACK)

    def test_life_of_compact_is_the_sum(self):
        indicator = IndicatorFactory(cumulation="cumulative", first_fiscal_year=2023,
                                     last_fiscal_year=2024)
        targets(indicator, {2023: "100", 2024: "100"})
        results(indicator, {2023: "150", 2024: "60"})
        loc = indicator_progress(indicator).life_of_compact
        assert (loc.target, loc.actual, loc.status) == (D("200"), D("210"), ON_TRACK)

    def test_the_running_total_starts_with_the_first_target(self):
        # Values of years before targets were set are not compared with targets that do
        # not cover them (863 against 160 read 539 % on track).
        indicator = IndicatorFactory(cumulation="cumulative")
        results(indicator, {2022: "300", 2023: "250", 2024: "153"})
        targets(indicator, {2025: "160", 2026: "170"})
        results(indicator, {2025: "160"})
        fy25 = row(indicator, 2025)
        assert (fy25.target, fy25.actual, fy25.percent_of_target, fy25.status, fy25.since) == (
            D("160"), D("160"), D("100"), ON_TRACK, 2025)
        # Before the first target each year shows its own value.
        assert (row(indicator, 2024).actual, row(indicator, 2024).since) == (D("153"), None)
        loc = indicator_progress(indicator).life_of_compact
        assert (loc.target, loc.actual, loc.since) == (D("330"), D("160"), 2025)

    def test_a_year_without_a_target_inside_the_running_total_leaves_it_without_one(self):
        indicator = IndicatorFactory(cumulation="cumulative", first_fiscal_year=2023,
                                     last_fiscal_year=2025)
        targets(indicator, {2023: "100", 2025: "100"})
        results(indicator, {2023: "100", 2024: "80", 2025: "90"})
        assert (row(indicator, 2025).target, row(indicator, 2025).status) == (None, NO_TARGET)
        loc = indicator_progress(indicator).life_of_compact
        assert (loc.target, loc.actual, loc.status) == (None, D("270"), NO_TARGET)

    def test_unapproved_results_are_left_out_of_the_running_total(self):
        indicator = IndicatorFactory(cumulation="cumulative")
        targets(indicator, {2023: "10", 2024: "10"})
        results(indicator, {2023: "10"}, status="returned")
        results(indicator, {2024: "10"})
        assert row(indicator, 2024).actual == D("10")


class TestLatest:
    def test_most_recent_approved_value_stands(self):
        indicator = IndicatorFactory(cumulation="latest")
        targets(indicator, {2023: "3", 2024: "5", 2025: "4"})
        results(indicator, {2023: "3", 2024: "4"})
        results(indicator, {2025: "1"}, status="submitted")
        assert row(indicator, 2023).actual == D("3")
        assert (row(indicator, 2024).actual, row(indicator, 2024).status) == (D("4"), OFF_TRACK)
        # No approved result in 2025: the 2024 value still stands and meets the target.
        assert (row(indicator, 2025).actual, row(indicator, 2025).status) == (D("4"), ON_TRACK)
        loc = indicator_progress(indicator).life_of_compact
        assert (loc.target, loc.actual, loc.status) == (D("4"), D("4"), ON_TRACK)


class TestDecrease:
    def test_lower_is_better(self):
        indicator = IndicatorFactory(direction="decrease")
        targets(indicator, {2023: "20", 2024: "20", 2025: "20"})
        results(indicator, {2023: "10", 2024: "22", 2025: "40"})
        assert (row(indicator, 2023).percent_of_target, row(indicator, 2023).status) == (
            D("200"), ON_TRACK)
        assert (row(indicator, 2024).percent_of_target, row(indicator, 2024).status) == (
            D("91"), AT_RISK)
        assert (row(indicator, 2025).percent_of_target, row(indicator, 2025).status) == (
            D("50"), OFF_TRACK)

    def test_actual_zero_fully_meets_a_decrease_target(self):
        indicator = IndicatorFactory(direction="decrease")
        targets(indicator, {2023: "5"})
        results(indicator, {2023: "0"})
        assert (row(indicator, 2023).percent_of_target, row(indicator, 2023).status) == (
            D("100.00"), ON_TRACK)


class TestPercentIndicators:
    def percent_result(self, indicator, year, numerator, denominator, status="approved"):
        return ResultFactory(
            indicator=indicator, fiscal_year=year, status=status,
            numerator=D(numerator), denominator=D(denominator),
            value=D(numerator) / D(denominator) * 100,
        )

    def test_cumulative_percent_pools_numerators_and_denominators(self):
        indicator = IndicatorFactory(unit="percent", cumulation="cumulative")
        targets(indicator, {2023: "80", 2024: "80"})
        self.percent_result(indicator, 2023, "9", "10")  # 90 %
        self.percent_result(indicator, 2024, "50", "100")  # 50 %
        # Averaging the percents would give 70 %; pooling gives 59 of 110.
        second = row(indicator, 2024)
        assert second.actual.quantize(D("0.01")) == D("53.64")
        assert second.target == D("80")  # percent targets are never summed
        assert second.status == OFF_TRACK

    def test_life_of_compact_percent_is_pooled(self):
        indicator = IndicatorFactory(unit="percent", cumulation="non_cumulative")
        targets(indicator, {2023: "50", 2024: "60"})
        self.percent_result(indicator, 2023, "1", "2")
        self.percent_result(indicator, 2024, "90", "100")
        loc = indicator_progress(indicator).life_of_compact
        assert loc.actual == D("89.22")
        assert loc.target == D("60")
        assert row(indicator, 2023).actual == D("50")


class TestYesNo:
    def test_met_when_actual_reaches_target(self):
        indicator = IndicatorFactory(unit="yes_no", cumulation="latest")
        targets(indicator, {2023: "1", 2024: "1"})
        results(indicator, {2023: "0", 2024: "1"})
        assert row(indicator, 2023).status == OFF_TRACK
        assert row(indicator, 2024).status == ON_TRACK


class TestManyAtOnce:
    def test_progress_for_many_indicators_uses_a_fixed_number_of_queries(
        self, django_assert_num_queries
    ):
        def build(n):
            indicators = []
            for _ in range(n):
                indicator = IndicatorFactory()
                targets(indicator, {2023: "10"})
                results(indicator, {2023: "10"})
                indicators.append(indicator)
            return indicators

        few, many = build(2), build(12)
        # Two queries (targets, results) whatever the number of indicators; compact
        # extensions are looked up once per compact, here one per indicator's compact.
        with django_assert_num_queries(2 + 2):
            progress = progress_for_indicators(few)
        assert progress[few[0].pk].for_year(2023).status == ON_TRACK
        for indicator in many:
            indicator.compact = few[0].compact
        with django_assert_num_queries(2 + 1):
            progress = progress_for_indicators(many)
        assert len(progress) == 12
