"""Check 1 cannot be typed into being (issue 23). Each attempt goes through the API
(``/api/v1/dialogues/``), the dialogue stepper's pages (``/dialogues/<id>/record/prepare/``
and ``.../hold/``) and the admin where it applies, and the check is read back through
``compact_compliance``, ``/api/v1/compacts/<id>/compliance/`` and the compact page (its
words and detail). The attempts:

1. Swapping (or adding, dropping, un-sharing) the key indicators of a dialogue held a year
   earlier, through the API, the prepare page and the admin: refused (409 naming the rule, the
   same message on the page, read-only in the admin); the check still reads the old
   identification and sharing days.
2. Typing the identification day or the server times: ignored; the server's day is kept.
3. Typing a sharing date weeks before the dialogue while recording it after the dialogue's
   day (API and page): not met, the detail names the day it was recorded; the same for key
   indicators picked only after the day. Left planned past its day, the dialogue reads
   pending until its window closes, then not met (never "not applicable").
4. Moving a held dialogue's day later so that a late preparation looks timely (API, hold
   page, admin): refused; moving it earlier is a correction and stays allowed.
5. Re-opening a held dialogue to planned in order to prepare it again (API, admin), or
   creating a dialogue already held: refused.
6. The swap attempted by an embassy officer of another country (404) and an auditor (403).
"""

import datetime as dt

import pytest
from django.utils.html import escape

from compacts import services as compact_services
from cpc.access.roles import EMBASSY_OFFICER
from cpc.models import recorded_as_of
from dialogues.models import Dialogue
from dialogues.services import ERR_HELD_ON_LATER, ERR_MOVE, ERR_PREPARATION_FROZEN
from tests.compacts.factories import UserFactory
from tests.dialogues.factories import IndicatorFactory, noon
from tests.dialogues.test_pages import rows
from tests.oversight.integrity import admin_change, read_check

pytestmark = pytest.mark.django_db

# The dialogue of FY2026 (open: its window closes on 2027-01-28), held a year before today
# (December 2026).
FY = 2026
HELD = dt.date(2025, 11, 15)
IDENTIFIED = dt.date(2025, 10, 1)
SHARED = dt.date(2025, 10, 6)
MET = ("2 key indicators identified on 2025-10-01 and shared with the partner government on "
       "2025-10-06 (diplomatic note), both recorded before the dialogue of 2025-11-15.")
FROZEN = ERR_PREPARATION_FROZEN.format(day=HELD)
DIALOGUES = "/api/v1/dialogues/"


def on(day: dt.date):
    """Writes inside are recorded (server time) on ``day``, as if made then."""
    return recorded_as_of(noon(day))


@pytest.fixture
def indicators(ghana_compact):
    return [IndicatorFactory(compact=ghana_compact, code=code)
            for code in ("PROT-1", "PREV-2", "PROS-3")]


def plan(api, compact, keys, *, scheduled=HELD):
    response = api.post(DIALOGUES, {
        "compact": compact.pk, "fiscal_year": FY, "scheduled_for": scheduled.isoformat(),
        "format": "in_person", "key_indicators": [k.pk for k in keys]}, format="json")
    assert response.status_code == 201, response.content
    return Dialogue.objects.get(pk=response.json()["id"])


def share(api, dialogue, day, via="diplomatic_note"):
    response = api.patch(f"{DIALOGUES}{dialogue.pk}/", {
        "key_indicators_shared_on": day.isoformat(), "key_indicators_shared_via": via},
        format="json")
    assert response.status_code == 200, response.content


def hold(api, dialogue, day=HELD):
    response = api.post(f"{DIALOGUES}{dialogue.pk}/hold/", {"held_on": day.isoformat()})
    assert response.status_code == 200, response.content
    dialogue.refresh_from_db()
    return dialogue


@pytest.fixture
def held(officer_api, ghana_compact, indicators):
    """Prepared in time (key indicators PROT-1 and PREV-2 picked on 1 October 2025, sent by
    diplomatic note on 6 October) and held on 15 November 2025, all through the API."""
    with on(IDENTIFIED):
        dialogue = plan(officer_api, ghana_compact, indicators[:2])
    with on(SHARED):
        share(officer_api, dialogue, SHARED)
    return hold(officer_api, dialogue)


@pytest.fixture
def reader(client, auditor_user, auditor_api):
    """The page and the API as an auditor reads them."""
    client.force_login(auditor_user)
    return {"api": auditor_api, "client": client}


def check1(compact, reader, today=None):
    return read_check(1, compact, FY, today=today, **reader)


def keys_of(dialogue):
    return sorted(dialogue.key_indicators.values_list("code", flat=True))


def prepare_data(dialogue, **changes):
    """What the prepare step posts: the dialogue's current preparation, with ``changes``."""
    data = {
        "scheduled_for": dialogue.scheduled_for.isoformat(), "format": dialogue.format,
        "key_indicators": [k.pk for k in dialogue.key_indicators.all()],
        "key_indicators_shared_on": (dialogue.key_indicators_shared_on or "") and
        dialogue.key_indicators_shared_on.isoformat(),
        "key_indicators_shared_via": dialogue.key_indicators_shared_via,
        "key_indicators_shared_note": dialogue.key_indicators_shared_note,
    }
    return data | changes


def hold_data(day):
    return {"held_on": day.isoformat(), **rows("participants", [])}


# 1. Swapping the key indicators of a dialogue held a year earlier ---------------------------

def test_swapping_the_key_indicators_through_the_api_is_refused(officer_api, ghana_compact,
                                                                indicators, held, reader):
    assert check1(ghana_compact, reader).detail == MET
    url = f"{DIALOGUES}{held.pk}/"
    for attempt in ({"key_indicators": [indicators[2].pk]},              # swapped
                    {"key_indicators": [i.pk for i in indicators]},        # one added
                    {"key_indicators": [indicators[0].pk]},                # one dropped
                    {"key_indicators": []},
                    {"key_indicators_shared_on": None, "key_indicators_shared_via": ""},
                    {"key_indicators_shared_via": "email"}):
        response = officer_api.patch(url, attempt, format="json")
        assert response.status_code == 409, attempt
        assert response.json() == {"detail": FROZEN}
    held.refresh_from_db()
    assert keys_of(held) == ["PREV-2", "PROT-1"]
    assert (held.key_indicators_identified_on, held.key_indicators_shared_on) == (IDENTIFIED,
                                                                                   SHARED)
    result = check1(ghana_compact, reader)
    assert (result.status, result.detail) == ("met", MET)


def test_swapping_them_on_the_prepare_page_is_refused_with_the_rule(client, ghana_officer,
                                                                    ghana_compact, indicators,
                                                                    held, reader):
    client.force_login(ghana_officer)
    response = client.post(f"/dialogues/{held.pk}/record/prepare/",
                           prepare_data(held, key_indicators=[indicators[2].pk]))
    assert response.status_code == 400
    assert escape(FROZEN) in response.content.decode()
    held.refresh_from_db()
    assert keys_of(held) == ["PREV-2", "PROT-1"]
    result = read_check(1, ghana_compact, FY, api=reader["api"], client=client)
    assert (result.status, result.detail) == ("met", MET)


def test_the_admin_cannot_swap_them_move_the_day_or_reopen_the_dialogue(
        client, staff_user, ghana_compact, indicators, held, reader):
    client.force_login(staff_user)
    response = admin_change(client, f"/admin/dialogues/dialogue/{held.pk}/change/",
                            key_indicators=[indicators[2].pk], status="planned",
                            held_on="2026-01-10", key_indicators_shared_on="2025-09-01",
                            summary="Corrected in the admin.")
    assert response.status_code == 302, response.context["adminform"].form.errors
    held.refresh_from_db()
    assert held.summary == "Corrected in the admin."  # the rest of the form was saved
    assert keys_of(held) == ["PREV-2", "PROT-1"]
    assert (held.status, held.held_on, held.key_indicators_shared_on) == ("held", HELD, SHARED)
    result = check1(ghana_compact, reader)
    assert (result.status, result.detail) == ("met", MET)


# 2. Typed identification days and server times ----------------------------------------------

def test_typed_identification_days_and_server_times_are_ignored(officer_api, ghana_compact,
                                                                indicators, reader):
    with on(dt.date(2025, 11, 14)):  # the day before the dialogue, typed as six weeks earlier
        response = officer_api.post(DIALOGUES, {
            "compact": ghana_compact.pk, "fiscal_year": FY, "scheduled_for": "2025-11-15",
            "key_indicators": [indicators[0].pk],
            "key_indicators_identified_on": "2025-10-01",
            "key_indicators_recorded_at": "2025-10-01T12:00:00Z"}, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["key_indicators_identified_on"] == "2025-11-14"
        assert body["key_indicators_recorded_at"].startswith("2025-11-14")
        dialogue = Dialogue.objects.get(pk=body["id"])
        patched = officer_api.patch(f"{DIALOGUES}{dialogue.pk}/", {
            "key_indicators_identified_on": "2025-09-01",
            "key_indicators_shared_recorded_at": "2025-09-02T12:00:00Z"}, format="json")
        assert patched.status_code == 200
        assert patched.json()["key_indicators_identified_on"] == "2025-11-14"
        assert patched.json()["key_indicators_shared_recorded_at"] is None
    with on(dt.date(2025, 11, 15)):
        share(officer_api, dialogue, dt.date(2025, 11, 14))
    hold(officer_api, dialogue)
    result = check1(ghana_compact, reader)
    assert result.status == "not_met"
    assert result.detail == ("Their sharing was recorded on 2025-11-15, not before the dialogue "
                             "of 2025-11-15.")


# 3. Typed sharing dates, preparation keyed in after the dialogue's day ---------------------

LATE_DAY = dt.date(2026, 3, 2)  # a FY2026 dialogue's day that passed without it being held


def test_a_sharing_date_typed_after_the_day_reads_not_met_through_the_api(
        officer_api, ghana_compact, indicators, reader):
    with on(dt.date(2026, 1, 15)):
        dialogue = plan(officer_api, ghana_compact, indicators[:1], scheduled=LATE_DAY)
    # Today, long after 2 March: the sharing is typed as of 1 February.
    share(officer_api, dialogue, dt.date(2026, 2, 1))
    today = dt.date.today()
    # Left planned past its day: pending until the window closes, never "not applicable".
    pending = check1(ghana_compact, reader)
    assert (pending.status, pending.due_on) == ("pending", dt.date(2027, 1, 28))
    assert pending.detail == (f"Their sharing was recorded on {today}, not before the "
                              f"dialogue of 2026-03-02. Due by 2027-01-28.")
    closed = check1(ghana_compact, reader, today=dt.date(2027, 1, 29))
    assert (closed.status, closed.due_on) == ("not_met", None)
    # Held on its day, typed: the sharing was recorded after it.
    hold(officer_api, dialogue, LATE_DAY)
    result = check1(ghana_compact, reader)
    assert result.status == "not_met"
    assert result.detail == (f"Their sharing was recorded on {today}, not before the dialogue "
                             f"of 2026-03-02.")


def test_key_indicators_picked_and_shared_on_the_prepare_page_after_the_day_do_not_count(
        client, ghana_officer, officer_api, ghana_compact, indicators, reader):
    with on(dt.date(2026, 1, 15)):
        dialogue = plan(officer_api, ghana_compact, [], scheduled=LATE_DAY)
    client.force_login(ghana_officer)
    url = f"/dialogues/{dialogue.pk}/record/prepare/"
    picked = {"key_indicators": [i.pk for i in indicators[:2]],
              "key_indicators_shared_via": "email"}
    # The page records the selection today: a sharing typed a month before the dialogue
    # would precede it, and is refused.
    typed = client.post(url, prepare_data(dialogue, key_indicators_shared_on="2026-02-01",
                                          **picked))
    assert typed.status_code == 400
    assert typed.context["form"].errors["key_indicators_shared_on"]
    today = dt.date.today()
    saved = client.post(url, prepare_data(dialogue, key_indicators_shared_on=today.isoformat(),
                                          **picked))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    # Nor can the dialogue be held, typed, on its day before that selection...
    early = client.post(f"/dialogues/{dialogue.pk}/record/hold/", hold_data(LATE_DAY))
    assert early.status_code == 400 and early.context["form"].errors["held_on"]
    # ...so it is held today at the earliest, and the selection is not before it.
    assert client.post(f"/dialogues/{dialogue.pk}/record/hold/",
                       hold_data(today)).status_code == 302
    result = read_check(1, ghana_compact, FY, api=reader["api"], client=client)
    assert result.status == "not_met"
    assert result.detail == (
        f"The key indicators were recorded on {today}, not before the dialogue of {today}; "
        f"key indicators were shared with the partner government on {today}, not before the "
        f"dialogue of {today}; their sharing was recorded on {today}, not before the "
        f"dialogue of {today}.")


# 4. Moving the day a dialogue was held -------------------------------------------------------

SLIPPED = dt.date(2025, 11, 20)


@pytest.fixture
def prepared_late(officer_api, ghana_compact, indicators):
    """Scheduled for 10 November 2025; its key indicators were picked and shared on the 20th,
    the day it was held."""
    with on(dt.date(2025, 10, 1)):
        dialogue = plan(officer_api, ghana_compact, [], scheduled=dt.date(2025, 11, 10))
    with on(SLIPPED):
        response = officer_api.patch(f"{DIALOGUES}{dialogue.pk}/", {
            "key_indicators": [indicators[0].pk], "key_indicators_shared_on": "2025-11-20",
            "key_indicators_shared_via": "email"}, format="json")
        assert response.status_code == 200, response.content
    return hold(officer_api, dialogue, SLIPPED)


LATE_DETAIL = ("The key indicators were recorded on 2025-11-20, not before the dialogue of "
               "2025-11-20; key indicators were shared with the partner government on "
               "2025-11-20, not before the dialogue of 2025-11-20; their sharing was recorded "
               "on 2025-11-20, not before the dialogue of 2025-11-20.")
LATER = ERR_HELD_ON_LATER.format(day=SLIPPED)


def test_moving_the_held_day_later_is_refused_through_the_api(officer_api, staff_api,
                                                              ghana_compact, prepared_late,
                                                              reader):
    assert check1(ghana_compact, reader).detail == LATE_DETAIL
    for api in (officer_api, staff_api):
        response = api.patch(f"{DIALOGUES}{prepared_late.pk}/", {"held_on": "2025-11-25"},
                             format="json")
        assert response.status_code == 409
        assert response.json() == {"detail": LATER}
    prepared_late.refresh_from_db()
    assert prepared_late.held_on == SLIPPED
    assert check1(ghana_compact, reader).detail == LATE_DETAIL


def test_moving_the_held_day_later_is_refused_on_the_hold_page(client, ghana_officer,
                                                               ghana_compact, prepared_late,
                                                               reader):
    client.force_login(ghana_officer)
    response = client.post(f"/dialogues/{prepared_late.pk}/record/hold/",
                           hold_data(dt.date(2025, 11, 25)))
    assert response.status_code == 400
    assert response.context["form"].errors["held_on"] == [LATER]
    prepared_late.refresh_from_db()
    assert prepared_late.held_on == SLIPPED
    result = read_check(1, ghana_compact, FY, api=reader["api"], client=client)
    assert (result.status, result.detail) == ("not_met", LATE_DETAIL)


def test_an_earlier_day_is_a_correction_and_stays_allowed(officer_api, ghana_compact, held,
                                                         reader):
    # Held the day before it was planned: both days corrected in one request.
    response = officer_api.patch(f"{DIALOGUES}{held.pk}/", {
        "scheduled_for": "2025-11-14", "held_on": "2025-11-14"}, format="json")
    assert response.status_code == 200, response.content
    result = check1(ghana_compact, reader)
    assert result.status == "met" and result.detail.endswith("the dialogue of 2025-11-14.")


# 5. Re-opening a held dialogue ---------------------------------------------------------------

def test_a_held_dialogue_cannot_be_reopened_to_prepare_it_again(officer_api, staff_api,
                                                                ghana_compact, indicators,
                                                                held, reader):
    for api in (officer_api, staff_api):
        response = api.patch(f"{DIALOGUES}{held.pk}/", {"status": "planned"}, format="json")
        assert response.status_code == 409
        assert response.json() == {"detail": ERR_MOVE.format(current="held", new="planned")}
        # Nor in the same request as a new selection.
        response = api.patch(f"{DIALOGUES}{held.pk}/", {
            "status": "planned", "key_indicators": [indicators[2].pk]}, format="json")
        assert response.status_code == 409
    held.refresh_from_db()
    assert (held.status, keys_of(held)) == ("held", ["PREV-2", "PROT-1"])
    assert check1(ghana_compact, reader).detail == MET


def test_a_dialogue_cannot_be_created_already_held(officer_api, ghana_compact, indicators,
                                                   reader):
    with on(dt.date(2025, 11, 14)):
        response = officer_api.post(DIALOGUES, {
            "compact": ghana_compact.pk, "fiscal_year": FY, "scheduled_for": "2025-11-15",
            "status": "held", "held_on": "2025-11-15",
            "key_indicators": [indicators[0].pk]}, format="json")
    assert response.status_code == 409
    assert not Dialogue.objects.exists()
    assert check1(ghana_compact, reader).detail == (
        "No annual dialogue is recorded for FY2026 yet. Due by 2027-01-28.")


# 6. Other roles -------------------------------------------------------------------------------

def test_another_countrys_officer_gets_404_and_an_auditor_403(api_for, client, auditor_api,
                                                              auditor_user, peru, ghana_compact,
                                                              indicators, held, reader):
    stranger = UserFactory(username="officer.pe")
    compact_services.user_assign_role(user=stranger, role=EMBASSY_OFFICER, countries=[peru])
    swap = {"key_indicators": [indicators[2].pk]}
    assert api_for(stranger).patch(f"{DIALOGUES}{held.pk}/", swap,
                                   format="json").status_code == 404
    assert api_for(stranger).patch(f"{DIALOGUES}{held.pk}/", {"held_on": "2025-11-25"},
                                   format="json").status_code == 404
    assert auditor_api.patch(f"{DIALOGUES}{held.pk}/", swap, format="json").status_code == 403
    for user, status in ((stranger, 404), (auditor_user, 403)):
        client.force_login(user)
        for step, data in (("prepare", prepare_data(held, key_indicators=[indicators[2].pk])),
                           ("hold", hold_data(dt.date(2025, 11, 25)))):
            assert client.post(f"/dialogues/{held.pk}/record/{step}/", data).status_code == (
                status)
    held.refresh_from_db()
    assert keys_of(held) == ["PREV-2", "PROT-1"] and held.held_on == HELD
    client.force_login(auditor_user)
    assert check1(ghana_compact, reader).detail == MET
