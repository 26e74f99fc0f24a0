"""Check 2 cannot be typed into being (issue 23). Each attempt goes through the API
(``/api/v1/dialogues/<id>/discussions/``), the dialogue stepper's outcomes and hold pages and
the admin where it applies, and the check is read back through ``compact_compliance``,
``/api/v1/compacts/<id>/compliance/`` and the compact page (its words and detail). The
attempts:

1. Discussions "Discussed at meeting." keyed in 45 days after the dialogue, and twenty x's
   keyed in 13 months after it (December 2026 for a dialogue held in November 2025), through
   the API and the outcomes page: recorded, named "recorded late", not counted.
2. A dialogue held 45 days ago whose discussions are keyed in today: not met, not pending.
3. Discussions keyed in before the dialogue was held (prefilled while it was planned), through
   the API and the outcomes page: not counted, named "recorded before the dialogue was held".
4. Moving the held dialogue's day later so that the late discussions fall within 30 days
   (API, hold page, admin): refused.
5. Deleting a late discussion and recording it again for a fresh time: the new one is later
   still; moving a timely discussion to a key indicator or to another dialogue in the admin
   (which would carry its time and figures over): refused on the field.
6. Recording discussions at a dialogue of a locked year (API, outcomes page): 409 naming the
   lock.
7. The late discussion attempted by an embassy officer of another country (404) and an
   auditor (403), through the API and the outcomes page.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils.html import escape

from compacts import services as compact_services
from compacts import year_locks
from cpc.access.roles import EMBASSY_OFFICER
from cpc.models import recorded_as_of
from dialogues.models import ERR_DISCUSSION_STAYS, Dialogue, Discussion
from dialogues.services import ERR_HELD_ON_LATER
from tests.compacts.factories import UserFactory
from tests.dialogues.factories import DialogueFactory, IndicatorFactory, ResultFactory, noon
from tests.dialogues.test_pages import outcomes_payload, rows
from tests.oversight.integrity import admin_change, read_check

pytestmark = pytest.mark.django_db

FY = 2026  # open: its dialogue window closes on 2027-01-28
HELD = dt.date(2025, 11, 15)
MEETING_NOTES = "Discussed at meeting."  # 21 characters: says little, but enough to record
LATE = ("Discussion recorded late (more than 30 days after the dialogue of 2025-11-15), so not "
        "counted: PREV-2, PROT-1.")


def on(day: dt.date):
    """Writes inside are recorded (server time) on ``day``, as if made then."""
    return recorded_as_of(noon(day))


@pytest.fixture
def keys(ghana_compact):
    """PROT-1 and PREV-2, each with an approved FY2025 actual to discuss."""
    indicators = [IndicatorFactory(compact=ghana_compact, code=code)
                  for code in ("PROT-1", "PREV-2")]
    for indicator in indicators:
        ResultFactory(indicator=indicator, fiscal_year=2025, value=Decimal("64"))
    return indicators


def held_dialogue(compact, keys, *, held=HELD, fiscal_year=FY):
    dialogue = DialogueFactory(compact=compact, fiscal_year=fiscal_year, status="held",
                               scheduled_for=held, held_on=held,
                               key_indicators_identified_on=held - dt.timedelta(days=40),
                               key_indicators_shared_on=held - dt.timedelta(days=35),
                               key_indicators_shared_via="email")
    dialogue.key_indicators.set(keys)
    return dialogue


@pytest.fixture
def dialogue(ghana_compact, keys):
    """The FY2026 dialogue, held on 15 November 2025 with PROT-1 and PREV-2 as its keys."""
    return held_dialogue(ghana_compact, keys)


@pytest.fixture
def reader(client, auditor_user, auditor_api):
    client.force_login(auditor_user)
    return {"api": auditor_api, "client": client}


def check2(compact, reader, fiscal_year=FY):
    return read_check(2, compact, fiscal_year, **reader)


def discuss(api, dialogue, indicator, notes=MEETING_NOTES):
    return api.post(f"/api/v1/dialogues/{dialogue.pk}/discussions/",
                    {"indicator": indicator.pk, "notes": notes})


def outcomes(client, dialogue, discussions):
    return client.post(f"/dialogues/{dialogue.pk}/record/outcomes/",
                       outcomes_payload(discussions=discussions))


# 1. Discussions keyed in 45 days and 13 months after the dialogue ---------------------------

def test_discussed_at_meeting_keyed_in_45_days_later_through_the_api_does_not_count(
        officer_api, ghana_compact, keys, dialogue, reader):
    with on(HELD + dt.timedelta(days=45)):
        for key in keys:
            response = discuss(officer_api, dialogue, key)
            assert response.status_code == 201, response.content
            # Recorded with the server's time and figures, not the dialogue's.
            assert response.json()["recorded_at"].startswith("2025-12-30")
            assert Decimal(response.json()["actual_value"]) == Decimal("64")
    result = check2(ghana_compact, reader)
    assert (result.status, result.detail) == ("not_met", LATE)
    # Twenty x's keyed in today, 13 months after, count no better.
    for key in keys:
        assert discuss(officer_api, dialogue, key, notes="x" * 20).status_code == 201
    assert check2(ghana_compact, reader).detail == LATE


def test_twenty_xs_keyed_in_13_months_later_on_the_outcomes_page_do_not_count(
        client, ghana_officer, ghana_compact, keys, dialogue, reader):
    client.force_login(ghana_officer)
    response = outcomes(client, dialogue, [(key, "x" * 20) for key in keys])
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Discussion.objects.filter(dialogue=dialogue).count() == 2
    result = read_check(2, ghana_compact, FY, api=reader["api"], client=client)
    assert (result.status, result.detail) == ("not_met", LATE)
    # Within 30 days, the same discussions would have counted.
    with on(HELD + dt.timedelta(days=30)):
        assert outcomes(client, dialogue, [(key, MEETING_NOTES) for key in keys]
                        ).status_code == 302
    result = read_check(2, ghana_compact, FY, api=reader["api"], client=client)
    assert result.status == "met", result.detail


# 2. A dialogue held 45 days ago ---------------------------------------------------------------

def test_a_dialogue_held_45_days_ago_whose_discussions_are_keyed_in_today(
        officer_api, ghana_compact, keys, reader):
    held = dt.date.today() - dt.timedelta(days=45)
    dialogue = held_dialogue(ghana_compact, keys, held=held, fiscal_year=2027)
    for key in keys:
        assert discuss(officer_api, dialogue, key).status_code == 201
    result = check2(ghana_compact, reader, fiscal_year=2027)
    assert (result.status, result.due_on) == ("not_met", None)  # its 30 days are over
    assert result.detail == (f"Discussion recorded late (more than 30 days after the "
                             f"dialogue of {held}), so not counted: PREV-2, PROT-1.")


# 3. Discussions keyed in before the dialogue was held ---------------------------------------

EARLY = ("Discussion recorded before the dialogue was held on 2025-11-15, so not counted: "
         "PREV-2, PROT-1.")


def test_discussions_prefilled_before_the_dialogue_do_not_count(officer_api, client,
                                                                ghana_officer, ghana_compact,
                                                                keys, reader):
    dialogue = held_dialogue(ghana_compact, keys)
    Dialogue.objects.filter(pk=dialogue.pk).update(status="planned", held_on=None)
    dialogue.refresh_from_db()
    client.force_login(ghana_officer)
    with on(dt.date(2025, 11, 1)):  # two weeks before the meeting took place
        assert discuss(officer_api, dialogue, keys[0]).status_code == 201
        assert outcomes(client, dialogue, [(keys[1], MEETING_NOTES)]).status_code == 302
    assert officer_api.post(f"/api/v1/dialogues/{dialogue.pk}/hold/",
                            {"held_on": HELD.isoformat()}).status_code == 200
    result = read_check(2, ghana_compact, FY, api=reader["api"], client=client)
    assert (result.status, result.detail) == ("not_met", EARLY)


# 4. Moving the day the dialogue was held ------------------------------------------------------

def test_moving_the_dialogue_later_to_bring_late_discussions_within_30_days_is_refused(
        officer_api, client, ghana_officer, staff_user, ghana_compact, keys, dialogue, reader):
    with on(HELD + dt.timedelta(days=45)):
        for key in keys:
            discuss(officer_api, dialogue, key)
    later = ERR_HELD_ON_LATER.format(day=HELD)
    response = officer_api.patch(f"/api/v1/dialogues/{dialogue.pk}/",
                                 {"held_on": "2025-11-30"}, format="json")
    assert response.status_code == 409 and response.json() == {"detail": later}
    client.force_login(ghana_officer)
    page = client.post(f"/dialogues/{dialogue.pk}/record/hold/",
                       {"held_on": "2025-11-30", **rows("participants", [])})
    assert page.status_code == 400 and page.context["form"].errors["held_on"] == [later]
    client.force_login(staff_user)
    admin = admin_change(client, f"/admin/dialogues/dialogue/{dialogue.pk}/change/",
                         held_on="2025-11-30")
    assert admin.status_code == 302
    dialogue.refresh_from_db()
    assert dialogue.held_on == HELD
    assert check2(ghana_compact, reader).detail == LATE


# 5. Fresh times and moved discussions --------------------------------------------------------

def test_a_discussion_deleted_and_recorded_again_is_later_still(officer_api, client,
                                                                staff_user, ghana_compact,
                                                                keys, dialogue, reader):
    with on(HELD + dt.timedelta(days=45)):
        for key in keys:
            discuss(officer_api, dialogue, key)
    client.force_login(staff_user)
    late = Discussion.objects.filter(indicator=keys[0]).get()
    # The admin deletes no discussion; were one removed from the database all the same,
    # recording it again is later still.
    deleted = client.post(f"/admin/dialogues/discussion/{late.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    assert Discussion.objects.filter(pk=late.pk).exists()
    Discussion.objects.filter(pk=late.pk).delete()
    assert discuss(officer_api, dialogue, keys[0]).status_code == 201
    # The admin's own form stamps the time it is saved, too.
    added = client.post("/admin/dialogues/discussion/add/", {
        "dialogue": dialogue.pk, "indicator": keys[1].pk,
        "notes": "Referrals reviewed with the ministry."})
    assert added.status_code == 302
    assert not Discussion.objects.filter(
        recorded_at__date__lte=HELD + dt.timedelta(days=30)).exists()
    assert check2(ghana_compact, reader).detail == LATE


def test_a_timely_discussion_cannot_be_moved_to_a_key_indicator_or_another_dialogue(
        officer_api, client, staff_user, ghana_compact, keys, dialogue, reader):
    other = IndicatorFactory(compact=ghana_compact, code="PROS-3")
    ResultFactory(indicator=other, fiscal_year=2025, value=Decimal("12"))
    with on(HELD):
        timely = discuss(officer_api, dialogue, other,
                         notes="Prosecutions reviewed against the target.").json()
    # Next year's dialogue (its year open too, so only this rule stands in the way).
    following = held_dialogue(ghana_compact, keys, held=dt.date(2026, 11, 2), fiscal_year=2027)
    client.force_login(staff_user)
    url = f"/admin/dialogues/discussion/{timely['id']}/change/"
    for field, value in (("indicator", keys[0].pk), ("dialogue", following.pk)):
        response = admin_change(client, url, **{field: value})
        assert response.status_code == 200  # the form again, with the error on the field
        assert response.context["adminform"].form.errors[field] == [ERR_DISCUSSION_STAYS]
    moved = Discussion.objects.get(pk=timely["id"])
    assert (moved.dialogue_id, moved.indicator_id) == (dialogue.pk, other.pk)
    result = check2(ghana_compact, reader)
    assert result.detail == "Not discussed at the dialogue: PREV-2, PROT-1."


# 6. A locked year -----------------------------------------------------------------------------

def test_discussions_at_a_locked_years_dialogue_are_refused(officer_api, client, ghana_officer,
                                                           ghana_compact, keys):
    locked = held_dialogue(ghana_compact, keys, held=dt.date(2024, 11, 15), fiscal_year=2025)
    assert year_locks.year_locked(ghana_compact, 2025)  # its window closed on 2026-01-28
    response = discuss(officer_api, locked, keys[0])
    assert response.status_code == 409
    assert "FY2025 of Ghana Child Protection Compact Partnership is locked" in (
        response.json()["detail"])
    client.force_login(ghana_officer)
    page = outcomes(client, locked, [(keys[0], MEETING_NOTES)])
    assert page.status_code == 400
    assert escape("FY2025 of Ghana Child Protection Compact Partnership is locked") in (
        page.content.decode())
    assert not Discussion.objects.exists()


# 7. Other roles --------------------------------------------------------------------------------

def test_another_countrys_officer_gets_404_and_an_auditor_403(api_for, client, auditor_api,
                                                              auditor_user, peru, ghana_compact,
                                                              keys, dialogue, reader):
    stranger = UserFactory(username="officer.pe")
    compact_services.user_assign_role(user=stranger, role=EMBASSY_OFFICER, countries=[peru])
    assert discuss(api_for(stranger), dialogue, keys[0]).status_code == 404
    assert discuss(auditor_api, dialogue, keys[0]).status_code == 403
    for user, status in ((stranger, 404), (auditor_user, 403)):
        client.force_login(user)
        assert outcomes(client, dialogue, [(keys[0], MEETING_NOTES)]).status_code == status
    assert not Discussion.objects.exists()
    client.force_login(auditor_user)
    assert check2(ghana_compact, reader).detail == (
        "Not discussed at the dialogue: PREV-2, PROT-1.")
