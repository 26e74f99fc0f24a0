"""The REST contract for standard indicators, indicators, targets, results and progress:
shapes, filters, roles, country scope, field-level errors, history, query counts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Result, Target
from tests.compacts.factories import CompactFactory, PartnerCountryFactory
from tests.indicators.factories import (
    DisaggregationFactory,
    IndicatorFactory,
    ResultFactory,
    TargetFactory,
)

# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = pytest.mark.usefixtures("past_years_open")

INDICATOR_FIELDS = {
    "id", "compact", "code", "name", "pillar", "unit", "direction", "cumulation",
    "tolerance_percent", "baseline_value", "baseline_year", "is_key",
}
RESULT_FIELDS = {
    "id", "indicator", "fiscal_year", "value", "numerator", "denominator", "disaggregations",
    "source", "status", "review_note", "reported_by", "reported_at",
}


@pytest.fixture
def ghana_indicator(ghana_compact):
    return IndicatorFactory(compact=ghana_compact, code="PROT-1")


@pytest.fixture
def peru_indicator(peru_compact):
    return IndicatorFactory(compact=peru_compact, code="PROT-1")


class TestStandardIndicators:
    def test_any_role_lists_the_library(self, auditor_api):
        body = auditor_api.get("/api/v1/standard-indicators/").json()
        assert body["count"] == 8
        assert {"code", "name", "pillar", "unit", "direction", "definition"} <= set(
            body["results"][0])

    def test_library_is_read_only(self, staff_api):
        response = staff_api.post("/api/v1/standard-indicators/", {"code": "X"})
        assert response.status_code == 405


class TestIndicators:
    def test_contract_fields_and_filters(self, staff_api, ghana_indicator, peru_indicator):
        IndicatorFactory(compact=ghana_indicator.compact, is_key=False)
        body = staff_api.get(
            f"/api/v1/indicators/?compact={ghana_indicator.compact_id}&is_key=true").json()
        assert [row["id"] for row in body["results"]] == [ghana_indicator.pk]
        assert set(body["results"][0]) >= INDICATOR_FIELDS
        assert body["results"][0]["cumulation"] == "non_cumulative"

    def test_staff_creates_an_indicator_from_a_standard_one(self, staff_api, ghana_compact):
        standard = staff_api.get("/api/v1/standard-indicators/?pillar=protection").json()
        standard_id = next(s["id"] for s in standard["results"] if s["unit"] == "percent")
        response = staff_api.post("/api/v1/indicators/", {
            "compact": ghana_compact.pk, "standard": standard_id, "is_key": True})
        assert response.status_code == 201, response.json()
        assert response.json()["unit"] == "percent"
        assert response.json()["tolerance_percent"] == "15.00"

    def test_duplicate_code_is_400_on_code(self, staff_api, ghana_indicator):
        response = staff_api.post("/api/v1/indicators/", {
            "compact": ghana_indicator.compact_id, "code": "PROT-1", "name": "Again",
            "pillar": "protection", "unit": "count"})
        assert response.status_code == 400
        assert "code" in response.json()

    def test_missing_fields_without_a_standard_are_400(self, staff_api, ghana_compact):
        response = staff_api.post("/api/v1/indicators/", {"compact": ghana_compact.pk})
        assert response.status_code == 400
        assert {"code", "name", "pillar", "unit"} <= set(response.json())

    def test_officer_cannot_see_another_countrys_indicator(self, officer_api, peru_indicator,
                                                          ghana_indicator):
        assert officer_api.get(f"/api/v1/indicators/{peru_indicator.pk}/").status_code == 404
        ids = [i["id"] for i in officer_api.get("/api/v1/indicators/").json()["results"]]
        assert ids == [ghana_indicator.pk]
        response = officer_api.get(f"/api/v1/indicators/{peru_indicator.pk}/progress/")
        assert response.status_code == 404

    def test_officers_do_not_write_indicators(self, officer_api, ghana_indicator):
        response = officer_api.patch(f"/api/v1/indicators/{ghana_indicator.pk}/",
                                     {"is_key": False})
        assert response.status_code == 403

    def test_compact_is_fixed_after_creation(self, staff_api, ghana_indicator, peru_compact):
        response = staff_api.patch(f"/api/v1/indicators/{ghana_indicator.pk}/",
                                   {"compact": peru_compact.pk, "name": "Renamed"})
        assert response.status_code == 200
        assert response.json()["compact"] == ghana_indicator.compact_id

    def test_history_is_listed(self, staff_api, ghana_indicator):
        staff_api.patch(f"/api/v1/indicators/{ghana_indicator.pk}/", {"name": "Renamed"})
        body = staff_api.get(f"/api/v1/indicators/{ghana_indicator.pk}/history/").json()
        assert body["results"][0]["changes"][0]["field"] == "name"


class TestProgressEndpoint:
    def test_per_fiscal_year_rows(self, auditor_api, ghana_indicator):
        TargetFactory(indicator=ghana_indicator, fiscal_year=2024, value=Decimal("10"))
        ResultFactory(indicator=ghana_indicator, fiscal_year=2024, value=Decimal("9"))
        body = auditor_api.get(f"/api/v1/indicators/{ghana_indicator.pk}/progress/").json()
        row = next(r for r in body if r["fiscal_year"] == 2024)
        assert row == {"fiscal_year": 2024, "target": "10.0000", "actual": "9.0000",
                       "percent_of_target": "90.00", "status": "at_risk"}
        assert next(r for r in body if r["fiscal_year"] == 2023)["status"] == "no_target"


class TestTargets:
    def test_staff_sets_a_target(self, staff_api, ghana_indicator):
        response = staff_api.post("/api/v1/targets/", {
            "indicator": ghana_indicator.pk, "fiscal_year": 2024, "value": "25"})
        assert response.status_code == 201, response.json()
        assert response.json()["set_at_dialogue"] is None

    def test_second_target_for_a_year_is_400_on_fiscal_year(self, staff_api, ghana_indicator):
        TargetFactory(indicator=ghana_indicator, fiscal_year=2024)
        response = staff_api.post("/api/v1/targets/", {
            "indicator": ghana_indicator.pk, "fiscal_year": 2024, "value": "25"})
        assert response.status_code == 400
        assert "fiscal_year" in response.json()

    def test_year_outside_the_compact_is_400(self, staff_api, ghana_indicator):
        response = staff_api.post("/api/v1/targets/", {
            "indicator": ghana_indicator.pk, "fiscal_year": 2035, "value": "25"})
        assert response.status_code == 400
        assert "fiscal_year" in response.json()

    def test_percent_target_above_100_is_400(self, staff_api, ghana_compact):
        indicator = IndicatorFactory(compact=ghana_compact, unit="percent")
        response = staff_api.post("/api/v1/targets/", {
            "indicator": indicator.pk, "fiscal_year": 2024, "value": "101"})
        assert response.status_code == 400
        assert "value" in response.json()

    def test_filters(self, staff_api, ghana_indicator, peru_indicator):
        TargetFactory(indicator=ghana_indicator, fiscal_year=2024)
        TargetFactory(indicator=ghana_indicator, fiscal_year=2025)
        TargetFactory(indicator=peru_indicator, fiscal_year=2024)
        body = staff_api.get(
            f"/api/v1/targets/?indicator={ghana_indicator.pk}&fiscal_year=2024").json()
        assert body["count"] == 1

    def test_officers_and_auditors_do_not_set_targets(self, officer_api, auditor_api,
                                                       ghana_indicator):
        payload = {"indicator": ghana_indicator.pk, "fiscal_year": 2024, "value": "25"}
        assert officer_api.post("/api/v1/targets/", payload).status_code == 403
        assert auditor_api.post("/api/v1/targets/", payload).status_code == 403
        assert not Target.objects.exists()


class TestResults:
    def test_officer_records_a_result_which_is_submitted(self, officer_api, ghana_indicator):
        response = officer_api.post("/api/v1/results/", {
            "indicator": ghana_indicator.pk, "fiscal_year": 2024, "value": "12",
            "source": "Police statistics",
            "disaggregations": [
                {"sex": "female", "age_group": "under_12", "value": "5"},
                {"sex": "male", "age_group": "12_17", "value": "7"},
            ]})
        assert response.status_code == 201, response.json()
        body = response.json()
        assert set(body) >= RESULT_FIELDS
        assert "change_reason" not in body
        assert (body["status"], body["reported_by"]) == ("submitted", "officer.gh")
        assert len(body["disaggregations"]) == 2

    def test_officer_cannot_record_for_another_countrys_indicator(self, officer_api,
                                                                  peru_indicator):
        response = officer_api.post("/api/v1/results/", {
            "indicator": peru_indicator.pk, "fiscal_year": 2024, "value": "12"})
        assert response.status_code == 400
        assert "indicator" in response.json()
        assert not Result.objects.exists()

    def test_officer_cannot_see_or_change_another_countrys_result(self, officer_api,
                                                                 peru_indicator):
        result = ResultFactory(indicator=peru_indicator, fiscal_year=2024)
        assert officer_api.get(f"/api/v1/results/{result.pk}/").status_code == 404
        response = officer_api.patch(f"/api/v1/results/{result.pk}/", {"source": "x"})
        assert response.status_code == 404

    def test_disaggregations_not_adding_up_are_400(self, staff_api, ghana_indicator):
        response = staff_api.post("/api/v1/results/", {
            "indicator": ghana_indicator.pk, "fiscal_year": 2024, "value": "12",
            "disaggregations": [{"sex": "female", "age_group": "under_12", "value": "5"}]})
        assert response.status_code == 400
        assert "disaggregations" in response.json()

    def test_bad_disaggregation_choice_is_400(self, staff_api, ghana_indicator):
        response = staff_api.post("/api/v1/results/", {
            "indicator": ghana_indicator.pk, "fiscal_year": 2024, "value": "5",
            "disaggregations": [{"sex": "girl", "age_group": "under_12", "value": "5"}]})
        assert response.status_code == 400
        assert "disaggregations" in response.json()

    def test_duplicate_and_out_of_compact_years_are_400_on_fiscal_year(self, staff_api,
                                                                       ghana_indicator):
        ResultFactory(indicator=ghana_indicator, fiscal_year=2024)
        for year in (2024, 2019):
            response = staff_api.post("/api/v1/results/", {
                "indicator": ghana_indicator.pk, "fiscal_year": year, "value": "1"})
            assert response.status_code == 400
            assert "fiscal_year" in response.json()

    def test_percent_result_is_computed_and_checked(self, staff_api, ghana_compact):
        indicator = IndicatorFactory(compact=ghana_compact, unit="percent")
        response = staff_api.post("/api/v1/results/", {
            "indicator": indicator.pk, "fiscal_year": 2024, "numerator": "3",
            "denominator": "4"})
        assert response.status_code == 201, response.json()
        assert response.json()["value"] == "75.0000"
        response = staff_api.post("/api/v1/results/", {
            "indicator": indicator.pk, "fiscal_year": 2025, "numerator": "5",
            "denominator": "4"})
        assert response.status_code == 400
        assert "value" in response.json()

    def test_filters(self, staff_api, ghana_indicator):
        ResultFactory(indicator=ghana_indicator, fiscal_year=2023, status="approved")
        ResultFactory(indicator=ghana_indicator, fiscal_year=2024, status="submitted")
        body = staff_api.get(
            f"/api/v1/results/?indicator={ghana_indicator.pk}&status=submitted").json()
        assert [r["fiscal_year"] for r in body["results"]] == [2024]
        assert staff_api.get("/api/v1/results/?fiscal_year=2023").json()["count"] == 1

    def test_auditor_gets_403_on_every_write(self, auditor_api, ghana_indicator):
        result = ResultFactory(indicator=ghana_indicator, fiscal_year=2024, status="submitted")
        assert auditor_api.post("/api/v1/results/", {
            "indicator": ghana_indicator.pk, "fiscal_year": 2025, "value": "1"}
        ).status_code == 403
        assert auditor_api.patch(f"/api/v1/results/{result.pk}/",
                                 {"source": "x"}).status_code == 403
        assert auditor_api.post(f"/api/v1/results/{result.pk}/approve/").status_code == 403
        assert auditor_api.post("/api/v1/indicators/", {}).status_code == 403
        assert auditor_api.patch(f"/api/v1/indicators/{ghana_indicator.pk}/",
                                 {"name": "x"}).status_code == 403


class TestReview:
    @pytest.fixture
    def submitted(self, ghana_indicator):
        return ResultFactory(indicator=ghana_indicator, fiscal_year=2024, status="submitted")

    def test_staff_approves(self, staff_api, submitted):
        response = staff_api.post(f"/api/v1/results/{submitted.pk}/approve/")
        assert response.status_code == 200
        assert (response.json()["status"], response.json()["reviewed_by"]) == ("approved",
                                                                               "staff")

    def test_staff_returns_with_a_note(self, staff_api, submitted):
        assert staff_api.post(f"/api/v1/results/{submitted.pk}/return/").status_code == 400
        response = staff_api.post(f"/api/v1/results/{submitted.pk}/return/",
                                  {"review_note": "Add the source."})
        assert response.status_code == 200
        assert (response.json()["status"], response.json()["review_note"]) == (
            "returned", "Add the source.")

    def test_reviewing_twice_is_409(self, staff_api, submitted):
        staff_api.post(f"/api/v1/results/{submitted.pk}/approve/")
        assert staff_api.post(f"/api/v1/results/{submitted.pk}/approve/").status_code == 409
        response = staff_api.post(f"/api/v1/results/{submitted.pk}/return/",
                                  {"review_note": "Late."})
        assert response.status_code == 409

    def test_officers_do_not_review(self, officer_api, submitted):
        assert officer_api.post(f"/api/v1/results/{submitted.pk}/approve/").status_code == 403

    def test_approved_value_change_needs_a_reason_kept_in_history(self, staff_api,
                                                                  ghana_indicator):
        result = ResultFactory(indicator=ghana_indicator, fiscal_year=2024)
        response = staff_api.patch(f"/api/v1/results/{result.pk}/", {"value": "150"})
        assert response.status_code == 400
        assert "change_reason" in response.json()
        response = staff_api.patch(f"/api/v1/results/{result.pk}/", {
            "value": "150", "change_reason": "Ministry corrected its count."})
        assert response.status_code == 200
        history = staff_api.get(f"/api/v1/results/{result.pk}/history/").json()["results"]
        assert history[0]["reason"] == "Ministry corrected its count."
        assert history[0]["user"] == "staff"

    def test_officer_fixes_a_returned_result_and_resubmits(self, officer_api, staff_api,
                                                           submitted):
        staff_api.post(f"/api/v1/results/{submitted.pk}/return/", {"review_note": "Typo."})
        response = officer_api.patch(f"/api/v1/results/{submitted.pk}/", {"value": "90"})
        assert response.status_code == 200
        assert response.json()["status"] == "submitted"


def _populate(count):
    for _ in range(count):
        compact = CompactFactory(country=PartnerCountryFactory())
        indicator = IndicatorFactory(compact=compact)
        TargetFactory(indicator=indicator, fiscal_year=2024)
        result = ResultFactory(indicator=indicator, fiscal_year=2024, value=Decimal("10"))
        DisaggregationFactory(result=result, value=Decimal("10"))


@pytest.mark.parametrize("url", ["/api/v1/indicators/", "/api/v1/targets/",
                                 "/api/v1/results/", "/api/v1/standard-indicators/"])
def test_list_queries_do_not_grow_with_rows(staff_api, django_assert_num_queries, url):
    _populate(2)
    staff_api.get(url)  # the user's roles are looked up once, then cached
    with CaptureQueriesContext(connection) as small:
        assert staff_api.get(url).status_code == 200
    _populate(10)
    with django_assert_num_queries(len(small.captured_queries)):
        assert staff_api.get(url).status_code == 200
