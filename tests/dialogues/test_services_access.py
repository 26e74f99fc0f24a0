"""Every dialogue service that writes takes the acting user and refuses one who may not record
in the dialogue's country (auditors never, officers only their own countries), whoever calls
it; the step services also own the record's version. Action items are overdue by one rule,
and the dialogue a target was agreed at is kept by dialogues and shown by /api/v1/targets/."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from compacts import services as compact_services
from cpc.access.roles import EMBASSY_OFFICER
from cpc.services import StateConflict
from cpc.versions import RecordChanged
from dialogues import services
from dialogues.models import ActionItem, Dialogue, Participant, TargetSetting
from tests.compacts.factories import UserFactory
from tests.dialogues.factories import (
    ActionItemFactory,
    DialogueFactory,
    IndicatorFactory,
    ParticipantFactory,
    TargetFactory,
)

pytestmark = pytest.mark.usefixtures("past_years_open")


@pytest.fixture
def dialogue(ghana_compact):
    return DialogueFactory(compact=ghana_compact, fiscal_year=2025, status="held",
                           scheduled_for=dt.date(2024, 11, 5), held_on=dt.date(2024, 11, 5))


def writes(dialogue):
    """Each write of a dialogue's record, as a caller would make it for ``user``."""
    item = ActionItemFactory(dialogue=dialogue, description="Share the data.")
    person = ParticipantFactory(dialogue=dialogue, name="Ama Mensah", organization="Police")
    return {
        "dialogue_create": lambda user: services.dialogue_create(
            user=user, compact=dialogue.compact, fiscal_year=2026,
            scheduled_for=dt.date(2025, 11, 5)),
        "dialogue_update": lambda user: services.dialogue_update(
            user=user, dialogue=dialogue, data={"summary": "Changed."}),
        "dialogue_move": lambda user: services.dialogue_move(
            user=user, dialogue=dialogue, status="closed", reason="x" * 30),
        "participant_add": lambda user: services.participant_add(
            user=user, dialogue=dialogue, name="K. Owusu", organization="Ministry",
            side="partner_government"),
        "participant_update": lambda user: services.participant_update(
            user=user, participant=person, data={"organization": "Ghana Police"}),
        "participant_remove": lambda user: services.participant_remove(
            user=user, participant=person),
        "action_item_add": lambda user: services.action_item_add(
            user=user, dialogue=dialogue, description="Another item."),
        "action_item_update": lambda user: services.action_item_update(
            user=user, item=item, data={"status": "done"}),
        "record_preparation": lambda user: services.record_preparation(
            user=user, dialogue=dialogue, version=None, data={}, key_indicators=[]),
    }


def snapshot():
    return (Dialogue.objects.count(), list(Dialogue.objects.values_list("summary", "status")),
            list(Participant.objects.values_list("name", "organization")),
            list(ActionItem.objects.values_list("description", "status")))


@pytest.mark.parametrize("write", [
    "dialogue_create", "dialogue_update", "dialogue_move", "participant_add",
    "participant_update", "participant_remove", "action_item_add", "action_item_update",
    "record_preparation"])
def test_an_auditor_and_an_officer_of_another_country_change_nothing(
        write, dialogue, auditor_user, peru):
    officer_elsewhere = UserFactory(username="officer.pe")
    compact_services.user_assign_role(user=officer_elsewhere, role=EMBASSY_OFFICER,
                                      countries=[peru])
    attempt = writes(dialogue)[write]
    before = snapshot()
    for user in (auditor_user, officer_elsewhere):
        with pytest.raises(PermissionDenied):
            attempt(user)
    assert snapshot() == before


def test_the_countrys_officer_records_through_the_same_services(dialogue, ghana_officer):
    services.participant_add(user=ghana_officer, dialogue=dialogue, name="K. Owusu",
                             organization="Ministry", side="partner_government")
    item = services.action_item_add(user=ghana_officer, dialogue=dialogue,
                                    description="Share the data.")
    services.action_item_update(user=ghana_officer, item=item, data={"status": "done"})
    assert dialogue.participants.get().name == "K. Owusu"
    assert ActionItem.objects.get().status == "done"


def test_a_new_dialogue_that_is_not_planned_is_a_conflict(ghana_compact, staff_user):
    with pytest.raises(StateConflict):
        services.dialogue_create(user=staff_user, compact=ghana_compact, fiscal_year=2025,
                                 scheduled_for=dt.date(2024, 11, 5), status="held")
    assert not Dialogue.objects.exists()


def test_a_step_refuses_a_version_other_than_the_one_saved(dialogue, ghana_officer):
    version = services.step_version(dialogue=dialogue, step="outcomes")
    services.dialogue_update(user=ghana_officer, dialogue=dialogue,
                             data={"summary": "A colleague's summary."})
    with pytest.raises(RecordChanged):
        services.record_outcomes(user=ghana_officer, dialogue=dialogue, version=version,
                                 data={"summary": "Mine."})
    dialogue.refresh_from_db()
    assert dialogue.summary == "A colleague's summary."


def test_an_action_item_is_overdue_open_after_its_day_by_one_rule(dialogue):
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    late = ActionItemFactory(dialogue=dialogue, description="Late.", due_on=yesterday)
    ActionItemFactory(dialogue=dialogue, description="Done late.", due_on=yesterday,
                      status="done")
    ActionItemFactory(dialogue=dialogue, description="Due today.", due_on=today)
    ActionItemFactory(dialogue=dialogue, description="No day.", due_on=None)
    overdue = [item for item in ActionItem.objects.all() if item.is_overdue(today)]
    assert overdue == [late] == list(ActionItem.objects.overdue(today))
    assert late.is_overdue()  # today by default, as templates ask


class TestTargetAgreedAtADialogue:
    def test_the_api_writes_and_reads_it_on_the_target(self, staff_api, dialogue):
        indicator = IndicatorFactory(compact=dialogue.compact, code="PROT-1")
        response = staff_api.post("/api/v1/targets/", {
            "indicator": indicator.pk, "fiscal_year": 2025, "value": "25",
            "set_at_dialogue": dialogue.pk}, format="json")
        assert response.status_code == 201, response.json()
        assert response.json()["set_at_dialogue"] == dialogue.pk
        target_id = response.json()["id"]
        assert TargetSetting.objects.get(target_id=target_id).dialogue == dialogue
        cleared = staff_api.patch(f"/api/v1/targets/{target_id}/", {"set_at_dialogue": None},
                                  format="json")
        assert cleared.status_code == 200, cleared.json()
        assert cleared.json()["set_at_dialogue"] is None
        assert not TargetSetting.objects.exists()

    def test_a_dialogue_of_another_compact_is_400_and_nothing_is_written(
            self, staff_api, dialogue, peru_compact):
        indicator = IndicatorFactory(compact=peru_compact, code="PROT-1")
        response = staff_api.post("/api/v1/targets/", {
            "indicator": indicator.pk, "fiscal_year": 2025, "value": "25",
            "set_at_dialogue": dialogue.pk}, format="json")
        assert response.status_code == 400
        assert "set_at_dialogue" in response.json()
        assert not TargetSetting.objects.exists()

    def test_a_dialogue_the_writer_cannot_see_is_400(self, staff_api, ghana_compact):
        # Staff write targets and see every dialogue: one that does not exist is what a
        # dialogue outside the writer's countries looks like to the field's choices.
        target = TargetFactory(indicator=IndicatorFactory(compact=ghana_compact, code="P-1"),
                               fiscal_year=2025, value=Decimal("10"))
        response = staff_api.patch(f"/api/v1/targets/{target.pk}/",
                                   {"set_at_dialogue": 999999}, format="json")
        assert response.status_code == 400
        assert "set_at_dialogue" in response.json()
        assert not TargetSetting.objects.exists()
