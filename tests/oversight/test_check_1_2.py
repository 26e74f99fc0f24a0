"""Checks 1 and 2 read met only when the substance is recorded: key indicators identified and
shared with the partner government (date and channel) before the dialogue; every key
indicator discussed with its approved data, stamped by the server."""

import datetime as dt
from decimal import Decimal

import pytest

from cpc.models import recorded_as_of
from dialogues.models import DISCUSSION_NOTES_MIN_CHARS, Dialogue, Discussion
from oversight.compliance import compact_compliance
from tests.dialogues.factories import (
    DialogueFactory,
    IndicatorFactory,
    ResultFactory,
    TargetFactory,
    noon,
)

# These tests write figures of past fiscal years, locked by now, about other rules.
pytestmark = pytest.mark.usefixtures("past_years_open")

FY = 2024
TODAY = dt.date(2024, 11, 1)  # FY2024 has ended
HELD = dt.date(2024, 3, 15)
IDENTIFIED = dt.date(2024, 2, 1)
NOTES = "Referrals behind target; the ministry explained the shelter closures."


def check(compact, number, today=TODAY):
    checks = compact_compliance(compact=compact, fiscal_year=FY, today=today)
    return next(c for c in checks if c.recommendation == number)


def on(day: dt.date):
    """Writes inside are recorded (server time) on ``day``, as if made then."""
    return recorded_as_of(noon(day))


@pytest.fixture
def prepared(ghana_compact):
    """A planned FY2024 dialogue whose key indicator PROS-1 was recorded six weeks before."""
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=FY, scheduled_for=HELD,
                               key_indicators_identified_on=IDENTIFIED)
    dialogue.key_indicators.set([IndicatorFactory(compact=ghana_compact, code="PROS-1")])
    return dialogue


def hold(dialogue, day=HELD):
    """Held on ``day`` (brought forward to it when that is before the day scheduled)."""
    Dialogue.objects.filter(pk=dialogue.pk).update(
        status="held", held_on=day, scheduled_for=min(dialogue.scheduled_for, day))
    dialogue.refresh_from_db()
    return dialogue


@pytest.fixture
def dialogue(prepared):
    """The same dialogue, held."""
    return hold(prepared)


def share(api, dialogue, **fields):
    response = api.patch(f"/api/v1/dialogues/{dialogue.pk}/", fields)
    assert response.status_code == 200, response.json()
    return response


def discuss(api, dialogue, indicator, notes=NOTES, day=HELD, **extra):
    with on(day):
        return api.post(f"/api/v1/dialogues/{dialogue.pk}/discussions/",
                        {"indicator": indicator.pk, "notes": notes} | extra)


class TestCheck1KeyIndicatorsSharedBeforeTheDialogue:
    def test_identified_but_never_shared_is_not_met(self, ghana_compact, dialogue):
        result = check(ghana_compact, 1)
        assert result.status == "not_met"
        assert "not shared with the partner government" in result.detail

    def test_shared_with_no_channel_is_not_met_and_frozen_once_held(
            self, officer_api, ghana_compact, prepared):
        with on(dt.date(2024, 2, 5)):
            share(officer_api, prepared, key_indicators_shared_on="2024-02-05")
        hold(prepared)
        result = check(ghana_compact, 1)
        assert result.status == "not_met"
        assert "channel" in result.detail and "2024-02-05" in result.detail
        # Held: the channel can no longer be added afterwards.
        response = officer_api.patch(f"/api/v1/dialogues/{prepared.pk}/",
                                     {"key_indicators_shared_via": "diplomatic_note"})
        assert response.status_code == 409
        assert "can no longer change" in response.json()["detail"]
        assert check(ghana_compact, 1).status == "not_met"

    def test_met_when_identified_and_shared_are_recorded_before(self, officer_api,
                                                                 ghana_compact, prepared):
        with on(dt.date(2024, 2, 5)):
            share(officer_api, prepared, key_indicators_shared_on="2024-02-05",
                  key_indicators_shared_via="diplomatic_note")
        hold(prepared)
        result = check(ghana_compact, 1)
        assert result.status == "met", result.detail
        assert "2024-02-01" in result.detail and "2024-02-05" in result.detail
        assert "diplomatic note" in result.detail

    def test_a_typed_sharing_date_recorded_on_the_day_is_not_met(self, officer_api,
                                                                  ghana_compact, prepared):
        with on(HELD):  # keyed in on the day of the dialogue, dated five weeks earlier
            share(officer_api, prepared, key_indicators_shared_on="2024-02-05",
                  key_indicators_shared_via="email")
        hold(prepared)
        result = check(ghana_compact, 1)
        assert result.status == "not_met"
        assert f"sharing was recorded on {HELD}, not before the dialogue" in result.detail

    def test_shared_on_the_day_of_the_dialogue_is_not_met(self, officer_api, ghana_compact,
                                                          prepared):
        with on(dt.date(2024, 3, 1)):
            share(officer_api, prepared, key_indicators_shared_on="2024-03-01",
                  key_indicators_shared_via="meeting")
        hold(prepared, day=dt.date(2024, 3, 1))
        result = check(ghana_compact, 1)
        assert result.status == "not_met"
        assert ("shared with the partner government on 2024-03-01, not before the dialogue "
                "of 2024-03-01") in result.detail

    def test_identified_on_the_day_of_the_dialogue_is_not_met(self, ghana_compact, dialogue):
        Dialogue.objects.filter(pk=dialogue.pk).update(
            key_indicators_recorded_at=noon(HELD), key_indicators_shared_on=HELD,
            key_indicators_shared_via="email", key_indicators_shared_recorded_at=noon(HELD))
        result = check(ghana_compact, 1)
        assert result.status == "not_met"
        assert f"recorded on {HELD}, not before the dialogue of {HELD}" in result.detail

    def test_key_indicators_of_a_held_dialogue_cannot_be_swapped(
            self, officer_api, ghana_compact, prepared):
        with on(dt.date(2024, 2, 5)):
            share(officer_api, prepared, key_indicators_shared_on="2024-02-05",
                  key_indicators_shared_via="email")
        hold(prepared)
        other = IndicatorFactory(compact=ghana_compact, code="PREV-9")
        response = officer_api.patch(f"/api/v1/dialogues/{prepared.pk}/",
                                     {"key_indicators": [other.pk]}, format="json")
        assert response.status_code == 409
        assert "can no longer change" in response.json()["detail"]
        prepared.refresh_from_db()
        assert [i.code for i in prepared.key_indicators.all()] == ["PROS-1"]
        result = check(ghana_compact, 1)
        assert result.status == "met" and "2024-02-01" in result.detail

    def test_a_new_selection_must_be_shared_again(self, officer_api, ghana_compact, prepared):
        with on(dt.date(2024, 2, 5)):
            share(officer_api, prepared, key_indicators_shared_on="2024-02-05",
                  key_indicators_shared_via="email")
        other = IndicatorFactory(compact=ghana_compact, code="PREV-9")
        with on(dt.date(2024, 2, 20)):
            share(officer_api, prepared, key_indicators=[other.pk])
        prepared.refresh_from_db()
        assert prepared.key_indicators_identified_on == dt.date(2024, 2, 20)
        assert prepared.key_indicators_shared_on is None
        hold(prepared)
        assert "not shared" in check(ghana_compact, 1).detail

    def test_no_key_indicators_is_not_met(self, ghana_compact):
        DialogueFactory(compact=ghana_compact, fiscal_year=FY, status="held", held_on=HELD)
        result = check(ghana_compact, 1)
        assert (result.status, result.detail) == (
            "not_met", "No key indicators have been identified for the dialogue.")

    def test_a_planned_dialogue_is_pending_until_its_day(self, officer_api, ghana_compact):
        planned = DialogueFactory(compact=ghana_compact, fiscal_year=FY,
                                  scheduled_for=dt.date(2024, 9, 10))
        today = dt.date(2024, 8, 1)
        result = check(ghana_compact, 1, today=today)
        assert (result.status, result.due_on) == ("pending", dt.date(2024, 9, 9))
        with on(dt.date(2024, 7, 1)):
            share(officer_api, planned,
                  key_indicators=[IndicatorFactory(compact=ghana_compact).pk])
            share(officer_api, planned, key_indicators_shared_on="2024-07-01",
                  key_indicators_shared_via="email")
        result = check(ghana_compact, 1, today=today)
        assert result.status == "met"
        assert "2024-09-10" in result.detail
        # Held without key indicators shared in time: the deadline has passed.
        Dialogue.objects.filter(pk=planned.pk).update(key_indicators_shared_recorded_at=None)
        hold(planned, day=dt.date(2024, 9, 10))
        assert check(ghana_compact, 1, today=dt.date(2024, 9, 11)).status == "not_met"


class TestCheck2DataDiscussedWithApprovedFigures:
    def test_a_discussion_of_ok_is_refused(self, officer_api, dialogue):
        key = dialogue.key_indicators.get()
        for notes in ["ok", "      ", "x" * (DISCUSSION_NOTES_MIN_CHARS - 1),
                      " " * 10 + "ok" + " " * 30]:
            response = discuss(officer_api, dialogue, key, notes=notes)
            assert response.status_code == 400, notes
            assert "notes" in response.json()
        assert not Discussion.objects.exists()
        assert discuss(officer_api, dialogue, key,
                       notes="y" * DISCUSSION_NOTES_MIN_CHARS).status_code == 201

    def test_discussed_without_an_approved_result_is_not_met_and_named(
            self, officer_api, staff_api, ghana_compact, dialogue):
        key = dialogue.key_indicators.get()
        TargetFactory(indicator=key, fiscal_year=FY, value=Decimal("120"))
        submitted = ResultFactory(indicator=key, fiscal_year=FY, value=Decimal("90"),
                                  status="submitted")
        body = discuss(officer_api, dialogue, key).json()
        assert (body["actual_value"], body["actual_fiscal_year"]) == (None, None)
        assert Decimal(body["target_value"]) == Decimal("120")
        result = check(ghana_compact, 2)
        assert result.status == "not_met"
        assert result.detail == "No approved data discussed for: PROS-1."

        # Approving the figure afterwards does not rewrite what was discussed...
        approved = staff_api.post(f"/api/v1/results/{submitted.pk}/approve/")
        assert approved.status_code == 200, approved.json()
        assert check(ghana_compact, 2).status == "not_met"
        # ...a discussion recorded with the approved figure does.
        body = discuss(officer_api, dialogue, key).json()
        assert (Decimal(body["actual_value"]), body["actual_fiscal_year"]) == (Decimal("90"),
                                                                               FY)
        result = check(ghana_compact, 2)
        assert result.status == "met", result.detail

    def test_not_discussed_and_no_data_are_named_separately(self, officer_api, ghana_compact,
                                                            dialogue):
        other = IndicatorFactory(compact=ghana_compact, code="PROT-2")
        dialogue.key_indicators.add(other)
        discuss(officer_api, dialogue, dialogue.key_indicators.get(code="PROS-1"))
        result = check(ghana_compact, 2)
        assert result.status == "not_met"
        assert result.detail == ("Not discussed at the dialogue: PROT-2. "
                                 "No approved data discussed for: PROS-1.")

    def test_client_figures_are_ignored_and_the_server_stamps_its_own(self, officer_api,
                                                                      dialogue):
        key = dialogue.key_indicators.get()
        TargetFactory(indicator=key, fiscal_year=FY, value=Decimal("120"))
        ResultFactory(indicator=key, fiscal_year=FY, value=Decimal("80"))
        response = discuss(officer_api, dialogue, key, target_value="1", actual_value="999",
                           actual_fiscal_year=2030, recorded_at="2000-01-01T00:00:00Z")
        assert response.status_code == 201
        body = response.json()
        assert Decimal(body["target_value"]) == Decimal("120")
        assert Decimal(body["actual_value"]) == Decimal("80")
        assert body["actual_fiscal_year"] == FY
        assert body["recorded_at"][:4] != "2000"
        listed = officer_api.get(f"/api/v1/dialogues/{dialogue.pk}/discussions/").json()
        assert {"target_value", "actual_value", "actual_fiscal_year", "recorded_at",
                "recorded_by"} <= set(listed["results"][0])

    def test_the_latest_approved_actual_up_to_the_dialogues_year_is_stamped(
            self, officer_api, dialogue):
        key = dialogue.key_indicators.get()
        ResultFactory(indicator=key, fiscal_year=2022, value=Decimal("40"))
        ResultFactory(indicator=key, fiscal_year=2023, value=Decimal("55"))
        ResultFactory(indicator=key, fiscal_year=FY, value=Decimal("70"), status="returned")
        ResultFactory(indicator=key, fiscal_year=FY + 1, value=Decimal("99"))  # later year
        body = discuss(officer_api, dialogue, key).json()
        assert (Decimal(body["actual_value"]), body["actual_fiscal_year"]) == (Decimal("55"),
                                                                               2023)
        assert body["target_value"] is None

    def test_an_approved_zero_is_data_but_no_result_is_not(self, officer_api, ghana_compact,
                                                           dialogue):
        key = dialogue.key_indicators.get()
        ResultFactory(indicator=key, fiscal_year=FY, value=Decimal("0"))
        body = discuss(officer_api, dialogue, key).json()
        assert Decimal(body["actual_value"]) == 0
        assert check(ghana_compact, 2).status == "met"

    def test_pages_show_stamped_figures_and_not_reported_never_zero(
            self, client, auditor_user, officer_api, ghana_compact, dialogue):
        key = dialogue.key_indicators.get()
        discuss(officer_api, dialogue, key)
        client.force_login(auditor_user)
        for url in [f"/dialogues/{dialogue.pk}/", f"/dialogues/{dialogue.pk}/preparation/"]:
            content = client.get(url).content.decode()
            assert NOTES in content
            assert "not reported" in content
            assert "Not yet shared with the partner government." in content
        TargetFactory(indicator=key, fiscal_year=FY, value=Decimal("120"))
        ResultFactory(indicator=key, fiscal_year=2023, value=Decimal("75"))
        discuss(officer_api, dialogue, key, notes="Second look once the FY2023 figure was in.")
        content = client.get(f"/dialogues/{dialogue.pk}/").content.decode()
        assert "75 (FY 2023)" in content

    def test_log_page_puts_short_notes_errors_beside_the_indicator(self, client, ghana_officer,
                                                                   dialogue):
        key = dialogue.key_indicators.get()
        client.force_login(ghana_officer)
        response = client.post(f"/dialogues/{dialogue.pk}/record/outcomes/", {
            "summary": "",
            "discussions-TOTAL_FORMS": "1", "discussions-INITIAL_FORMS": "0",
            "discussions-0-indicator": str(key.pk), "discussions-0-notes": "ok",
            "proposals-TOTAL_FORMS": "0", "proposals-INITIAL_FORMS": "0",
            "items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0",
        })
        assert response.status_code == 400
        row_form = response.context["discussions"].forms[0]
        assert row_form.errors["notes"]
        assert not Discussion.objects.exists()


def test_met_detail_of_both_checks_once_everything_is_recorded(officer_api, ghana_compact,
                                                               prepared):
    key = prepared.key_indicators.get()
    ResultFactory(indicator=key, fiscal_year=FY, value=Decimal("64"))
    with on(dt.date(2024, 2, 5)):
        share(officer_api, prepared, key_indicators_shared_on="2024-02-05",
              key_indicators_shared_via="email")
    dialogue = hold(prepared)
    discuss(officer_api, dialogue, key)
    one, two = check(ghana_compact, 1), check(ghana_compact, 2)
    assert (one.status, two.status) == ("met", "met")
    assert one.detail == ("1 key indicators identified on 2024-02-01 and shared with the partner "
                          "government on 2024-02-05 (email), both recorded before the dialogue "
                          "of 2024-03-15.")
    assert two.detail == ("All 1 key indicators were discussed with their latest approved "
                          "data, recorded by 2024-04-14.")


class TestDiscussionsRecordedLate:
    """A discussion keyed in long after the dialogue is not the dialogue's record."""

    def test_recorded_45_days_after_a_held_dialogue_does_not_count(
            self, officer_api, ghana_compact, dialogue):
        key = dialogue.key_indicators.get()
        ResultFactory(indicator=key, fiscal_year=FY, value=Decimal("64"))
        late = HELD + dt.timedelta(days=45)
        assert discuss(officer_api, dialogue, key, day=late).status_code == 201
        result = check(ghana_compact, 2)
        assert result.status == "not_met"
        assert ("Discussion recorded late (more than 30 days after the dialogue of "
                "2024-03-15), so not counted: PROS-1.") in result.detail
        # Twenty x's keyed in today count no better.
        assert discuss(officer_api, dialogue, key, notes="x" * 20,
                       day=dt.date(2026, 12, 1)).status_code == 201
        assert check(ghana_compact, 2).status == "not_met"


    def test_day_30_counts_and_pending_until_then(self, officer_api, ghana_compact, dialogue):
        key = dialogue.key_indicators.get()
        ResultFactory(indicator=key, fiscal_year=FY, value=Decimal("64"))
        within = HELD + dt.timedelta(days=30)
        before = check(ghana_compact, 2, today=HELD + dt.timedelta(days=3))
        assert (before.status, before.due_on) == ("pending", within)
        discuss(officer_api, dialogue, key, day=within)
        assert check(ghana_compact, 2).status == "met"

    def test_late_through_the_outcomes_page_too(self, client, ghana_officer, ghana_compact,
                                                dialogue):
        key = dialogue.key_indicators.get()
        ResultFactory(indicator=key, fiscal_year=FY, value=Decimal("64"))
        client.force_login(ghana_officer)
        # The page records now, two years and more after the dialogue.
        response = client.post(f"/dialogues/{dialogue.pk}/record/outcomes/", {
            "summary": "",
            "discussions-TOTAL_FORMS": "1", "discussions-INITIAL_FORMS": "0",
            "discussions-0-indicator": str(key.pk), "discussions-0-notes": NOTES,
            "proposals-TOTAL_FORMS": "0", "proposals-INITIAL_FORMS": "0",
            "items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0",
        })
        assert response.status_code in (200, 302)
        assert Discussion.objects.filter(dialogue=dialogue).count() == 1
        result = check(ghana_compact, 2)
        assert result.status == "not_met" and "recorded late" in result.detail
