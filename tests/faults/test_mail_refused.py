"""The mail server fails: reminders are logged as failed, tried again, and sent once.

A real SMTP server in the test (aiosmtpd) on a local port, reached by Django's SMTP backend:
one that refuses every recipient with 554, then one that accepts and keeps the messages.
"""

import datetime as dt

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from compacts import services as compact_services
from contributions import services
from contributions.models import ReminderKind, ReminderLog, ReminderStatus
from contributions.tasks import RemindersNotSent, send_reminders
from cpc.access.roles import EMBASSY_OFFICER, TIP_STAFF
from tests.compacts.factories import UserFactory
from tests.contributions.factories import SustainabilityPlanFactory
from tests.ports import free_port

pytestmark = pytest.mark.django_db

ON = dt.date(2024, 9, 1)  # the plan of ``overdue_plan`` was due on 30 June 2024
REFUSAL = "554 5.7.1 Relay access denied"


class Refusing:
    """Refuses every recipient, as a relay that does not accept our sender."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return REFUSAL


class Accepting:
    """Accepts everything and keeps each message: (recipients, the message's bytes)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((sorted(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """``smtp_server(handler)`` starts a real SMTP server on a free local port and points
    Django's SMTP backend at it; every server started is stopped when the test ends."""
    started = []
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5

    def start(handler):
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        started.append(controller)
        settings.EMAIL_PORT = controller.port
        return handler

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def recipients(ghana):
    officer = UserFactory(username="officer.gh")
    compact_services.user_assign_role(user=officer, role=EMBASSY_OFFICER, countries=[ghana])
    compact_services.user_assign_role(user=UserFactory(username="staff"), role=TIP_STAFF)
    return ["officer.gh@example.org", "staff@example.org"]


@pytest.fixture
def overdue_plan(ghana_compact, recipients):
    return SustainabilityPlanFactory(compact=ghana_compact, requested=True)


def test_refused_reminder_is_logged_failed_then_sent_once_when_the_server_accepts(
    smtp_server, overdue_plan, recipients
):
    # Given a mail server that refuses every recipient
    smtp_server(Refusing())

    # When the daily run sends the overdue-plan reminder
    [log] = services.reminders_send(on=ON)

    # Then the reminder is kept, failed, with the server's answer
    log.refresh_from_db()
    assert (log.kind, log.object_id) == (ReminderKind.PLAN_OVERDUE, overdue_plan.pk)
    assert log.status == ReminderStatus.FAILED and log.attempts == 1
    assert log.sent_at is None
    assert "SMTPRecipientsRefused" in log.last_error and REFUSAL in log.last_error
    assert log.recipients.splitlines() == recipients

    # When the server accepts again and the next run comes
    accepting = smtp_server(Accepting())
    [retried] = services.reminders_send(on=ON + dt.timedelta(days=1))

    # Then the same reminder is sent, once, to both recipients
    assert retried.pk == log.pk
    log.refresh_from_db()
    assert log.status == ReminderStatus.SENT and log.attempts == 2
    assert log.sent_at is not None and log.last_error == ""
    assert len(accepting.messages) == 1
    to, content = accepting.messages[0]
    assert to == recipients
    assert b"Subject: Sustainability plan overdue" in content

    # And never again
    assert services.reminders_send(on=ON + dt.timedelta(days=2)) == []
    assert len(accepting.messages) == 1
    assert ReminderLog.objects.count() == 1


def test_mail_server_down_is_logged_failed(settings, overdue_plan):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens

    [log] = services.reminders_send(on=ON)

    log.refresh_from_db()
    assert log.status == ReminderStatus.FAILED
    assert log.last_error.startswith("ConnectionRefusedError")


def test_task_retries_a_refused_reminder_then_leaves_it_to_the_next_day(
    smtp_server, ghana_compact, recipients
):
    today = timezone.localdate()
    SustainabilityPlanFactory(compact=ghana_compact, status="requested",
                              requested_on=today - dt.timedelta(days=90),
                              due_on=today - dt.timedelta(days=3))
    smtp_server(Refusing())

    # Run in this process: Celery retries at once instead of after the backoff.
    result = send_reminders.apply()

    assert result.failed()
    assert isinstance(result.result, RemindersNotSent)
    log = ReminderLog.objects.get()
    assert log.status == ReminderStatus.FAILED
    assert log.attempts == 1 + send_reminders.max_retries

    accepting = smtp_server(Accepting())
    assert send_reminders.apply().get() == 1
    assert send_reminders.apply().get() == 0
    assert len(accepting.messages) == 1
    log.refresh_from_db()
    assert log.status == ReminderStatus.SENT


def test_failed_reminders_are_listed_in_the_admin(smtp_server, overdue_plan, admin_client):
    smtp_server(Refusing())
    services.reminders_send(on=ON)

    page = admin_client.get("/admin/contributions/reminderlog/?status__exact=failed")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Relay access denied" in html
    assert "Sustainability plan overdue" in html
