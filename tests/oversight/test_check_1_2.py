"""Checks 1 and 2 read met only when the substance is recorded: key indicators identified and
shared with the partner government (date and channel) before the dialogue; every key
indicator discussed with its approved data, stamped by the server."""

import datetime as dt
from decimal import Decimal

import pytest

from dialogues.models import DISCUSSION_NOTES_MIN_CHARS, Dialogue, Discussion
from oversight.compliance import compact_compliance
from tests.dialogues.factories import (
    DialogueFactory,
    IndicatorFactory,
    ResultFactory,
    TargetFactory,
)

FY = 2024
TODAY = dt.date(2024, 11, 1)  # FY2024 has ended
HELD = dt.date(2024, 3, 15)
IDENTIFIED = dt.date(2024, 2, 1)
NOTES = "Referrals behind target; the ministry explained the shelter closures."


def check(compact, number, today=TODAY):
    checks = compact_compliance(compact=compact, fiscal_year=FY, today=today)
    return next(c for c in checks if c.recommendation == number)


@pytest.fixture
def dialogue(ghana_compact):
    """A held FY2024 dialogue whose key indicator PROS-1 was identified six weeks before."""
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=FY, status="held",
                               scheduled_for=HELD, held_on=HELD)
    dialogue.key_indicators.set([IndicatorFactory(compact=ghana_compact, code="PROS-1")])
    Dialogue.objects.filter(pk=dialogue.pk).update(key_indicators_identified_on=IDENTIFIED)
    dialogue.refresh_from_db()
    return dialogue


def share(api, dialogue, **fields):
    response = api.patch(f"/api/v1/dialogues/{dialogue.pk}/", fields)
    assert response.status_code == 200, response.json()
    return response


def discuss(api, dialogue, indicator, notes=NOTES, **extra):
    return api.post(f"/api/v1/dialogues/{dialogue.pk}/discussions/",
                    {"indicator": indicator.pk, "notes": notes} | extra)


class TestCheck1KeyIndicatorsSharedBeforeTheDialogue:
    def test_identified_but_never_shared_is_not_met(self, ghana_compact, dialogue):
        result = check(ghana_compact, 1)
        assert result.status == "not_met"
        assert "not shared with the partner government" in result.detail

    def test_shared_with_no_channel_is_not_met_until_the_channel_is_recorded(
            self, officer_api, ghana_compact, dialogue):
        share(officer_api, dialogue, key_indicators_shared_on="2024-02-05")
        result = check(ghana_compact, 1)
        assert result.status == "not_met"
        assert "channel" in result.detail and "2024-02-05" in result.detail
        share(officer_api, dialogue, key_indicators_shared_via="diplomatic_note")
        result = check(ghana_compact, 1)
        assert result.status == "met", result.detail
        assert "2024-02-01" in result.detail and "2024-02-05" in result.detail
        assert "diplomatic note" in result.detail

    def test_shared_on_the_day_of_the_dialogue_is_not_met(self, officer_api, ghana_compact,
                                                          dialogue):
        share(officer_api, dialogue, key_indicators_shared_on=HELD.isoformat(),
              key_indicators_shared_via="meeting")
        result = check(ghana_compact, 1)
        assert result.status == "not_met"
        assert f"shared with the partner government on {HELD}, not before the dialogue of " \
               f"{HELD}" in result.detail
        share(officer_api, dialogue, key_indicators_shared_on="2024-03-14")
        assert check(ghana_compact, 1).status == "met"

    def test_identified_on_the_day_of_the_dialogue_is_not_met(self, ghana_compact, dialogue):
        Dialogue.objects.filter(pk=dialogue.pk).update(
            key_indicators_identified_on=HELD, key_indicators_shared_on=HELD,
            key_indicators_shared_via="email")
        result = check(ghana_compact, 1)
        assert result.status == "not_met"
        assert f"identified on {HELD}, not before the dialogue of {HELD}" in result.detail

    def test_no_key_indicators_is_not_met(self, ghana_compact):
        DialogueFactory(compact=ghana_compact, fiscal_year=FY)
        result = check(ghana_compact, 1)
        assert (result.status, result.detail) == (
            "not_met", "No key indicators have been identified for the dialogue.")

    def test_a_planned_dialogue_counts_its_scheduled_day(self, officer_api, ghana_compact):
        planned = DialogueFactory(compact=ghana_compact, fiscal_year=FY,
                                  scheduled_for=dt.date(2024, 9, 10))
        planned.key_indicators.set([IndicatorFactory(compact=ghana_compact)])
        Dialogue.objects.filter(pk=planned.pk).update(key_indicators_identified_on=IDENTIFIED)
        today = dt.date(2024, 8, 1)
        assert check(ghana_compact, 1, today=today).status == "not_met"
        share(officer_api, planned, key_indicators_shared_on="2024-07-01",
              key_indicators_shared_via="email")
        result = check(ghana_compact, 1, today=today)
        assert result.status == "met"
        assert "2024-09-10" in result.detail


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
                                                               dialogue):
    key = dialogue.key_indicators.get()
    ResultFactory(indicator=key, fiscal_year=FY, value=Decimal("64"))
    share(officer_api, dialogue, key_indicators_shared_on="2024-02-05",
          key_indicators_shared_via="email")
    discuss(officer_api, dialogue, key)
    one, two = check(ghana_compact, 1), check(ghana_compact, 2)
    assert (one.status, two.status) == ("met", "met")
    assert one.detail == ("1 key indicators identified on 2024-02-01 and shared with the partner "
                          "government on 2024-02-05 (email), before the dialogue of 2024-03-15.")
    assert two.detail == "All 1 key indicators were discussed with their latest approved data."
