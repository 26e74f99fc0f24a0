"""Closing a dialogue: the close step shows how the six checks of the compact's year will
stand once it is closed, asks to confirm, and needs a reason (kept in the history) when any
would read not met; TIP staff alone reopen a closed dialogue, with a reason."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compacts import year_locks
from dialogues import closing, services
from dialogues.models import DialogueStatus
from oversight.compliance import NOT_MET, PENDING, TITLES, compact_compliance
from tests.dialogues.factories import DialogueFactory, IndicatorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]

REASON = "The ministry's minutes arrive next month; the record is final as it stands."
ROW = re.compile(r'<tr data-testid="closing-check" data-status="(\w+)">\s*<td[^>]*>(\d)</td>')


@pytest.fixture
def held(ghana_compact):
    """Held today with a summary; its key indicator is not discussed yet (check 2 pending:
    the discussion may still be recorded within 30 days, unless the record closes)."""
    today = timezone.localdate()
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2026, scheduled_for=today,
                               status="held", held_on=today, summary="Reviewed the year.")
    dialogue.key_indicators.set([IndicatorFactory(compact=ghana_compact)])
    return dialogue


def close_url(dialogue):
    return f"/dialogues/{dialogue.pk}/record/close/"


def versions(dialogue) -> int:
    return dialogue.history.count()


def test_the_close_step_lists_the_six_checks_as_they_will_stand_once_closed(
        client, ghana_officer, ghana_compact, held):
    now = {c.recommendation: c for c in compact_compliance(compact=ghana_compact,
                                                           fiscal_year=2026)}
    assert now[2].status == PENDING and now[5].status == PENDING
    client.force_login(ghana_officer)
    response = client.get(close_url(held))
    assert response.status_code == 200
    content = response.content.decode()
    rows = {int(number): status for status, number in ROW.findall(content)}
    assert sorted(rows) == [1, 2, 3, 4, 5, 6]
    for number, check in now.items():
        assert str(TITLES[number]) in content
        # The dialogue's own record (checks 1, 2, 6) changes no more once closed: what it
        # still waits for reads not met. Contributions (5) may still come: pending stays.
        expected = NOT_MET if number in (1, 2, 6) and check.status == PENDING else check.status
        assert rows[number] == expected, number
    assert rows[2] == NOT_MET and rows[5] == PENDING
    assert "Once the dialogue is closed its record changes no more" in content
    assert 'data-testid="reason-needed"' in content
    # The record page no longer closes in one press: it links to this step.
    detail = client.get(f"/dialogues/{held.pk}/").content.decode()
    assert f'href="{close_url(held)}" data-testid="close-record"' in detail
    moved = client.post(f"/dialogues/{held.pk}/close/")
    assert moved.status_code == 302 and moved["Location"] == close_url(held)
    held.refresh_from_db()
    assert held.status == DialogueStatus.HELD


def test_closing_with_a_check_not_met_and_no_reason_is_refused(client, ghana_officer, held):
    client.force_login(ghana_officer)
    before = versions(held)
    for data in ({}, {"confirm": "1"}, {"reason": "   ", "confirm": "1"},
                 {"reason": "Too short.", "confirm": "1"}, {"reason": "Too short."}):
        response = client.post(close_url(held), data)
        assert response.status_code == 400, data
        errors = response.context["form"].errors["reason"]
        assert "will read not met" in errors[0] or "at least 20 characters" in errors[0]
        assert 'class="usa-error-message"' in response.content.decode()
    held.refresh_from_db()
    assert held.status == DialogueStatus.HELD
    assert versions(held) == before


def test_closing_asks_to_confirm_then_keeps_the_reason_in_the_history(client, ghana_officer,
                                                                       held):
    client.force_login(ghana_officer)
    before = versions(held)
    review = client.post(close_url(held), {"reason": REASON})
    assert review.status_code == 200
    content = review.content.decode()
    assert 'data-testid="close-confirmation"' in content
    assert 'name="confirm" value="1"' in content
    held.refresh_from_db()
    assert held.status == DialogueStatus.HELD and versions(held) == before  # nothing yet
    # Going back keeps what was typed.
    back = client.post(close_url(held), {"reason": REASON, "edit": "1"})
    assert back.status_code == 200 and back.context["form"].initial["reason"] == REASON
    version = re.search(r'name="version" value="(\w+)"', content)[1]
    closed = client.post(close_url(held), {"reason": REASON, "confirm": "1",
                                           "version": version})
    assert closed.status_code == 302 and closed["Location"] == f"/dialogues/{held.pk}/"
    held.refresh_from_db()
    assert held.status == DialogueStatus.CLOSED
    last = held.history.first()
    assert last.status == "closed" and last.history_user == ghana_officer
    assert last.history_change_reason == f"Closed: {REASON}"


def test_with_no_check_not_met_closing_needs_no_reason(held, monkeypatch, staff_user):
    class Met:
        def __init__(self, number):
            self.recommendation, self.title = number, TITLES[number]
            self.status, self.detail = "met", ""

    monkeypatch.setattr(closing, "_PROJECTION", [lambda d: [Met(n) for n in TITLES]])
    closed = services.dialogue_move(user=staff_user, dialogue=held, status=DialogueStatus.CLOSED)
    assert closed.status == DialogueStatus.CLOSED
    assert not held.history.first().history_change_reason


def test_the_service_refuses_closing_without_a_reason(held, staff_user):
    with pytest.raises(ValidationError) as refused:
        services.dialogue_move(user=staff_user, dialogue=held, status=DialogueStatus.CLOSED)
    assert list(refused.value.message_dict) == ["reason"]
    held.refresh_from_db()
    assert held.status == DialogueStatus.HELD


# Reopening ---------------------------------------------------------------------------------


@pytest.fixture
def closed(held, staff_user):
    return services.dialogue_move(user=staff_user, dialogue=held, status=DialogueStatus.CLOSED,
                                  reason=REASON)


def reopen_url(dialogue):
    return f"/dialogues/{dialogue.pk}/reopen/"


def test_staff_reopen_a_closed_dialogue_with_a_reason(client, staff_user, closed):
    client.force_login(staff_user)
    page = client.get(f"/dialogues/{closed.pk}/").content.decode()
    assert f'action="{reopen_url(closed)}"' in page
    reason = "The ministry's minutes arrived: the discussions go in."
    response = client.post(reopen_url(closed), {"reason": reason})
    assert response.status_code == 302
    closed.refresh_from_db()
    assert closed.status == DialogueStatus.HELD
    last = closed.history.first()
    assert (last.history_change_reason, last.history_user) == (f"Reopened: {reason}",
                                                               staff_user)
    # Its steps open again.
    assert client.get(close_url(closed)).status_code == 200


def test_reopening_without_a_reason_is_refused_with_a_form_error(client, staff_user, closed):
    client.force_login(staff_user)
    before = versions(closed)
    for data in ({}, {"reason": "Because."}):
        response = client.post(reopen_url(closed), data)
        assert response.status_code == 400
        assert response.context["reopen_form"].errors["reason"]
        assert 'class="usa-error-message"' in response.content.decode()
    closed.refresh_from_db()
    assert closed.status == DialogueStatus.CLOSED and versions(closed) == before


@pytest.mark.parametrize("who", ["ghana_officer", "auditor_user"])
def test_officers_and_auditors_cannot_reopen(client, request, who, closed):
    user = request.getfixturevalue(who)
    client.force_login(user)
    before = versions(closed)
    assert client.post(reopen_url(closed), {"reason": REASON}).status_code == 403
    assert f'action="{reopen_url(closed)}"' not in client.get(
        f"/dialogues/{closed.pk}/").content.decode()
    with pytest.raises(PermissionDenied):
        services.dialogue_reopen(dialogue=closed, user=user, reason=REASON)
    closed.refresh_from_db()
    assert closed.status == DialogueStatus.CLOSED and versions(closed) == before


def test_a_dialogue_of_a_locked_year_stays_closed_until_staff_unlock_the_year(
        client, staff_user, closed):
    """Reopening would turn the locked year's checks back to pending: refused, on the page
    (an error, nothing written) and in the service, until the year is unlocked."""
    year_locks.fiscal_year_lock(user=staff_user, compact=closed.compact,
                                fiscal_year=closed.fiscal_year, reason="Figures settled.")
    before = versions(closed)
    client.force_login(staff_user)
    response = client.post(reopen_url(closed), {"reason": REASON}, follow=True)
    assert "is locked" in response.content.decode()
    with pytest.raises(year_locks.YearLocked):
        services.dialogue_reopen(dialogue=closed, user=staff_user, reason=REASON)
    closed.refresh_from_db()
    assert closed.status == DialogueStatus.CLOSED and versions(closed) == before
    year_locks.fiscal_year_unlock(user=staff_user, compact=closed.compact,
                                  fiscal_year=closed.fiscal_year,
                                  reason="The ministry's minutes arrived late.")
    services.dialogue_reopen(dialogue=closed, user=staff_user, reason=REASON)
    closed.refresh_from_db()
    assert closed.status == DialogueStatus.HELD
