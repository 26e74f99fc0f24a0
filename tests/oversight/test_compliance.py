"""The six GAO checks, each built met, not met and not applicable."""

import datetime as dt

import pytest

from compacts.models import Compact
from oversight.compliance import compact_compliance
from tests.compacts.factories import CompactFactory, GuidanceDocumentFactory
from tests.contributions.factories import ContributionFactory, SustainabilityPlanFactory
from tests.dialogues.factories import (
    DialogueFactory,
    DiscussionFactory,
    IndicatorFactory,
    TargetFactory,
    noon,
)

# These tests write figures of past fiscal years, locked by now, about other rules.
pytestmark = pytest.mark.usefixtures("past_years_open")

FY = 2024
TODAY = dt.date(2025, 2, 1)  # after FY 2024 and its dialogue window (to 28 January 2025)


def statuses(compact, fiscal_year=FY, today=TODAY):
    return {c.recommendation: c.status
            for c in compact_compliance(compact=compact, fiscal_year=fiscal_year, today=today)}


def detail(compact, number, fiscal_year=FY, today=TODAY):
    checks = compact_compliance(compact=compact, fiscal_year=fiscal_year, today=today)
    return next(c.detail for c in checks if c.recommendation == number)


@pytest.fixture
def held_dialogue(ghana_compact):
    key = IndicatorFactory(compact=ghana_compact, code="PROS-1")
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=FY, status="held",
                               scheduled_for=dt.date(2024, 3, 15), held_on=dt.date(2024, 3, 15),
                               key_indicators_identified_on=dt.date(2024, 2, 1),
                               key_indicators_shared_on=dt.date(2024, 2, 5),
                               key_indicators_shared_via="diplomatic_note",
                               sustainability_discussed=True)
    dialogue.key_indicators.set([key])
    return dialogue


def test_every_check_is_not_applicable_when_the_compact_was_not_active(ghana_compact):
    assert set(statuses(ghana_compact, fiscal_year=2019).values()) == {"not_applicable"}


def test_dialogue_checks_pending_while_the_dialogue_window_is_open(ghana_compact):
    for today in (dt.date(2024, 1, 10), dt.date(2025, 1, 28)):  # under way; window's last day
        checks = compact_compliance(compact=ghana_compact, fiscal_year=FY, today=today)
        assert [(c.status, c.due_on) for c in checks if c.recommendation in (1, 2, 6)] == [
            ("pending", dt.date(2025, 1, 28))] * 3


def test_dialogue_checks_not_met_when_the_year_ended_without_a_dialogue(ghana_compact):
    result = statuses(ghana_compact)
    assert (result[1], result[2], result[6]) == ("not_met",) * 3
    assert "No annual dialogue" in detail(ghana_compact, 1)


class TestCheck1KeyIndicatorsBeforeDialogue:
    def test_met(self, ghana_compact, held_dialogue):
        assert statuses(ghana_compact)[1] == "met"

    def test_not_met_without_key_indicators(self, ghana_compact):
        DialogueFactory(compact=ghana_compact, fiscal_year=FY)
        assert statuses(ghana_compact)[1] == "not_met"

    def test_not_met_when_identified_on_the_day_or_after(self, ghana_compact, held_dialogue):
        held_dialogue.key_indicators_identified_on = held_dialogue.held_on
        held_dialogue.key_indicators_shared_on = held_dialogue.held_on
        held_dialogue.key_indicators_recorded_at = noon(held_dialogue.held_on)
        held_dialogue.save()
        assert statuses(ghana_compact)[1] == "not_met"
        assert "not before" in detail(ghana_compact, 1)


class TestCheck2IndicatorsDiscussed:
    def test_met(self, ghana_compact, held_dialogue):
        DiscussionFactory(dialogue=held_dialogue, indicator=held_dialogue.key_indicators.get(),
                          actual_value=80, actual_fiscal_year=FY)
        assert statuses(ghana_compact)[2] == "met"

    def test_not_met_names_the_missing_indicator(self, ghana_compact, held_dialogue):
        assert statuses(ghana_compact)[2] == "not_met"
        assert "PROS-1" in detail(ghana_compact, 2)

    def test_pending_before_the_dialogue_is_held(self, ghana_compact):
        DialogueFactory(compact=ghana_compact, fiscal_year=FY, status="planned")
        assert statuses(ghana_compact, today=dt.date(2024, 11, 1))[2] == "pending"
        # Never held by the close of the window: not met, and not "not applicable".
        assert statuses(ghana_compact)[2] == "not_met"
        assert "was not held" in detail(ghana_compact, 2)


class TestCheck3Targets:
    def test_met(self, ghana_compact):
        TargetFactory(indicator=IndicatorFactory(compact=ghana_compact), fiscal_year=FY)
        assert statuses(ghana_compact)[3] == "met"

    def test_not_met_when_a_key_indicator_has_no_target_for_the_year(self, ghana_compact):
        TargetFactory(indicator=IndicatorFactory(compact=ghana_compact), fiscal_year=FY)
        missing = IndicatorFactory(compact=ghana_compact, code="PROT-9")
        TargetFactory(indicator=missing, fiscal_year=FY + 1)
        assert statuses(ghana_compact)[3] == "not_met"
        assert "PROT-9" in detail(ghana_compact, 3)

    def test_not_met_without_key_indicators(self, ghana_compact):
        IndicatorFactory(compact=ghana_compact, is_key=False)
        assert statuses(ghana_compact)[3] == "not_met"


class TestCheck4Guidance:
    PASSAGE = "Each compact sets annual targets for its performance indicators."

    def test_met_when_the_years_guidance_quotes_targets(self, ghana_compact):
        GuidanceDocumentFactory(effective_from=dt.date(2022, 1, 1))
        GuidanceDocumentFactory(effective_from=dt.date(2024, 1, 1), document="guidance/g.pdf",
                                targets_passage=self.PASSAGE, confirmed=True)
        assert statuses(ghana_compact)[4] == "met"

    def test_not_met_when_the_years_guidance_does_not(self, ghana_compact):
        GuidanceDocumentFactory(effective_from=dt.date(2022, 1, 1), document="guidance/g.pdf",
                                targets_passage=self.PASSAGE)
        GuidanceDocumentFactory(effective_from=dt.date(2024, 1, 1), document="guidance/h.pdf")
        assert statuses(ghana_compact)[4] == "not_met"

    def test_not_met_without_guidance(self, ghana_compact):
        assert statuses(ghana_compact)[4] == "not_met"


class TestCheck5Contributions:
    def test_met_with_a_verified_contribution_with_evidence(self, ghana_compact, staff_user,
                                                            private_storage):
        ContributionFactory(compact=ghana_compact, fiscal_year=FY, with_evidence=True,
                            verified=True, verified_by=staff_user, verified_at=dt.datetime(
                                2024, 10, 1, tzinfo=dt.UTC))
        assert statuses(ghana_compact)[5] == "met"

    def test_not_met_when_contributions_are_for_other_years(self, ghana_compact):
        ContributionFactory(compact=ghana_compact, fiscal_year=FY + 1)
        assert statuses(ghana_compact)[5] == "not_met"
        assert f"FY{FY}" in detail(ghana_compact, 5)

    def test_not_applicable_when_the_compact_was_not_active(self, ghana_compact):
        ContributionFactory(compact=ghana_compact, fiscal_year=FY)
        assert statuses(ghana_compact, fiscal_year=2020)[5] == "not_applicable"


class TestCheck6Sustainability:
    def test_not_met_when_the_plan_is_overdue_even_if_discussed(self, ghana_compact,
                                                                  held_dialogue):
        SustainabilityPlanFactory(compact=ghana_compact, status="requested",
                                  requested_on=dt.date(2024, 1, 10),
                                  due_on=dt.date(2024, 6, 30))
        assert statuses(ghana_compact)[6] == "not_met"
        assert "2024-06-30" in detail(ghana_compact, 6)

    def test_received_plan_is_not_overdue(self, ghana_compact, held_dialogue):
        held_dialogue.sustainability_notes = "The ministry will keep the shelter budget line."
        held_dialogue.save()
        SustainabilityPlanFactory(compact=ghana_compact, status="received", measures=1,
                                  requested_on=dt.date(2024, 1, 10),
                                  due_on=dt.date(2024, 6, 30), received_on=dt.date(2024, 7, 2))
        assert statuses(ghana_compact)[6] == "met"

    def test_met(self, ghana_compact, held_dialogue):
        held_dialogue.sustainability_notes = "The ministry will keep the shelter budget line."
        held_dialogue.save()
        SustainabilityPlanFactory(compact=ghana_compact, status="requested", measures=1,
                                  requested_on=dt.date(2024, 1, 10),
                                  due_on=dt.date(2025, 6, 30))
        assert statuses(ghana_compact)[6] == "met"

    def test_a_plan_without_measures_is_not_current(self, ghana_compact, held_dialogue):
        held_dialogue.sustainability_notes = "The ministry will keep the shelter budget line."
        held_dialogue.save()
        SustainabilityPlanFactory(compact=ghana_compact, status="requested",
                                  requested_on=dt.date(2024, 1, 10),
                                  due_on=dt.date(2099, 6, 30))
        assert statuses(ghana_compact)[6] == "not_met"
        assert "records no measures" in detail(ghana_compact, 6)

    def test_notes_of_a_dot_say_too_little(self, ghana_compact, held_dialogue):
        held_dialogue.sustainability_notes = "."
        held_dialogue.save()
        SustainabilityPlanFactory(compact=ghana_compact, status="requested", measures=1,
                                  requested_on=dt.date(2024, 1, 10),
                                  due_on=dt.date(2025, 6, 30))
        assert statuses(ghana_compact)[6] == "not_met"
        assert "say too little" in detail(ghana_compact, 6)

    def test_a_request_dated_by_hand_is_not_taken(self, staff_api, ghana_compact,
                                                  held_dialogue):
        """Requested today through the API with a typed date of 2023: the server dates it
        today, after the dialogue of 2024-03-15."""
        held_dialogue.sustainability_notes = "The ministry will keep the shelter budget line."
        held_dialogue.save()
        plan = SustainabilityPlanFactory(compact=ghana_compact, measures=1)
        base = f"/api/v1/sustainability-plans/{plan.pk}/request/"
        typed = staff_api.post(base, {"requested_on": "2023-01-10", "due_on": "2099-01-01"})
        assert typed.status_code == 400 and "requested_on" in typed.json()
        assert staff_api.post(base, {"due_on": "2099-01-01"}).status_code == 200
        assert statuses(ghana_compact)[6] == "not_met"
        assert "after the dialogue of 2024-03-15" in detail(ghana_compact, 6)

    def test_not_met_when_not_discussed(self, ghana_compact, held_dialogue):
        held_dialogue.sustainability_discussed = False
        held_dialogue.save()
        assert statuses(ghana_compact)[6] == "not_met"
        assert "not discussed" in detail(ghana_compact, 6)

    def test_pending_before_the_dialogue(self, ghana_compact):
        DialogueFactory(compact=ghana_compact, fiscal_year=FY, status="planned")
        assert statuses(ghana_compact, today=dt.date(2024, 11, 1))[6] == "pending"
        assert statuses(ghana_compact)[6] == "not_met"


class TestComplianceEndpoint:
    def test_contract_shape(self, auditor_api, ghana_compact, held_dialogue):
        response = auditor_api.get(
            f"/api/v1/compacts/{ghana_compact.pk}/compliance/?fiscal_year={FY}")
        assert response.status_code == 200
        body = response.json()
        assert (body["compact"], body["fiscal_year"]) == (ghana_compact.pk, FY)
        assert [c["recommendation"] for c in body["checks"]] == [1, 2, 3, 4, 5, 6]
        assert set(body["checks"][0]) == {"recommendation", "title", "status", "detail",
                                          "due_on"}


    def test_scoped_and_validated(self, officer_api, peru_compact, ghana_compact):
        assert officer_api.get(f"/api/v1/compacts/{peru_compact.pk}/compliance/"
                               ).status_code == 404
        bad = officer_api.get(f"/api/v1/compacts/{ghana_compact.pk}/compliance/?fiscal_year=x")
        assert bad.status_code == 400
        assert "fiscal_year" in bad.json()

    def test_queries_do_not_grow_with_indicators(self, staff_api, django_assert_num_queries):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def build(n):
            compact = CompactFactory()
            dialogue = DialogueFactory(compact=compact, fiscal_year=FY, status="held",
                                       held_on=dt.date(2024, 3, 15))
            indicators = [IndicatorFactory(compact=compact) for _ in range(n)]
            dialogue.key_indicators.set(indicators)
            for indicator in indicators:
                TargetFactory(indicator=indicator, fiscal_year=FY)
                DiscussionFactory(dialogue=dialogue, indicator=indicator)
            return compact

        small, large = build(5), build(50)
        assert Compact.objects.count() == 2
        staff_api.get("/api/v1/me/")  # the user's roles are read once, then cached
        with CaptureQueriesContext(connection) as few:
            staff_api.get(f"/api/v1/compacts/{small.pk}/compliance/?fiscal_year={FY}")
        with django_assert_num_queries(len(few.captured_queries)):
            staff_api.get(f"/api/v1/compacts/{large.pk}/compliance/?fiscal_year={FY}")
