"""Daily reminders: overdue sustainability plans and dialogues without key indicators."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from compacts import services as compact_services
from contributions import services
from contributions.models import ReminderKind, ReminderLog
from contributions.tasks import send_reminders
from cpc.access.roles import AUDITOR, EMBASSY_OFFICER, TIP_STAFF
from indicators.models import Indicator
from tests.compacts.factories import UserFactory
from tests.contributions.factories import DialogueFactory, SustainabilityPlanFactory

ON = dt.date(2024, 9, 1)


def user_with(role, username, countries=()):
    user = UserFactory(username=username)
    compact_services.user_assign_role(user=user, role=role, countries=countries)
    return user


@pytest.fixture
def people(ghana, peru):
    return {
        "gh": user_with(EMBASSY_OFFICER, "officer.gh", [ghana]),
        "pe": user_with(EMBASSY_OFFICER, "officer.pe", [peru]),
        "staff": user_with(TIP_STAFF, "staff"),
        "auditor": user_with(AUDITOR, "audit"),
    }


@pytest.mark.django_db
def test_overdue_plan_reminder_goes_to_the_countrys_officers_and_staff_once(
    people, ghana_compact, peru_compact
):
    plan = SustainabilityPlanFactory(compact=ghana_compact, requested=True)  # due 30 Jun 2024
    SustainabilityPlanFactory(compact=peru_compact, status="requested",
                              requested_on=dt.date(2024, 5, 1), due_on=dt.date(2024, 12, 1))

    logs = services.reminders_send(on=ON)

    assert [(log.kind, log.object_id) for log in logs] == [(ReminderKind.PLAN_OVERDUE, plan.pk)]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["officer.gh@example.org", "staff@example.org"]
    assert message.subject == f"Sustainability plan overdue: {ghana_compact}"
    assert "2024-06-30" in message.body
    # Sent once: the next days do not send it again.
    assert services.reminders_send(on=ON) == []
    assert services.reminders_send(on=ON + dt.timedelta(days=1)) == []
    assert len(mail.outbox) == 1
    assert ReminderLog.objects.count() == 1


@pytest.mark.django_db
def test_reminders_reach_a_superuser_as_staff_and_no_inactive_user(people, ghana_compact):
    # A superuser holds TIP staff's role (cpc.access.scoping.user_roles); a disabled officer
    # of the country does not act for it.
    UserFactory(username="root", is_superuser=True)
    gone = user_with(EMBASSY_OFFICER, "officer.gone", [ghana_compact.country])
    gone.is_active = False
    gone.save()

    assert services.reminder_recipients(compact=ghana_compact) == [
        "officer.gh@example.org", "root@example.org", "staff@example.org"]


@pytest.mark.django_db
def test_plan_is_reminded_again_only_for_a_new_due_date(people, ghana_compact):
    plan = SustainabilityPlanFactory(compact=ghana_compact, requested=True)
    services.reminders_send(on=ON)
    plan.due_on = dt.date(2024, 8, 1)
    plan.save()
    assert len(services.reminders_send(on=ON)) == 1
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_plan_not_yet_due_or_received_sends_nothing(people, ghana_compact, peru_compact):
    SustainabilityPlanFactory(compact=ghana_compact, requested=True)  # due 30 Jun 2024
    SustainabilityPlanFactory(compact=peru_compact, status="received",
                              requested_on=dt.date(2024, 1, 1), due_on=dt.date(2024, 2, 1),
                              received_on=dt.date(2024, 3, 1))
    assert services.reminders_send(on=dt.date(2024, 6, 30)) == []
    assert mail.outbox == []
    assert not ReminderLog.objects.exists()


@pytest.mark.django_db
def test_dialogue_within_30_days_without_key_indicators_is_reminded(people, ghana_compact,
                                                                     peru_compact):
    due = DialogueFactory(compact=ghana_compact, fiscal_year=2024,
                          scheduled_for=ON + dt.timedelta(days=30))
    prepared = DialogueFactory(compact=peru_compact, fiscal_year=2024,
                               scheduled_for=ON + dt.timedelta(days=5))
    prepared.key_indicators.add(Indicator.objects.create(
        compact=peru_compact, code="PR-1", name="Cases prosecuted", pillar="prosecution",
        unit="count"))
    later = DialogueFactory(compact=ghana_compact, fiscal_year=2025,
                            scheduled_for=ON + dt.timedelta(days=31))  # too far out today
    DialogueFactory(compact=peru_compact, fiscal_year=2023, status="held",
                    scheduled_for=ON + dt.timedelta(days=3))  # already held

    logs = services.reminders_send(on=ON)

    assert [(log.kind, log.object_id) for log in logs] == [
        (ReminderKind.DIALOGUE_KEY_INDICATORS, due.pk)]
    message = mail.outbox[0]
    assert sorted(message.to) == ["officer.gh@example.org", "staff@example.org"]
    assert "key indicators" in message.body and "2024-10-01" in message.body
    # The next day the first dialogue is not reminded again; the later one enters the window.
    next_day = services.reminders_send(on=ON + dt.timedelta(days=1))
    assert [log.object_id for log in next_day] == [later.pk]
    assert len(mail.outbox) == 2


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_sends_each_reminder_once(celery_worker_process, people, ghana_compact):
    # given an overdue plan and a dialogue in ten days with no key indicators (dates relative
    # to today, because the worker runs the task for its own today)
    today = timezone.localdate()
    SustainabilityPlanFactory(compact=ghana_compact, status="requested",
                              requested_on=today - dt.timedelta(days=90),
                              due_on=today - dt.timedelta(days=3))
    DialogueFactory(compact=ghana_compact, scheduled_for=today + dt.timedelta(days=10))

    # when the worker runs the task
    first = send_reminders.delay()

    # then both reminders are sent and logged
    assert first.get(timeout=60) == 2
    assert first.task_id in celery_worker_process.output()
    assert set(ReminderLog.objects.values_list("kind", flat=True)) == {
        ReminderKind.PLAN_OVERDUE, ReminderKind.DIALOGUE_KEY_INDICATORS}

    # and a second run sends nothing more
    second = send_reminders.delay()
    assert second.get(timeout=60) == 0
    assert ReminderLog.objects.count() == 2
    recipients = set(ReminderLog.objects.values_list("recipients", flat=True))
    assert recipients == {"officer.gh@example.org\nstaff@example.org"}
