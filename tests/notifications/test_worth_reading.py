"""Notifications worth reading: never about one's own action, one per batch of events (a bulk
review is one email listing its results), a daily digest that is sent once, links a mail
client can open (from SITE_URL), and every notification in its reader's language."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from compacts import services as compact_services
from compacts.models import UserProfile
from cpc.access.roles import IMPLEMENTER
from indicators.models import ResultStatus
from indicators.services import result_approve, result_return
from notifications import services
from notifications.models import EmailFrequency, EmailStatus, Kind, Notification
from notifications.tasks import send_digests, send_email
from tests.compacts.factories import AwardFactory, ImplementerFactory, UserFactory
from tests.indicators.factories import IndicatorFactory, ResultFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("past_years_open")]

SITE = "https://cpc.example.gov"
LINK = re.compile(r"(?:https?://|/)\S+")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def officer(ghana_officer):
    ghana_officer.email = "officer.gh@example.org"
    ghana_officer.save()
    return ghana_officer


def submitted(user, compact, code, fiscal_year=2023):
    return ResultFactory(indicator=IndicatorFactory(compact=compact, code=code),
                         fiscal_year=fiscal_year, status=ResultStatus.SUBMITTED,
                         reported_by=user)


def mail_queued() -> list:
    """Run the mail task (the worker's code path) for every notification queued to mail."""
    for pk in Notification.objects.filter(email_status=EmailStatus.QUEUED).values_list(
            "pk", flat=True):
        send_email.apply(args=[pk])
    return mail.outbox


def bulk(client, user, action, results, note=""):
    client.force_login(user)
    return client.post(reverse("workspace:bulk-review"), {
        "action": action, "note": note, "results": [result.pk for result in results]})


def links_of(text: str) -> list[str]:
    return LINK.findall(text)


def test_the_person_who_acted_is_not_told_of_it(staff_user, supervisor_user, ghana_compact):
    staff_user.email = "staff@example.org"
    staff_user.save()
    # A result staff submitted themselves, returned by themselves: nobody to tell.
    result_return(user=staff_user, result=submitted(staff_user, ghana_compact, "OWN-1"),
                  review_note="Wrong year, mine.")
    assert not Notification.objects.filter(recipient=staff_user).exists()
    # Approved by the other pair of eyes: the submitter is told.
    result_approve(user=supervisor_user,
                   result=submitted(staff_user, ghana_compact, "OWN-2"))
    assert list(Notification.objects.filter(recipient=staff_user).values_list(
        "kind", flat=True)) == [Kind.RESULT_APPROVED]
    assert not Notification.objects.filter(recipient=supervisor_user).exists()
    assert len(mail_queued()) == 1


def test_a_bulk_return_is_one_email_per_submitter_listing_its_results(
        client, officer, staff_user, ghana_compact, django_capture_on_commit_callbacks):
    other = UserFactory(username="officer.two", email="two@example.org")
    compact_services.user_assign_role(user=other, role="embassy_officer",
                                      countries=[ghana_compact.country])
    mine = [submitted(officer, ghana_compact, f"PROT-{n}") for n in (1, 2, 3)]
    theirs = submitted(other, ghana_compact, "PROT-9")
    with django_capture_on_commit_callbacks(execute=False):
        response = bulk(client, staff_user, "return", [*mine, theirs], "Attach the table.")
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=officer).count() == 1
    assert Notification.objects.filter(recipient=other).count() == 1

    outbox = mail_queued()
    assert sorted(message.to[0] for message in outbox) == ["officer.gh@example.org",
                                                           "two@example.org"]
    to_officer = next(m for m in outbox if m.to == ["officer.gh@example.org"])
    assert to_officer.subject == "3 results returned: PROT-1 FY2023, PROT-2 FY2023, PROT-3 FY2023"
    for result in mine:
        assert f"{result.indicator.code} FY2023" in to_officer.body
    assert to_officer.body.count("Note: Attach the table.") == 3
    assert "PROT-9" not in to_officer.body
    # A second delivery of the tasks sends nothing more.
    assert len(mail_queued()) == 2


def test_a_second_bulk_review_is_a_notification_of_its_own(client, officer, staff_user,
                                                           ghana_compact):
    bulk(client, staff_user, "return", [submitted(officer, ghana_compact, "A-1")], "Fix it.")
    bulk(client, staff_user, "return", [submitted(officer, ghana_compact, "B-1")], "Fix it.")
    assert Notification.objects.filter(recipient=officer).count() == 2


def test_links_in_the_email_are_absolute_from_site_url(officer, staff_user, ghana_compact):
    result_return(user=staff_user, result=submitted(officer, ghana_compact, "PROT-1"),
                  review_note="Attach the table.")
    [message] = mail_queued()
    links = links_of(message.body)
    assert links, message.body
    assert all(link.startswith(SITE + "/") for link in links), links
    assert f"{SITE}{reverse('indicators:data-entry', args=[ghana_compact.pk])}" in links
    assert f"{SITE}{reverse('notifications:preferences')}" in links


def test_the_daily_digest_sends_one_email_once(client, officer, staff_user, ghana_compact):
    client.force_login(officer)
    client.post(reverse("notifications:preferences"),
                {"kinds": Kind.values, "frequency": EmailFrequency.DAILY})
    assert services.email_frequency(officer) == EmailFrequency.DAILY
    result_return(user=staff_user, result=submitted(officer, ghana_compact, "PROT-1"),
                  review_note="Attach the table.")
    result_approve(user=staff_user, result=submitted(officer, ghana_compact, "PROT-2"))
    assert set(Notification.objects.filter(recipient=officer).values_list(
        "email_status", flat=True)) == {EmailStatus.DIGEST}
    assert mail_queued() == []  # nothing leaves at once

    assert send_digests.apply().get() == 1
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == ["officer.gh@example.org"]
    assert "2 notifications" in digest.subject
    assert "Result PROT-1 FY2023 returned" in digest.body
    assert "Result PROT-2 FY2023 approved" in digest.body
    assert all(link.startswith(SITE + "/") for link in links_of(digest.body))
    assert set(Notification.objects.filter(recipient=officer).values_list(
        "email_status", flat=True)) == {EmailStatus.SENT}

    assert send_digests.apply().get() == 0  # a second run resends nothing
    assert len(mail.outbox) == 1


def test_the_list_shows_each_notification_in_the_readers_language_of_today(
        client, officer, staff_user, ghana_compact):
    result_return(user=staff_user, result=submitted(officer, ghana_compact, "PROT-1"),
                  review_note="Attach the table.")
    client.force_login(officer)
    english = client.get(reverse("notifications:list")).content.decode()
    assert "Result PROT-1 FY2023 returned" in english
    assert ">Open<" in english
    client.cookies["django_language"] = "es"
    spanish = client.get(reverse("notifications:list")).content.decode()
    assert "Resultado PROT-1 AF 2023 devuelto" in spanish
    assert "Result PROT-1 FY2023 returned" not in spanish
    # The button opens the notification: the verb, not the status "Abierta".
    assert ">Abrir<" in spanish and "Abierta" not in spanish


def test_a_french_speaking_implementers_returned_result_is_one_french_email_with_absolute_links(
        client, staff_user, ghana_compact, django_capture_on_commit_callbacks):
    # Given an implementer of an organisation with an award, who reads French
    organisation = ImplementerFactory(name="Fondation Exemple")
    award = AwardFactory(compact=ghana_compact, implementer=organisation)
    implementer = UserFactory(username="implementer.fr", email="impl@example.org")
    compact_services.user_assign_role(user=implementer, role=IMPLEMENTER,
                                      implementers=[organisation])
    UserProfile.objects.filter(user=implementer).update(language="fr")
    result = submitted(implementer, ghana_compact, "IMP-1")
    result.indicator.awards.add(award)
    # When staff, reading English, return it from My work
    with translation.override("en"), django_capture_on_commit_callbacks(execute=False):
        response = bulk(client, staff_user, "return", [result], "Joignez le tableau.")
    assert response.status_code == 302
    # Then exactly one email leaves, in French, whose links a mail client can open
    outbox = mail_queued()
    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == ["impl@example.org"]
    assert message.subject == "Résultat IMP-1 exercice 2023 renvoyé"
    assert "Votre résultat a été renvoyé par" in message.body
    assert "Note : Joignez le tableau." in message.body
    assert "returned" not in message.body and "Open it" not in message.body
    links = links_of(message.body)
    assert len(links) >= 2
    assert all(link.startswith(SITE + "/") for link in links), links
