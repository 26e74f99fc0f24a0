"""Annual dialogues: API contract, scope, status moves, key indicators, discussions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from dialogues import services
from dialogues.models import ActionItem, Dialogue, Discussion
from tests.dialogues.factories import (
    ActionItemFactory,
    DialogueFactory,
    IndicatorFactory,
    ResultFactory,
    TargetFactory,
)

# Past fiscal years are written here about other rules: opened (see tests/conftest.py).
pytestmark = pytest.mark.usefixtures("past_years_open")

TODAY = timezone.localdate
REASON = "The ministry's minutes arrive next month; the record is final as it stands."


def dialogue_payload(compact, **overrides):
    return {"compact": compact.pk, "fiscal_year": 2025, "scheduled_for": "2025-03-10",
            "format": "hybrid"} | overrides


class TestCreateAndScope:
    def test_officer_plans_a_dialogue_for_own_compact(self, officer_api, ghana_compact):
        response = officer_api.post("/api/v1/dialogues/", dialogue_payload(ghana_compact))
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["status"] == "planned"
        assert body["held_on"] is None
        assert body["key_indicators"] == []

    def test_officer_cannot_plan_for_other_country(self, officer_api, peru_compact):
        response = officer_api.post("/api/v1/dialogues/", dialogue_payload(peru_compact))
        assert response.status_code == 400
        assert "compact" in response.json()
        assert not Dialogue.objects.exists()

    def test_ghana_officer_cannot_touch_peru_dialogue(self, officer_api, peru_compact):
        dialogue = DialogueFactory(compact=peru_compact)
        url = f"/api/v1/dialogues/{dialogue.pk}/"
        assert officer_api.get(url).status_code == 404
        assert officer_api.patch(url, {"summary": "x"}).status_code == 404
        assert officer_api.post(f"{url}participants/", {}).status_code == 404
        listing = officer_api.get("/api/v1/dialogues/").json()
        assert listing["count"] == 0

    def test_auditor_cannot_write(self, auditor_api, ghana_compact):
        dialogue = DialogueFactory(compact=ghana_compact)
        assert auditor_api.post("/api/v1/dialogues/",
                                dialogue_payload(ghana_compact)).status_code == 403
        assert auditor_api.patch(f"/api/v1/dialogues/{dialogue.pk}/",
                                 {"summary": "x"}).status_code == 403
        assert auditor_api.get(f"/api/v1/dialogues/{dialogue.pk}/").status_code == 200

    def test_one_dialogue_per_compact_and_year(self, staff_api, ghana_compact):
        DialogueFactory(compact=ghana_compact, fiscal_year=2025)
        response = staff_api.post("/api/v1/dialogues/", dialogue_payload(ghana_compact))
        assert response.status_code == 400
        assert "fiscal_year" in response.json()

    def test_year_outside_the_compact_is_refused(self, staff_api, ghana_compact):
        response = staff_api.post("/api/v1/dialogues/",
                                  dialogue_payload(ghana_compact, fiscal_year=2030))
        assert response.status_code == 400
        assert "fiscal_year" in response.json()

    def test_filters(self, staff_api, ghana_compact, peru_compact):
        mine = DialogueFactory(compact=ghana_compact, fiscal_year=2024)
        DialogueFactory(compact=peru_compact, fiscal_year=2025)
        body = staff_api.get(f"/api/v1/dialogues/?compact={ghana_compact.pk}").json()
        assert [d["id"] for d in body["results"]] == [mine.pk]
        assert staff_api.get("/api/v1/dialogues/?fiscal_year=2025").json()["count"] == 1


class TestKeyIndicators:
    def test_server_stamps_when_key_indicators_were_first_identified(self, officer_api,
                                                                     ghana_compact):
        indicator = IndicatorFactory(compact=ghana_compact)
        response = officer_api.post("/api/v1/dialogues/", dialogue_payload(
            ghana_compact, key_indicators=[indicator.pk],
            key_indicators_identified_on="2000-01-01"))
        assert response.status_code == 201, response.json()
        assert response.json()["key_indicators_identified_on"] == TODAY().isoformat()
        dialogue = Dialogue.objects.get()
        Dialogue.objects.filter(pk=dialogue.pk).update(
            key_indicators_identified_on=dt.date(2024, 12, 1))
        second = IndicatorFactory(compact=ghana_compact)
        officer_api.patch(f"/api/v1/dialogues/{dialogue.pk}/",
                          {"key_indicators": [indicator.pk, second.pk]})
        dialogue.refresh_from_db()
        # A new selection is identified anew: its day and time are the server's, now.
        assert dialogue.key_indicators_identified_on == TODAY()
        assert dialogue.key_indicators_recorded_at is not None
        assert dialogue.key_indicators.count() == 2

    def test_key_indicators_from_another_compact_are_refused(self, staff_api, ghana_compact,
                                                             peru_compact):
        foreign = IndicatorFactory(compact=peru_compact)
        response = staff_api.post("/api/v1/dialogues/", dialogue_payload(
            ghana_compact, key_indicators=[foreign.pk]))
        assert response.status_code == 400
        assert "key_indicators" in response.json()
        assert not Dialogue.objects.exists()

    def test_officer_cannot_pick_indicators_of_other_country(self, officer_api, ghana_compact,
                                                             peru_compact):
        foreign = IndicatorFactory(compact=peru_compact)
        response = officer_api.post("/api/v1/dialogues/", dialogue_payload(
            ghana_compact, key_indicators=[foreign.pk]))
        assert response.status_code == 400
        assert "key_indicators" in response.json()


class TestStatusFlow:
    def test_hold_then_close(self, staff_api, ghana_compact):
        dialogue = DialogueFactory(compact=ghana_compact)
        url = f"/api/v1/dialogues/{dialogue.pk}/"
        held = staff_api.post(f"{url}hold/", {"held_on": "2024-03-15"})
        assert held.status_code == 200, held.json()
        assert held.json()["status"] == "held"
        assert staff_api.post(f"{url}close/").status_code == 409  # no summary yet
        staff_api.patch(url, {"summary": "Reviewed all key indicators."})
        # No key indicators, no contribution: checks read not met once closed, so closing
        # needs a reason (400 naming it), which the history keeps.
        refused = staff_api.post(f"{url}close/")
        assert refused.status_code == 400
        assert list(refused.json()) == ["reason"]
        short = staff_api.post(f"{url}close/", {"reason": "Because."})
        assert short.status_code == 400 and "reason" in short.json()
        dialogue.refresh_from_db()
        assert dialogue.status == "held"
        closed = staff_api.post(f"{url}close/", {"reason": REASON})
        assert closed.status_code == 200
        assert closed.json()["status"] == "closed"
        assert REASON in dialogue.history.first().history_change_reason

    def test_closing_through_a_patch_needs_the_reason_too(self, staff_api, ghana_compact):
        dialogue = DialogueFactory(compact=ghana_compact, status="held", summary="Done",
                                   held_on=dt.date(2024, 3, 15))
        url = f"/api/v1/dialogues/{dialogue.pk}/"
        refused = staff_api.patch(url, {"status": "closed"})
        assert refused.status_code == 400 and "reason" in refused.json()
        closed = staff_api.patch(url, {"status": "closed", "reason": REASON})
        assert closed.status_code == 200 and closed.json()["status"] == "closed"
        assert "reason" not in closed.json()

    def test_staff_reopen_a_closed_dialogue_with_a_reason(self, staff_api, officer_api,
                                                          auditor_api, ghana_compact):
        dialogue = DialogueFactory(compact=ghana_compact, status="closed", summary="Final",
                                   held_on=dt.date(2024, 3, 15))
        url = f"/api/v1/dialogues/{dialogue.pk}/reopen/"
        assert officer_api.post(url, {"reason": REASON}).status_code == 403
        assert auditor_api.post(url, {"reason": REASON}).status_code == 403
        refused = staff_api.post(url, {})
        assert refused.status_code == 400 and list(refused.json()) == ["reason"]
        dialogue.refresh_from_db()
        assert dialogue.status == "closed"
        reopened = staff_api.post(url, {"reason": REASON})
        assert reopened.status_code == 200 and reopened.json()["status"] == "held"
        assert dialogue.history.first().history_change_reason == f"Reopened: {REASON}"
        # Held again, not closed: reopening twice is a conflict.
        assert staff_api.post(url, {"reason": REASON}).status_code == 409

    def test_holding_a_dialogue_in_the_future_is_a_conflict(self, staff_api, ghana_compact):
        dialogue = DialogueFactory(compact=ghana_compact)
        future = (TODAY() + dt.timedelta(days=3)).isoformat()
        response = staff_api.post(f"/api/v1/dialogues/{dialogue.pk}/hold/", {"held_on": future})
        assert response.status_code == 409
        dialogue.refresh_from_db()
        assert dialogue.status == "planned"

    @pytest.mark.parametrize(("start", "move"), [("planned", "closed"), ("held", "planned"),
                                                 ("closed", "held"), ("closed", "planned")])
    def test_impossible_moves_are_conflicts(self, staff_api, ghana_compact, start, move):
        dialogue = DialogueFactory(compact=ghana_compact, status=start, summary="Done",
                                   held_on=dt.date(2024, 3, 15) if start != "planned" else None)
        response = staff_api.patch(f"/api/v1/dialogues/{dialogue.pk}/",
                                   {"status": move, "held_on": "2024-03-15"})
        assert response.status_code == 409
        dialogue.refresh_from_db()
        assert dialogue.status == start

    def test_closed_dialogue_refuses_changes(self, staff_api, ghana_compact):
        dialogue = DialogueFactory(compact=ghana_compact, status="closed", summary="Final",
                                   held_on=dt.date(2024, 3, 15))
        url = f"/api/v1/dialogues/{dialogue.pk}/"
        assert staff_api.patch(url, {"summary": "Rewritten"}).status_code == 409
        assert staff_api.post(f"{url}participants/", {"name": "A", "organization": "B",
                                                      "side": "other"}).status_code == 409
        dialogue.refresh_from_db()
        assert dialogue.summary == "Final"


class TestNestedRecords:
    def test_participants(self, officer_api, ghana_compact):
        dialogue = DialogueFactory(compact=ghana_compact)
        url = f"/api/v1/dialogues/{dialogue.pk}/participants/"
        created = officer_api.post(url, {"name": "Ama Mensah", "organization": "Ghana Police",
                                         "side": "partner_government"})
        assert created.status_code == 201, created.json()
        bad = officer_api.post(url, {"name": "X", "organization": "Y", "side": "observer"})
        assert bad.status_code == 400
        assert "side" in bad.json()
        assert [p["name"] for p in officer_api.get(url).json()["results"]] == ["Ama Mensah"]

    def test_discussion_snapshots_target_and_actual_and_flags_non_key(self, officer_api,
                                                                      ghana_compact):
        key = IndicatorFactory(compact=ghana_compact)
        other = IndicatorFactory(compact=ghana_compact, is_key=False)
        TargetFactory(indicator=key, fiscal_year=2024, value=Decimal("120"))
        ResultFactory(indicator=key, fiscal_year=2024, value=Decimal("80"))
        dialogue = DialogueFactory(compact=ghana_compact)
        dialogue.key_indicators.set([key])
        url = f"/api/v1/dialogues/{dialogue.pk}/discussions/"
        first = officer_api.post(url, {"indicator": key.pk,
                                       "notes": "Behind target: referrals slowed."}).json()
        assert Decimal(first["target_value"]) == Decimal("120")
        assert Decimal(first["actual_value"]) == Decimal("80")
        assert first["was_key_indicator"] is True
        second = officer_api.post(url, {"indicator": other.pk,
                                        "notes": "Raised by the partner ministry."})
        assert second.status_code == 201
        assert second.json()["was_key_indicator"] is False
        # The snapshot stays as it was when later figures change.
        key.targets.update(value=Decimal("999"))
        assert Discussion.objects.get(pk=first["id"]).target_value == Decimal("120")

    def test_discussion_of_another_compacts_indicator_is_refused(self, staff_api,
                                                                 ghana_compact, peru_compact):
        dialogue = DialogueFactory(compact=ghana_compact)
        foreign = IndicatorFactory(compact=peru_compact)
        response = staff_api.post(f"/api/v1/dialogues/{dialogue.pk}/discussions/",
                                  {"indicator": foreign.pk, "notes": "x"})
        assert response.status_code == 400
        assert "indicator" in response.json()
        assert not Discussion.objects.exists()

    def test_open_action_items_carry_over_to_next_years_dialogue(self, ghana_compact,
                                                                 staff_user):
        last_year = DialogueFactory(compact=ghana_compact, fiscal_year=2024)
        ActionItemFactory(dialogue=last_year, description="Open item", status="open")
        ActionItemFactory(dialogue=last_year, description="Done item", status="done")
        dialogue = services.dialogue_create(user=staff_user, compact=ghana_compact,
                                            fiscal_year=2025, scheduled_for=dt.date(2025, 3, 1))
        carried = list(dialogue.action_items.all())
        assert [item.description for item in carried] == ["Open item"]
        assert carried[0].carried_over_from.dialogue == last_year

    def test_action_items_can_be_closed(self, officer_api, ghana_compact):
        item = ActionItemFactory(dialogue=DialogueFactory(compact=ghana_compact))
        response = officer_api.patch(f"/api/v1/action-items/{item.pk}/", {"status": "done"})
        assert response.status_code == 200
        assert ActionItem.objects.get(pk=item.pk).status == "done"
        bad = officer_api.patch(f"/api/v1/action-items/{item.pk}/", {"status": "maybe"})
        assert bad.status_code == 400


def test_discussion_of_a_cumulative_indicator_snapshots_running_totals(staff_api, ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact, cumulation="cumulative")
    for year, target, actual in [(2023, "50", "40"), (2024, "60", "70")]:
        TargetFactory(indicator=indicator, fiscal_year=year, value=Decimal(target))
        ResultFactory(indicator=indicator, fiscal_year=year, value=Decimal(actual))
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2024)
    body = staff_api.post(f"/api/v1/dialogues/{dialogue.pk}/discussions/",
                          {"indicator": indicator.pk,
                           "notes": "Running totals reviewed together."}).json()
    assert Decimal(body["target_value"]) == Decimal("110")
    assert Decimal(body["actual_value"]) == Decimal("110")
