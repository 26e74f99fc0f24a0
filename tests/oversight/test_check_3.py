"""Check 3 (GAO recommendation 3): every performance indicator tracked in the fiscal year has
an annual target for it, key or not; proposals count once TIP staff accept them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cpc.models import recorded_as_of
from dialogues import proposals
from indicators import services
from oversight.compliance import compact_compliance
from tests.dialogues.factories import DialogueFactory, noon
from tests.indicators.factories import IndicatorFactory, TargetFactory

# These tests write figures of past fiscal years, locked by now, about other rules.
pytestmark = pytest.mark.usefixtures("past_years_open")

FY = 2024
TODAY = dt.date(2024, 11, 1)


def check_3(compact, fiscal_year=FY):
    checks = compact_compliance(compact=compact, fiscal_year=fiscal_year, today=TODAY)
    return next(c for c in checks if c.recommendation == 3)


def test_not_met_when_a_non_key_indicator_lacks_a_target_and_it_is_named(ghana_compact):
    key = IndicatorFactory(compact=ghana_compact, code="PROT-1", is_key=True)
    other = IndicatorFactory(compact=ghana_compact, code="PREV-1", is_key=False)
    TargetFactory(indicator=key, fiscal_year=FY)
    TargetFactory(indicator=other, fiscal_year=FY + 1)  # another year does not count
    check = check_3(ghana_compact)
    assert check.status == "not_met"
    assert check.detail == ("No FY2024 target for: PREV-1. 1 of 2 performance indicators "
                            "have a target that counts.")
    assert check.title == "Annual targets set for performance indicators"


def test_met_when_every_indicator_has_a_target_for_the_year(ghana_compact):
    for code, is_key in (("PROT-1", True), ("PREV-1", False), ("PROS-3", False)):
        TargetFactory(indicator=IndicatorFactory(compact=ghana_compact, code=code,
                                                 is_key=is_key), fiscal_year=FY)
    check = check_3(ghana_compact)
    assert check.status == "met"
    assert check.detail == ("All 3 performance indicators tracked in FY2024 have a FY2024 "
                            "target.")


def test_not_met_when_no_indicator_is_defined(ghana_compact):
    check = check_3(ghana_compact)
    assert (check.status, check.detail) == (
        "not_met", "No performance indicators are defined for FY2024.")


def test_many_missing_codes_are_shortened(ghana_compact):
    for number in range(8):
        IndicatorFactory(compact=ghana_compact, code=f"IND-{number}", is_key=False)
    detail = check_3(ghana_compact).detail
    assert "IND-0, IND-1, IND-2, IND-3, IND-4, IND-5 and 2 more" in detail
    assert "0 of 8 performance indicators" in detail


class TestZeroTargets:
    def test_a_zero_target_where_higher_is_better_does_not_count(self, ghana_compact):
        indicator = IndicatorFactory(compact=ghana_compact, code="PROS-2", direction="increase")
        TargetFactory(indicator=indicator, fiscal_year=FY, value=Decimal("0"))
        check = check_3(ghana_compact)
        assert check.status == "not_met"
        assert "target of 0, which any result meets, for: PROS-2" in check.detail

    def test_a_zero_target_where_lower_is_better_counts(self, ghana_compact):
        indicator = IndicatorFactory(compact=ghana_compact, direction="decrease")
        TargetFactory(indicator=indicator, fiscal_year=FY, value=Decimal("0"))
        assert check_3(ghana_compact).status == "met"


class TestIndicatorYears:
    """An indicator is tracked in the years from ``first_fiscal_year`` to ``last_fiscal_year``
    (empty: the compact's first or last year)."""

    def test_an_indicator_dropped_before_the_year_is_not_asked_for_a_target(self, ghana_compact):
        kept = IndicatorFactory(compact=ghana_compact, code="PROT-1")
        IndicatorFactory(compact=ghana_compact, code="PROT-9", last_fiscal_year=FY - 1)
        TargetFactory(indicator=kept, fiscal_year=FY)
        assert check_3(ghana_compact).status == "met"
        # In its own last year it is asked for one.
        check = check_3(ghana_compact, fiscal_year=FY - 1)
        assert check.status == "not_met" and "PROT-9" in check.detail

    def test_an_indicator_added_later_is_asked_from_its_first_year(self, ghana_compact):
        IndicatorFactory(compact=ghana_compact, code="PREV-2", first_fiscal_year=FY + 1)
        assert check_3(ghana_compact).detail == (
            "No performance indicators are defined for FY2024.")
        assert "PREV-2" in check_3(ghana_compact, fiscal_year=FY + 1).detail

    def test_years_must_lie_within_the_compacts_fiscal_years(self, staff_user, ghana_compact):
        with pytest.raises(ValidationError) as error:
            services.indicator_create(user=staff_user, compact=ghana_compact, code="X-1",
                                      name="X", pillar="protection", unit="count",
                                      first_fiscal_year=2020, last_fiscal_year=2031)
        assert set(error.value.message_dict) == {"first_fiscal_year", "last_fiscal_year"}

    def test_first_year_cannot_come_after_the_last(self, staff_api, ghana_compact):
        response = staff_api.post("/api/v1/indicators/", {
            "compact": ghana_compact.pk, "code": "X-1", "name": "X", "pillar": "protection",
            "unit": "count", "first_fiscal_year": 2026, "last_fiscal_year": 2024,
        }, format="json")
        assert response.status_code == 400
        assert "last_fiscal_year" in response.json()

    def test_api_reads_and_writes_the_years(self, staff_api, ghana_compact):
        indicator = IndicatorFactory(compact=ghana_compact)
        # FY2026 and FY2027 have begun: dropping them needs a reason, kept in the history.
        response = staff_api.patch(f"/api/v1/indicators/{indicator.pk}/",
                                   {"last_fiscal_year": 2025}, format="json")
        assert response.status_code == 400
        assert "FY2026, FY2027" in response.json()["last_fiscal_year"][0]
        response = staff_api.patch(f"/api/v1/indicators/{indicator.pk}/",
                                   {"last_fiscal_year": 2025,
                                    "change_reason": "Dropped at the mid-term review."},
                                   format="json")
        assert response.status_code == 200, response.content
        assert indicator.history.first().history_change_reason == (
            "Dropped at the mid-term review.")
        assert (response.json()["first_fiscal_year"], response.json()["last_fiscal_year"]) == (
            None, 2025)

    def test_no_target_for_a_year_the_indicator_is_not_tracked(self, ghana_compact):
        indicator = IndicatorFactory(compact=ghana_compact, code="PROT-9",
                                     last_fiscal_year=2024)
        with pytest.raises(ValidationError) as error:
            services.target_create(indicator=indicator, fiscal_year=2025, value=Decimal("5"))
        assert error.value.message_dict["fiscal_year"] == [
            "PROT-9 is not tracked in FY2025 (its years: FY2022-FY2024)."]

    def test_narrowing_the_years_past_a_target_is_refused(self, ghana_compact):
        indicator = IndicatorFactory(compact=ghana_compact)
        TargetFactory(indicator=indicator, fiscal_year=2026)
        with pytest.raises(ValidationError) as error:
            services.indicator_update(indicator=indicator, data={"last_fiscal_year": 2025})
        assert "FY2026" in error.value.message_dict["last_fiscal_year"][0]
        indicator.refresh_from_db()
        assert indicator.last_fiscal_year is None

    def test_the_page_marks_years_an_indicator_is_not_tracked(self, client, auditor_user,
                                                               ghana_compact):
        IndicatorFactory(compact=ghana_compact, last_fiscal_year=2024)
        client.force_login(auditor_user)
        content = client.get(f"/indicators/compact/{ghana_compact.pk}/").content.decode()
        # FY2025-FY2027: four rows (target, actual, percent, status) each.
        assert content.count("not tracked") == 3 * 3
        assert content.count(">Not tracked<") == 3


class TestProposalsCountOnceAccepted:
    def test_a_pending_proposal_does_not_satisfy_the_check(self, ghana_compact, ghana_officer,
                                                           staff_user):
        indicator = IndicatorFactory(compact=ghana_compact, code="PROT-1")
        dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=FY)
        proposal = proposals.target_propose(user=ghana_officer, dialogue=dialogue,
                                            indicator=indicator, value=Decimal("45"))
        check = check_3(ghana_compact)
        assert check.status == "not_met"
        assert check.detail.endswith("Target proposals await TIP staff for: PROT-1.")
        with recorded_as_of(noon(dt.date(2024, 9, 1))):  # accepted before the year ended
            proposals.target_proposal_accept(user=staff_user, proposal=proposal)
        assert check_3(ghana_compact).status == "met"


class TestTargetsSetAfterTheYear:
    """A target typed in after its fiscal year ended does not count for that year."""

    def test_a_target_recorded_14_months_late_through_the_api_does_not_count(
            self, staff_api, ghana_compact):
        indicator = IndicatorFactory(compact=ghana_compact, code="PROT-1", baseline_value=20)
        with recorded_as_of(noon(dt.date(2025, 11, 30))):
            response = staff_api.post("/api/v1/targets/", {
                "indicator": indicator.pk, "fiscal_year": FY, "value": "1"}, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["recorded_at"].startswith("2025-11-30")
        check = check_3(ghana_compact)
        assert check.status == "not_met"
        assert "set after the year ended (2024-09-30)" in check.detail
        assert "0 of 1 performance indicators have a target that counts" in check.detail


    def test_changing_a_timely_target_after_the_year_makes_it_late(self, staff_api,
                                                                     ghana_compact):
        target = TargetFactory(indicator=IndicatorFactory(compact=ghana_compact),
                               fiscal_year=FY)
        assert check_3(ghana_compact).status == "met"
        response = staff_api.patch(f"/api/v1/targets/{target.pk}/", {"value": "1"},
                                   format="json")
        assert response.status_code == 200, response.content
        assert check_3(ghana_compact).status == "not_met"

    def test_a_client_cannot_give_the_recorded_time(self, staff_api, ghana_compact):
        indicator = IndicatorFactory(compact=ghana_compact)
        response = staff_api.post("/api/v1/targets/", {
            "indicator": indicator.pk, "fiscal_year": FY, "value": "5",
            "recorded_at": "2024-01-01T00:00:00Z"}, format="json")
        assert response.status_code == 201
        assert not response.json()["recorded_at"].startswith("2024")
        assert check_3(ghana_compact).status == "not_met"

    def test_pending_until_the_year_ends(self, ghana_compact):
        IndicatorFactory(compact=ghana_compact)
        checks = compact_compliance(compact=ghana_compact, fiscal_year=FY,
                                    today=dt.date(2024, 5, 1))
        assert [(c.status, c.due_on) for c in checks if c.recommendation == 3] == [
            ("pending", dt.date(2024, 9, 30))]


class TestDroppingIndicatorsMidYear:
    def test_a_key_indicator_of_the_years_dialogue_cannot_be_dropped(self, staff_api,
                                                                     ghana_compact):
        key = IndicatorFactory(compact=ghana_compact, code="PROS-1")
        dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2026,
                                   scheduled_for=dt.date(2026, 3, 1))
        dialogue.key_indicators.set([key])
        response = staff_api.patch(f"/api/v1/indicators/{key.pk}/", {
            "last_fiscal_year": 2025, "change_reason": "Dropped to meet check 3."},
            format="json")
        assert response.status_code == 409
        assert "key indicator of the FY2026 dialogue" in response.json()["detail"]
        key.refresh_from_db()
        assert key.last_fiscal_year is None


def test_the_api_and_the_compact_page_show_the_same_detail(staff_api, client, staff_user,
                                                           ghana_compact):
    IndicatorFactory(compact=ghana_compact, code="PREV-1", is_key=False)
    body = staff_api.get(f"/api/v1/compacts/{ghana_compact.pk}/compliance/?fiscal_year=2025"
                         ).json()
    detail = body["checks"][2]["detail"]
    assert detail.startswith("No FY2025 target for: PREV-1.")
    client.force_login(staff_user)
    page = client.get(f"/compacts/{ghana_compact.pk}/?fiscal_year=2025").content.decode()
    assert detail in page
