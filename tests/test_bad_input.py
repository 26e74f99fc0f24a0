"""Input that used to pass silently: dates in year 1, percent baselines of 250, the same record
twice. Each is a 400 naming the field."""

import datetime as dt

import pytest

from contributions.models import ERR_DUPLICATE, Contribution
from cpc.validators import ERR_DATE_RANGE
from dialogues.models import (
    ERR_ACTION_ITEM_DUPLICATE,
    ERR_HELD_BEFORE_SCHEDULED,
    ERR_PARTICIPANT_DUPLICATE,
    ActionItem,
    Participant,
)
from indicators.models import ERR_NEGATIVE, ERR_PERCENT_RANGE
from tests.contributions.factories import SustainabilityPlanFactory
from tests.dialogues.factories import DialogueFactory
from tests.indicators.factories import IndicatorFactory

# Tests of other rules that write figures of past fiscal years, locked by now.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]


# Dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "1989-12-31", "2101-01-01", "9999-12-31"])
def test_compact_dates_outside_the_sane_range_are_400(staff_api, ghana, day):
    response = staff_api.post("/api/v1/compacts/", {
        "country": ghana.pk, "title": "Sample compact", "status": "draft", "start_date": day,
        "end_date": "2025-09-30"}, format="json")
    assert response.status_code == 400
    assert response.json()["start_date"] == [ERR_DATE_RANGE]


def test_the_range_bounds_themselves_are_dates(staff_api, ghana):
    response = staff_api.post("/api/v1/compacts/", {
        "country": ghana.pk, "title": "Sample compact", "status": "draft",
        "signed_on": "1990-01-01"}, format="json")
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(("url", "body", "field"), [
    ("/api/v1/awards/", {"start_date": "0001-01-01"}, "start_date"),
    ("/api/v1/dialogues/", {"scheduled_for": "0001-01-01"}, "scheduled_for"),
])
def test_other_record_dates_are_checked_too(staff_api, ghana_compact, url, body, field):
    response = staff_api.post(url, {"compact": ghana_compact.pk, **body}, format="json")
    assert response.status_code == 400
    assert ERR_DATE_RANGE in response.json()[field]


def test_nested_and_action_dates_are_checked(staff_api, officer_api, ghana_compact):
    dialogue = DialogueFactory(compact=ghana_compact)
    items = officer_api.post(f"/api/v1/dialogues/{dialogue.pk}/action-items/",
                             {"description": "Share data", "due_on": "0001-01-01"},
                             format="json")
    assert items.status_code == 400 and items.json()["due_on"] == [ERR_DATE_RANGE]
    hold = officer_api.post(f"/api/v1/dialogues/{dialogue.pk}/hold/",
                            {"held_on": "0001-01-01"}, format="json")
    assert hold.status_code == 400 and hold.json()["held_on"] == [ERR_DATE_RANGE]
    plan = SustainabilityPlanFactory(compact=ghana_compact)
    request = staff_api.post(f"/api/v1/sustainability-plans/{plan.pk}/request/",
                             {"due_on": "2999-01-01"}, format="json")
    assert request.status_code == 400 and request.json()["due_on"] == [ERR_DATE_RANGE]
    follow_up = officer_api.post(f"/api/v1/sustainability-plans/{plan.pk}/follow-ups/",
                                 {"date": "1900-05-01", "note": "Called the ministry"},
                                 format="json")
    assert follow_up.status_code == 400 and follow_up.json()["date"] == [ERR_DATE_RANGE]


def test_a_page_shows_the_date_error_beside_the_field(client, staff_user, ghana_compact):
    SustainabilityPlanFactory(compact=ghana_compact)
    client.force_login(staff_user)
    response = client.post(
        f"/contributions/compacts/{ghana_compact.pk}/sustainability-plan/request/",
        {"due_on": "0001-01-01"})
    assert response.status_code == 400
    assert str(ERR_DATE_RANGE) in response.content.decode()


def test_a_dialogue_held_before_it_was_scheduled_is_refused(officer_api, ghana_compact):
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2024,
                               scheduled_for=dt.date(2024, 3, 15))
    response = officer_api.post(f"/api/v1/dialogues/{dialogue.pk}/hold/",
                                {"held_on": "2024-03-01"}, format="json")
    assert response.status_code == 400
    assert response.json()["held_on"] == [ERR_HELD_BEFORE_SCHEDULED.format(
        day=dt.date(2024, 3, 15))]


# Percent baselines and targets -------------------------------------------------------------


@pytest.mark.parametrize(("value", "message"), [("250", ERR_PERCENT_RANGE),
                                                ("-5", ERR_PERCENT_RANGE)])
def test_a_percent_baseline_outside_0_100_is_400(staff_api, ghana_compact, value, message):
    response = staff_api.post("/api/v1/indicators/", {
        "compact": ghana_compact.pk, "code": "PCT-1", "name": "Cases prosecuted (%)",
        "pillar": "prosecution", "unit": "percent", "baseline_value": value,
        "baseline_year": 2022}, format="json")
    assert response.status_code == 400
    assert response.json() == {"baseline_value": [message]}


def test_a_negative_count_baseline_is_400(staff_api, ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact, unit="count")
    response = staff_api.patch(f"/api/v1/indicators/{indicator.pk}/",
                               {"baseline_value": "-3"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"baseline_value": [ERR_NEGATIVE]}


@pytest.mark.parametrize("value", ["250", "-1"])
def test_a_percent_target_outside_0_100_is_400(staff_api, ghana_compact, value):
    indicator = IndicatorFactory(compact=ghana_compact, unit="percent")
    response = staff_api.post("/api/v1/targets/", {"indicator": indicator.pk,
                                                   "fiscal_year": 2024, "value": value},
                              format="json")
    assert response.status_code == 400
    assert response.json() == {"value": [ERR_PERCENT_RANGE]}


# Exact duplicates ---------------------------------------------------------------------------


def _contribution(compact, **overrides):
    return {"compact": compact.pk, "fiscal_year": 2024, "kind": "funding",
            "description": "Sample: shelter budget line.", "amount_local": "120000.00",
            "currency": "GHS", "amount_usd": "10000.00"} | overrides


def test_the_same_contribution_twice_is_400(officer_api, ghana_compact):
    assert officer_api.post("/api/v1/contributions/", _contribution(ghana_compact),
                            format="json").status_code == 201
    again = officer_api.post("/api/v1/contributions/", _contribution(ghana_compact),
                             format="json")
    assert again.status_code == 400
    assert again.json() == {"description": [ERR_DUPLICATE.format(fy=2024)]}
    assert Contribution.objects.count() == 1
    # Any difference in the figures makes it another contribution.
    other = officer_api.post("/api/v1/contributions/",
                             _contribution(ghana_compact, amount_usd="10000.01"), format="json")
    assert other.status_code == 201


def test_editing_a_contribution_into_a_copy_of_another_is_400(officer_api, ghana_compact):
    officer_api.post("/api/v1/contributions/", _contribution(ghana_compact), format="json")
    second = officer_api.post("/api/v1/contributions/",
                              _contribution(ghana_compact, amount_usd="1.00"), format="json")
    response = officer_api.patch(f"/api/v1/contributions/{second.json()['id']}/",
                                 {"amount_usd": "10000.00"}, format="json")
    assert response.status_code == 400
    assert "description" in response.json()


def test_the_same_participant_twice_is_400(officer_api, ghana_compact):
    dialogue = DialogueFactory(compact=ghana_compact)
    url = f"/api/v1/dialogues/{dialogue.pk}/participants/"
    body = {"name": "Ama Mensah", "organization": "Ministry of Gender",
            "side": "partner_government"}
    assert officer_api.post(url, body, format="json").status_code == 201
    again = officer_api.post(url, body | {"name": " ama mensah "}, format="json")
    assert again.status_code == 400
    assert again.json() == {"name": [ERR_PARTICIPANT_DUPLICATE.format(
        name="ama mensah", organization="Ministry of Gender")]}
    assert Participant.objects.count() == 1
    other = officer_api.post(url, body | {"organization": "Police"}, format="json")
    assert other.status_code == 201


def test_the_same_action_item_twice_is_400(officer_api, ghana_compact):
    dialogue = DialogueFactory(compact=ghana_compact)
    url = f"/api/v1/dialogues/{dialogue.pk}/action-items/"
    assert officer_api.post(url, {"description": "Share the referral data"},
                            format="json").status_code == 201
    again = officer_api.post(url, {"description": "Share the referral data"}, format="json")
    assert again.status_code == 400
    assert again.json() == {"description": [ERR_ACTION_ITEM_DUPLICATE]}
    assert ActionItem.objects.count() == 1
