"""Every write rule of indicators, targets and results, through the services."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cpc.api.exceptions import StateConflict
from indicators import services
from indicators.models import (
    ERR_PERCENT_RANGE,
    ERR_YES_NO,
    Indicator,
    Result,
    StandardIndicator,
    Target,
)
from indicators.progress import NO_DATA, ON_TRACK, indicator_progress
from tests.compacts.factories import ExtensionFactory
from tests.indicators.factories import IndicatorFactory, ResultFactory, TargetFactory

# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = pytest.mark.usefixtures("past_years_open")

D = Decimal


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


@pytest.fixture
def indicator(ghana_compact):
    return IndicatorFactory(compact=ghana_compact, code="PROT-1")


@pytest.fixture
def percent_indicator(ghana_compact):
    return IndicatorFactory(compact=ghana_compact, code="PROT-2", unit="percent")


class TestStandardLibrary:
    def test_migration_loads_eight_standard_indicators_across_the_four_pillars(self, db):
        library = StandardIndicator.objects.all()
        assert library.count() == 8
        assert set(library.values_list("pillar", flat=True)) == {
            "prosecution", "protection", "prevention", "partnership"}
        assert set(library.values_list("cumulation", flat=True)) == {
            "non_cumulative", "cumulative", "latest"}
        assert all("own standard indicator" in s.definition for s in library)


class TestIndicatorCreate:
    def test_copies_the_fields_of_a_standard_indicator(self, staff_user, ghana_compact):
        standard = StandardIndicator.objects.get(code="PROT-2")
        indicator = services.indicator_create(user=staff_user, compact=ghana_compact,
                                              standard=standard, is_key=True)
        assert (indicator.code, indicator.unit, indicator.pillar, indicator.name) == (
            "PROT-2", "percent", "protection", standard.name)
        assert indicator.standard == standard

    def test_given_fields_override_the_standard_ones(self, staff_user, ghana_compact):
        standard = StandardIndicator.objects.get(code="PROS-1")
        indicator = services.indicator_create(user=staff_user, compact=ghana_compact,
                                              standard=standard, code="GH-PROS-1")
        assert indicator.code == "GH-PROS-1"

    def test_code_is_unique_within_a_compact(self, staff_user, ghana_compact,
                                            peru_compact):
        services.indicator_create(user=staff_user, compact=ghana_compact, code="X", name="X",
                                  pillar="protection", unit="count")
        services.indicator_create(user=staff_user, compact=peru_compact, code="X", name="X",
                                  pillar="protection", unit="count")
        with pytest.raises(ValidationError) as excinfo:
            services.indicator_create(user=staff_user, compact=ghana_compact, code="X", name="Y",
                                      pillar="protection", unit="count")
        assert "code" in errors_of(excinfo)
        assert Indicator.objects.filter(code="X").count() == 2

    def test_only_a_writer_of_the_country_creates_one(self, ghana_officer, peru_compact,
                                                      auditor_user):
        for user in (ghana_officer, auditor_user):
            with pytest.raises(PermissionDenied):
                services.indicator_create(user=user, compact=peru_compact, code="X", name="X",
                                          pillar="protection", unit="count")
        assert not Indicator.objects.filter(code="X").exists()

    def test_unit_is_locked_once_there_are_targets(self, indicator):
        TargetFactory(indicator=indicator)
        with pytest.raises(ValidationError) as excinfo:
            services.indicator_update(indicator=indicator, data={"unit": "usd"})
        assert "unit" in errors_of(excinfo)


class TestTargets:
    def test_one_target_per_indicator_and_year(self, indicator):
        services.target_create(indicator=indicator, fiscal_year=2024, value=D("10"))
        with pytest.raises(ValidationError) as excinfo:
            services.target_create(indicator=indicator, fiscal_year=2024, value=D("12"))
        assert "fiscal_year" in errors_of(excinfo)
        assert Target.objects.filter(indicator=indicator).count() == 1

    @pytest.mark.parametrize("year", [2021, 2028])
    def test_year_outside_the_compact_is_refused(self, indicator, year):
        with pytest.raises(ValidationError) as excinfo:
            services.target_create(indicator=indicator, fiscal_year=year, value=D("10"))
        assert "outside the compact" in errors_of(excinfo)["fiscal_year"][0]

    def test_an_extension_opens_later_years(self, indicator):
        ExtensionFactory(compact=indicator.compact)  # to 2028-04-26
        assert services.target_create(indicator=indicator, fiscal_year=2028, value=D("1"))

    @pytest.mark.parametrize("value", ["-1", "100.5"])
    def test_percent_target_lies_between_0_and_100(self, percent_indicator, value):
        with pytest.raises(ValidationError) as excinfo:
            services.target_create(indicator=percent_indicator, fiscal_year=2024,
                                   value=D(value))
        assert errors_of(excinfo)["value"] == [ERR_PERCENT_RANGE]

    def test_yes_no_target_is_0_or_1(self, ghana_compact):
        indicator = IndicatorFactory(compact=ghana_compact, unit="yes_no")
        with pytest.raises(ValidationError) as excinfo:
            services.target_create(indicator=indicator, fiscal_year=2024, value=D("2"))
        assert errors_of(excinfo)["value"] == [ERR_YES_NO]
        assert services.target_create(indicator=indicator, fiscal_year=2024, value=D("1"))

    def test_update_to_a_taken_year_is_refused(self, indicator):
        TargetFactory(indicator=indicator, fiscal_year=2024)
        target = TargetFactory(indicator=indicator, fiscal_year=2025)
        with pytest.raises(ValidationError) as excinfo:
            services.target_update(target=target, data={"fiscal_year": 2024})
        assert "fiscal_year" in errors_of(excinfo)


class TestResultRecord:
    def test_staff_result_is_approved_at_once(self, indicator, staff_user):
        result = services.result_record(user=staff_user, indicator=indicator,
                                        fiscal_year=2024, value=D("40"))
        assert result.status == "approved"
        assert result.reported_by == staff_user and result.reviewed_by == staff_user

    def test_officer_result_is_submitted(self, indicator, ghana_officer):
        result = services.result_record(user=ghana_officer, indicator=indicator,
                                        fiscal_year=2024, value=D("40"))
        assert result.status == "submitted"
        assert result.reported_at is not None

    def test_officer_cannot_record_for_another_country(self, peru_compact, ghana_officer):
        peru_indicator = IndicatorFactory(compact=peru_compact)
        with pytest.raises(ValidationError) as excinfo:
            services.result_record(user=ghana_officer, indicator=peru_indicator,
                                   fiscal_year=2024, value=D("1"))
        assert "indicator" in errors_of(excinfo)
        assert not Result.objects.exists()

    def test_one_result_per_indicator_and_year(self, indicator, staff_user):
        services.result_record(user=staff_user, indicator=indicator, fiscal_year=2024,
                               value=D("1"))
        with pytest.raises(ValidationError) as excinfo:
            services.result_record(user=staff_user, indicator=indicator, fiscal_year=2024,
                                   value=D("2"))
        assert "fiscal_year" in errors_of(excinfo)

    def test_year_outside_the_compact_is_refused(self, indicator, staff_user):
        with pytest.raises(ValidationError) as excinfo:
            services.result_record(user=staff_user, indicator=indicator, fiscal_year=2030,
                                   value=D("1"))
        assert "fiscal_year" in errors_of(excinfo)

    def test_value_is_required_for_a_count(self, indicator, staff_user):
        with pytest.raises(ValidationError) as excinfo:
            services.result_record(user=staff_user, indicator=indicator, fiscal_year=2024)
        assert "value" in errors_of(excinfo)

    def test_count_is_a_non_negative_whole_number(self, indicator, staff_user):
        for bad in ("-1", "2.5"):
            with pytest.raises(ValidationError) as excinfo:
                services.result_record(user=staff_user, indicator=indicator,
                                       fiscal_year=2024, value=D(bad))
            assert "value" in errors_of(excinfo)


class TestPercentResults:
    def test_value_is_computed_from_numerator_and_denominator(self, percent_indicator,
                                                              staff_user):
        result = services.result_record(user=staff_user, indicator=percent_indicator,
                                        fiscal_year=2024, numerator=D("2"),
                                        denominator=D("3"), value=D("99"))
        assert result.value == D("66.6667")

    @pytest.mark.parametrize("missing", ["numerator", "denominator"])
    def test_both_parts_are_required(self, percent_indicator, staff_user, missing):
        parts = {"numerator": D("1"), "denominator": D("2")}
        parts.pop(missing)
        with pytest.raises(ValidationError) as excinfo:
            services.result_record(user=staff_user, indicator=percent_indicator,
                                   fiscal_year=2024, **parts)
        assert missing in errors_of(excinfo)

    def test_numerator_above_denominator_would_exceed_100_percent(self, percent_indicator,
                                                                  staff_user):
        with pytest.raises(ValidationError) as excinfo:
            services.result_record(user=staff_user, indicator=percent_indicator,
                                   fiscal_year=2024, numerator=D("11"), denominator=D("10"))
        errors = errors_of(excinfo)
        assert "numerator" in errors and errors["value"] == [ERR_PERCENT_RANGE]

    def test_zero_denominator_is_refused(self, percent_indicator, staff_user):
        with pytest.raises(ValidationError) as excinfo:
            services.result_record(user=staff_user, indicator=percent_indicator,
                                   fiscal_year=2024, numerator=D("0"), denominator=D("0"))
        assert "denominator" in errors_of(excinfo)

    def test_parts_are_refused_for_other_units(self, indicator, staff_user):
        with pytest.raises(ValidationError) as excinfo:
            services.result_record(user=staff_user, indicator=indicator, fiscal_year=2024,
                                   value=D("3"), numerator=D("1"), denominator=D("2"))
        assert "numerator" in errors_of(excinfo)


class TestDisaggregations:
    def test_parts_that_add_up_are_stored(self, indicator, staff_user):
        result = services.result_record(
            user=staff_user, indicator=indicator, fiscal_year=2024, value=D("10"),
            disaggregations=[
                {"sex": "female", "age_group": "under_12", "value": D("4")},
                {"sex": "male", "age_group": "12_17", "value": D("6")},
            ],
        )
        assert result.disaggregations.count() == 2

    def test_parts_that_do_not_add_up_are_refused_and_nothing_is_written(self, indicator,
                                                                         staff_user):
        with pytest.raises(ValidationError) as excinfo:
            services.result_record(
                user=staff_user, indicator=indicator, fiscal_year=2024, value=D("10"),
                disaggregations=[{"sex": "female", "age_group": "under_12", "value": D("4")}],
            )
        assert "disaggregations" in errors_of(excinfo)
        assert not Result.objects.exists()

    def test_the_same_part_twice_is_refused(self, indicator, staff_user):
        part = {"sex": "female", "age_group": "under_12", "value": D("5")}
        with pytest.raises(ValidationError) as excinfo:
            services.result_record(user=staff_user, indicator=indicator, fiscal_year=2024,
                                   value=D("10"), disaggregations=[part, part])
        assert "disaggregations" in errors_of(excinfo)

    def test_changing_the_value_must_keep_the_parts_adding_up(self, indicator, staff_user):
        result = services.result_record(
            user=staff_user, indicator=indicator, fiscal_year=2024, value=D("4"),
            disaggregations=[{"sex": "female", "age_group": "under_12", "value": D("4")}],
        )
        with pytest.raises(ValidationError) as excinfo:
            services.result_update(user=staff_user, result=result, data={"value": D("5")},
                                   change_reason="Late police report.")
        assert "disaggregations" in errors_of(excinfo)
        result.refresh_from_db()
        assert result.value == D("4")


class TestApprovalLoop:
    @pytest.fixture
    def submitted(self, indicator, ghana_officer):
        TargetFactory(indicator=indicator, fiscal_year=2024, value=D("10"))
        return services.result_record(user=ghana_officer, indicator=indicator,
                                      fiscal_year=2024, value=D("10"))

    def test_approved_result_counts(self, submitted, staff_user):
        assert indicator_progress(submitted.indicator).for_year(2024).status == NO_DATA
        services.result_approve(user=staff_user, result=submitted)
        assert indicator_progress(submitted.indicator).for_year(2024).status == ON_TRACK

    def test_returned_result_does_not_count(self, submitted, staff_user):
        result = services.result_return(user=staff_user, result=submitted,
                                         review_note="Source missing.")
        assert (result.status, result.review_note) == ("returned", "Source missing.")
        assert indicator_progress(result.indicator).for_year(2024).actual is None

    def test_return_needs_a_note(self, submitted, staff_user):
        with pytest.raises(ValidationError) as excinfo:
            services.result_return(user=staff_user, result=submitted, review_note="  ")
        assert "review_note" in errors_of(excinfo)

    def test_only_a_submitted_result_is_reviewed(self, submitted, staff_user):
        services.result_approve(user=staff_user, result=submitted)
        with pytest.raises(StateConflict):
            services.result_approve(user=staff_user, result=submitted)
        with pytest.raises(StateConflict):
            services.result_return(user=staff_user, result=submitted, review_note="No.")

    def test_officers_do_not_review(self, submitted, ghana_officer):
        with pytest.raises(PermissionDenied):
            services.result_approve(user=ghana_officer, result=submitted)

    def test_officer_edit_of_a_returned_result_goes_back_to_submitted(
        self, submitted, staff_user, ghana_officer
    ):
        services.result_return(user=staff_user, result=submitted, review_note="Check it.")
        result = services.result_update(user=ghana_officer, result=submitted,
                                        data={"value": D("9")})
        assert (result.status, result.value) == ("submitted", D("9"))

    def test_changing_an_approved_value_needs_a_reason(self, indicator, staff_user):
        result = services.result_record(user=staff_user, indicator=indicator,
                                        fiscal_year=2024, value=D("10"))
        with pytest.raises(ValidationError) as excinfo:
            services.result_update(user=staff_user, result=result, data={"value": D("12")})
        assert "change_reason" in errors_of(excinfo)
        result.refresh_from_db()
        assert result.value == D("10")

    def test_the_reason_is_kept_in_the_history(self, indicator, staff_user):
        result = services.result_record(user=staff_user, indicator=indicator,
                                        fiscal_year=2024, value=D("10"))
        services.result_update(user=staff_user, result=result, data={"value": D("12")},
                               change_reason="Court records corrected.")
        latest = result.history.order_by("-history_id").first()
        assert (latest.value, latest.history_change_reason) == (D("12"),
                                                                "Court records corrected.")

    def test_editing_the_source_of_an_approved_result_needs_a_reason(self, indicator,
                                                                     staff_user):
        # Every change to an approved result says why (AU-3), not only its value.
        result = ResultFactory(indicator=indicator, fiscal_year=2024)
        with pytest.raises(ValidationError) as refused:
            services.result_update(user=staff_user, result=result,
                                   data={"source": "Police annual report"})
        assert refused.value.message_dict == {
            "change_reason": [services.ERR_CHANGE_REASON_REQUIRED]}
        result = services.result_update(user=staff_user, result=result,
                                        data={"source": "Police annual report"},
                                        change_reason="The ministry named its source.")
        assert result.status == "approved"
