"""Notifications (notifications app): who is told of which event, once; mail sent after the
commit, retried while a real SMTP server refuses and recorded as failed after the last try;
each person's choices; the list, the bell and marking read."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from indicators.services import result_approve, result_return
from notifications import services
from notifications.models import EmailStatus, Kind, MutedKind, Notification
from notifications.tasks import send_email
from tests.compacts.factories import UserFactory
from tests.dialogues.factories import DialogueFactory
from tests.faults.test_mail_refused import Accepting, Refusing, smtp_server  # noqa: F401
from tests.indicators.factories import IndicatorFactory, ResultFactory

# Tests of other rules that write figures of past fiscal years, locked by now.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]


@pytest.fixture
def officer(ghana_officer):
    ghana_officer.email = "officer.gh@example.org"
    ghana_officer.save()
    return ghana_officer


def submitted_by(user, compact):
    return ResultFactory(indicator=IndicatorFactory(compact=compact, code="PROT-1"),
                         status="submitted", reported_by=user)


def test_a_returned_result_tells_its_submitter_once_and_mails_after_commit(
        officer, staff_user, ghana_compact, django_capture_on_commit_callbacks):
    result = submitted_by(officer, ghana_compact)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result_return(user=staff_user, result=result, review_note="Attach the table.")
    notification = Notification.objects.get(recipient=officer)
    assert notification.kind == Kind.RESULT_RETURNED
    assert notification.subject == "Result PROT-1 FY2023 returned"
    assert "Note: Attach the table." in notification.body
    assert notification.email_status == EmailStatus.QUEUED
    assert callbacks  # the mail waits for the commit
    assert mail.outbox == []

    send_email.apply(args=[notification.pk])
    send_email.apply(args=[notification.pk])  # a duplicate delivery of the task
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["officer.gh@example.org"]
    assert "Attach the table." in mail.outbox[0].body
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.SENT and notification.email_attempts == 1

    # The same event seen again records nothing more.
    from notifications.receivers import on_result_reviewed
    result.refresh_from_db()
    on_result_reviewed(sender=None, result=result, reviewer=staff_user, action="returned")
    assert Notification.objects.filter(recipient=officer).count() == 1


def test_a_muted_kind_is_not_recorded(officer, staff_user, ghana_compact):
    services.set_muted(user=officer, kinds={Kind.RESULT_APPROVED})
    result_approve(user=staff_user, result=submitted_by(officer, ghana_compact))
    assert not Notification.objects.filter(recipient=officer).exists()
    assert MutedKind.objects.filter(user=officer).count() == 1


def test_a_refusing_mail_server_is_retried_then_recorded_as_failed(
        officer, staff_user, ghana_compact, smtp_server):  # noqa: F811
    smtp_server(Refusing())
    result_return(user=staff_user, result=submitted_by(officer, ghana_compact),
                  review_note="Wrong year.")
    notification = Notification.objects.get(recipient=officer)
    with pytest.raises(OSError):
        services.email_send(notification_id=notification.pk, final_attempt=False)
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.QUEUED
    assert notification.email_attempts == 1 and "554" in notification.email_error

    assert services.email_send(notification_id=notification.pk,
                               final_attempt=True) == EmailStatus.FAILED
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.FAILED and notification.email_attempts == 2
    assert notification.read_at is None  # still shown in the app


def test_a_mail_server_back_up_delivers_it(officer, staff_user, ghana_compact,
                                          smtp_server):  # noqa: F811
    accepting = Accepting()
    smtp_server(accepting)
    result_approve(user=staff_user, result=submitted_by(officer, ghana_compact))
    notification = Notification.objects.get(recipient=officer)
    assert services.email_send(notification_id=notification.pk,
                               final_attempt=False) == EmailStatus.SENT
    assert [recipients for recipients, _ in accepting.messages] == [
        ["officer.gh@example.org"]]


def test_unready_dialogues_are_noticed_at_30_and_7_days(officer, ghana_compact):
    today = timezone.localdate()
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2027,
                               scheduled_for=today + dt.timedelta(days=20))
    assert len(services.dialogues_not_ready(on=today)) == 1
    assert services.dialogues_not_ready(on=today) == []  # once a mark
    later = services.dialogues_not_ready(on=dialogue.scheduled_for - dt.timedelta(days=5))
    assert len(later) == 1 and "5 days away" in later[0].subject
    assert "No key indicators are identified." in later[0].body


def test_the_list_the_bell_and_marking_read(client, officer, staff_user, ghana_compact):
    result_return(user=staff_user, result=submitted_by(officer, ghana_compact),
                  review_note="Attach the table.")
    mine = Notification.objects.get(recipient=officer)
    someone_else = UserFactory(username="other")
    theirs = Notification.objects.create(recipient=someone_else, kind=Kind.RESULT_APPROVED,
                                         event_key="x", subject="Theirs", body="",
                                         email_status=EmailStatus.NOT_SENT)
    client.force_login(officer)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Result PROT-1 FY2023 returned" in page and "Theirs" not in page
    assert 'data-testid="unread-count">1<' in page

    assert client.post(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:data-entry", args=[ghana_compact.pk])
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert 'data-testid="unread-count"' not in client.get(
        reverse("notifications:list")).content.decode()


def test_preferences_turn_kinds_off_and_on(client, officer):
    client.force_login(officer)
    keep = [k for k in Kind.values if k != Kind.PLAN_REQUESTED]
    response = client.post(reverse("notifications:preferences"), {"kinds": keep})
    assert response.status_code == 302
    assert list(MutedKind.objects.filter(user=officer).values_list("kind", flat=True)) == [
        Kind.PLAN_REQUESTED]
    client.post(reverse("notifications:preferences"), {"kinds": Kind.values})
    assert not MutedKind.objects.filter(user=officer).exists()
