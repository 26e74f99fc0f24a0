"""Check 6 cannot be typed into being (issue 23). Each attempt goes through the API
(``/api/v1/dialogues/``, ``/api/v1/sustainability-plans/``), the pages (the dialogue's
outcomes step, the sustainability plan page) and the admin where it applies, and the check is
read back through ``compact_compliance``, ``/api/v1/compacts/<id>/compliance/`` and the
compact page (its words and detail). The attempts:

1. Sustainability notes of "." (API, outcomes page): recorded, "say too little".
2. Notes of substance keyed in 13 months after the dialogue (API, outcomes page), or before
   it was held: stamped by the server, not counted; the admin shows them read-only.
3. A plan with no measures, and deleting a plan's measures after the check read met: "not
   current".
4. A backdated request, "in 2023" (API: 400 on ``requested_on``; the page and the admin take
   no typed day): the server dates it today, after the dialogue.
5. The issue's whole attempt: notes ".", a plan with no measures, requested "in 2023" and
   due in 2099: not met, each piece named; the due date stays as given with the request
   (read-only in the API and the admin).
6. Marking an overdue plan received with a typed date: a day still to come is refused (API,
   page), the admin shows the status and its dates read-only; a day before the request is
   refused too.
7. Moving the held dialogue's day later so that a late request looks timely: refused;
   requesting again or deleting the plan for a fresh request: 409 / 405 / protected.
8. A FY2026 dialogue left planned after its year ended reads pending (due the day its window
   closes) and then not met, never "not applicable"; a year whose window closed without the
   dialogue being held reads not met; "not applicable" only for a year the compact was not
   active.
9. Embassy officers (their own country or another) and auditors: the plan's moves are TIP
   staff's (403); another country's dialogue is 404 to an officer, any dialogue 403 to an
   auditor.
"""

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.html import escape

from compacts import services as compact_services
from contributions.models import SustainabilityPlan
from contributions.serializers import ERR_REQUEST_DATED_BY_SERVER
from contributions.services import ERR_RECEIVED_IN_FUTURE
from cpc.access.roles import EMBASSY_OFFICER
from cpc.models import recorded_as_of
from dialogues.models import Dialogue
from dialogues.services import ERR_HELD_ON_LATER
from tests.compacts.factories import UserFactory
from tests.dialogues.factories import DialogueFactory, noon
from tests.dialogues.test_pages import outcomes_payload
from tests.oversight.integrity import admin_change, read_check

pytestmark = pytest.mark.django_db

FY = 2026  # open: its dialogue window closes on 2027-01-28
HELD = dt.date(2025, 11, 15)
REQUESTED = dt.date(2025, 10, 1)
DUE = dt.date(2027, 3, 31)
NOTES = "The ministry will keep the shelter budget line after the compact ends."
MET = ("Sustainability was discussed at the dialogue of 2025-11-15, with notes; the plan was "
       "requested on 2025-10-01 and is due on 2027-03-31.")
PLANS = "/api/v1/sustainability-plans/"
MEASURE = {"description": "Keep the shelter budget line", "category": "budget_line",
           "responsible_institution": "Ministry of Gender", "status": "planned"}


def on(day: dt.date):
    return recorded_as_of(noon(day))


@pytest.fixture
def reader(client, auditor_user, auditor_api):
    client.force_login(auditor_user)
    return {"api": auditor_api, "client": client}


def check6(compact, reader, fiscal_year=FY, number=6, today=None):
    return read_check(number, compact, fiscal_year, today=today, **reader)


@pytest.fixture
def dialogue(ghana_compact):
    """The FY2026 dialogue, held on 15 November 2025; nothing recorded about sustainability."""
    return DialogueFactory(compact=ghana_compact, fiscal_year=FY, status="held",
                           scheduled_for=HELD, held_on=HELD, sustainability_recorded_at=None)


def create_plan(api, compact, measures=(MEASURE,)):
    response = api.post(PLANS, {"compact": compact.pk, "measures": list(measures)},
                        format="json")
    assert response.status_code == 201, response.content
    return SustainabilityPlan.objects.get(pk=response.json()["id"])


def request_plan(api, plan, due=DUE, **extra):
    return api.post(f"{PLANS}{plan.pk}/request/", {"due_on": due.isoformat(), **extra})


@pytest.fixture
def plan(staff_api, ghana_compact):
    """Created with one measure and requested on 1 October 2025, due 31 March 2027."""
    with on(REQUESTED):
        plan = create_plan(staff_api, ghana_compact)
        assert request_plan(staff_api, plan).status_code == 200
    plan.refresh_from_db()
    return plan


def note(api, dialogue, notes=NOTES):
    response = api.patch(f"/api/v1/dialogues/{dialogue.pk}/", {
        "sustainability_discussed": True, "sustainability_notes": notes}, format="json")
    assert response.status_code == 200, response.content
    return response


def outcomes(client, dialogue, notes):
    return client.post(f"/dialogues/{dialogue.pk}/record/outcomes/",
                       outcomes_payload(sustainability_notes=notes))


def plan_page(compact, move=""):
    return f"/contributions/compacts/{compact.pk}/sustainability-plan/{move}"


# 1. Notes of "." ------------------------------------------------------------------------------

TOO_LITTLE = "The notes of its sustainability discussion say too little (under 20 characters)."


def test_notes_of_a_dot_do_not_meet_check_6(officer_api, client, ghana_officer, ghana_compact,
                                            dialogue, plan, reader):
    with on(HELD):
        note(officer_api, dialogue, ".")
    assert check6(ghana_compact, reader).detail == TOO_LITTLE
    client.force_login(ghana_officer)
    with on(HELD):
        assert outcomes(client, dialogue, "  .  ").status_code == 302
    result = read_check(6, ghana_compact, FY, api=reader["api"], client=client)
    assert (result.status, result.detail) == ("not_met", TOO_LITTLE)


# 2. Notes keyed in 13 months after, or before the dialogue --------------------------------------

def test_notes_keyed_in_13_months_later_do_not_count(officer_api, client, ghana_officer,
                                                     staff_user, ghana_compact, dialogue, plan,
                                                     reader):
    today = dt.date.today()
    late = (f"Its sustainability discussion was recorded on {today}, more than 30 days after "
            f"the dialogue, so it does not count.")
    body = note(officer_api, dialogue).json()
    assert body["sustainability_recorded_at"].startswith(str(today))
    assert check6(ghana_compact, reader).detail == late
    client.force_login(ghana_officer)
    assert outcomes(client, dialogue, NOTES + " Agreed with the ministry.").status_code == 302
    assert read_check(6, ghana_compact, FY, api=reader["api"], client=client).detail == late
    # The admin shows them read-only: typed there, they change nothing.
    client.force_login(staff_user)
    assert admin_change(client, f"/admin/dialogues/dialogue/{dialogue.pk}/change/",
                        sustainability_notes="Edited in the admin, as if on the day.",
                        summary="Summary kept in the admin.").status_code == 302
    dialogue.refresh_from_db()
    assert dialogue.sustainability_notes == NOTES + " Agreed with the ministry."
    assert check6(ghana_compact, reader).detail == late
    # Recorded within 30 days, they count; saving the page again unchanged keeps that time.
    client.force_login(ghana_officer)
    with on(HELD + dt.timedelta(days=30)):
        assert outcomes(client, dialogue, NOTES).status_code == 302
    assert check6(ghana_compact, reader).detail == MET
    assert outcomes(client, dialogue, NOTES + "\r\n").status_code == 302
    assert check6(ghana_compact, reader).detail == MET


def test_notes_recorded_before_the_dialogue_was_held_do_not_count(officer_api, ghana_compact,
                                                                  plan, reader):
    planned = DialogueFactory(compact=ghana_compact, fiscal_year=FY, scheduled_for=HELD)
    with on(dt.date(2025, 11, 1)):  # prefilled two weeks before the meeting
        note(officer_api, planned)
    assert officer_api.post(f"/api/v1/dialogues/{planned.pk}/hold/",
                            {"held_on": HELD.isoformat()}).status_code == 200
    result = check6(ghana_compact, reader)
    assert (result.status, result.detail) == (
        "not_met", "Its sustainability discussion was recorded on 2025-11-01, before the "
                   "dialogue was held, so it does not count.")


# 3. A plan with no measures -----------------------------------------------------------------------

NOT_CURRENT = "The sustainability plan records no measures, so it is not current."


def test_a_plan_with_no_measures_is_not_current_and_deleting_them_undoes_the_check(
        staff_api, officer_api, client, staff_user, ghana_compact, dialogue, reader):
    with on(HELD):
        note(officer_api, dialogue)
    with on(REQUESTED):
        plan = create_plan(staff_api, ghana_compact, measures=())
        assert request_plan(staff_api, plan).status_code == 200
    assert check6(ghana_compact, reader).detail == NOT_CURRENT
    client.force_login(staff_user)
    assert client.post(plan_page(ghana_compact, "measures/"), MEASURE).status_code == 302
    assert check6(ghana_compact, reader).detail == MET
    # Its measures deleted once the check read met: not current any more.
    response = staff_api.patch(f"{PLANS}{plan.pk}/", {"measures": []}, format="json")
    assert response.status_code == 200 and response.json()["measures"] == []
    result = check6(ghana_compact, reader)
    assert (result.status, result.detail) == ("not_met", NOT_CURRENT)


# 4. A backdated request ---------------------------------------------------------------------------

def test_a_request_typed_as_of_2023_is_refused_and_the_servers_day_counts(
        staff_api, officer_api, client, staff_user, ghana_compact, dialogue, reader):
    with on(HELD):
        note(officer_api, dialogue)
    plan = create_plan(staff_api, ghana_compact)
    typed = request_plan(staff_api, plan, requested_on="2023-06-01")
    assert typed.status_code == 400
    assert typed.json() == {"requested_on": [ERR_REQUEST_DATED_BY_SERVER]}
    # The admin shows the request's day read-only...
    client.force_login(staff_user)
    assert admin_change(client, f"/admin/contributions/sustainabilityplan/{plan.pk}/change/",
                        status="requested", requested_on="2023-06-01",
                        due_on="2027-03-31").status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.requested_on, plan.requested_at) == ("not_requested", None, None)
    # ...and the page takes none: the request is dated the day it is made.
    response = client.post(plan_page(ghana_compact, "request/"),
                           {"requested_on": "2023-06-01", "due_on": "2027-03-31"})
    assert response.status_code == 302
    plan.refresh_from_db()
    # The server's day in its own time zone (a UTC date is tomorrow's in the evening).
    today = timezone.localdate()
    assert (plan.requested_on, timezone.localdate(plan.requested_at)) == (today, today)
    assert request_plan(staff_api, plan).status_code == 409  # requested once
    result = check6(ghana_compact, reader)
    assert (result.status, result.detail) == (
        "not_met", f"The sustainability plan was requested on {today}, after the dialogue of "
                   f"2025-11-15.")


# 5. The issue's whole attempt: ".", no measures, requested "in 2023", due 2099 -----------

def test_the_issues_plan_due_in_2099_does_not_meet_check_6(staff_api, officer_api, client,
                                                           ghana_officer, staff_user,
                                                           ghana_compact, dialogue, reader):
    client.force_login(ghana_officer)
    assert outcomes(client, dialogue, ".").status_code == 302
    plan = create_plan(staff_api, ghana_compact, measures=())
    assert request_plan(staff_api, plan, due=dt.date(2099, 1, 1),
                        requested_on="2023-06-01").status_code == 400
    client.force_login(staff_user)
    assert client.post(plan_page(ghana_compact, "request/"),
                       {"requested_on": "2023-06-01", "due_on": "2099-01-01"}).status_code == 302
    today = dt.date.today()
    expected = (f"The notes of its sustainability discussion say too little (under 20 "
                f"characters); the sustainability plan was requested on {today}, after the "
                f"dialogue of 2025-11-15.")
    result = read_check(6, ghana_compact, FY, api=reader["api"], client=client)
    assert (result.status, result.detail) == ("not_met", expected)
    # The due date was given with the request and stays as given: read-only in the API...
    response = staff_api.patch(f"{PLANS}{plan.pk}/", {"due_on": "2025-11-01"}, format="json")
    assert response.status_code == 200 and response.json()["due_on"] == "2099-01-01"
    # ...and in the admin, so it cannot be moved either way afterwards.
    assert admin_change(client, f"/admin/contributions/sustainabilityplan/{plan.pk}/change/",
                        due_on="2100-01-01").status_code == 302
    plan.refresh_from_db()
    assert plan.due_on == dt.date(2099, 1, 1)
    assert check6(ghana_compact, reader).detail == expected


# 6. Marking an overdue plan received with a typed date --------------------------------------------

def test_an_overdue_plan_cannot_be_marked_received_on_a_day_to_come(
        staff_api, officer_api, client, staff_user, ghana_compact, dialogue, reader):
    with on(HELD):
        note(officer_api, dialogue)
    with on(REQUESTED):
        plan = create_plan(staff_api, ghana_compact)
        assert request_plan(staff_api, plan, due=dt.date(2026, 6, 30)).status_code == 200
    overdue = "The sustainability plan was due on 2026-06-30 and has not been received."
    assert check6(ghana_compact, reader).detail == overdue
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    response = staff_api.post(f"{PLANS}{plan.pk}/receive/", {"received_on": tomorrow})
    assert response.status_code == 400
    assert response.json() == {"received_on": [str(ERR_RECEIVED_IN_FUTURE)]}
    before_request = staff_api.post(f"{PLANS}{plan.pk}/receive/", {"received_on": "2025-09-01"})
    assert before_request.status_code == 400 and "received_on" in before_request.json()
    client.force_login(staff_user)
    page = client.post(plan_page(ghana_compact, "receive/"), {"received_on": tomorrow})
    assert page.status_code == 400
    assert page.context["receive_form"].errors["received_on"] == [str(ERR_RECEIVED_IN_FUTURE)]
    assert admin_change(client, f"/admin/contributions/sustainabilityplan/{plan.pk}/change/",
                        status="received", received_on="2026-06-01",
                        due_on="2027-03-31").status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.received_on, plan.due_on) == ("requested", None,
                                                            dt.date(2026, 6, 30))
    result = check6(ghana_compact, reader)
    assert (result.status, result.detail) == ("not_met", overdue)


# 7. Moving the dialogue, requesting again, deleting the plan -------------------------------------

def test_a_late_request_cannot_be_made_timely(staff_api, officer_api, client, staff_user,
                                              ghana_compact, dialogue, reader):
    with on(HELD):
        note(officer_api, dialogue)
    with on(dt.date(2025, 11, 20)):
        plan = create_plan(staff_api, ghana_compact)
        assert request_plan(staff_api, plan).status_code == 200
    late = ("The sustainability plan was requested on 2025-11-20, after the dialogue of "
            "2025-11-15.")
    assert check6(ghana_compact, reader).detail == late
    moved = officer_api.patch(f"/api/v1/dialogues/{dialogue.pk}/", {"held_on": "2025-11-21"},
                              format="json")
    assert moved.status_code == 409
    assert moved.json() == {"detail": ERR_HELD_ON_LATER.format(day=HELD)}
    assert request_plan(staff_api, plan).status_code == 409
    assert staff_api.delete(f"{PLANS}{plan.pk}/").status_code == 405
    client.force_login(staff_user)
    deleted = client.post(f"/admin/contributions/sustainabilityplan/{plan.pk}/delete/",
                          {"post": "yes"})
    assert deleted.status_code == 403  # the admin deletes no oversight record
    assert SustainabilityPlan.objects.filter(pk=plan.pk).exists()
    result = check6(ghana_compact, reader)
    assert (result.status, result.detail) == ("not_met", late)


# 8. A dialogue left planned after its year ended --------------------------------------------------

def test_a_dialogue_left_planned_after_its_year_reads_pending_then_not_met(ghana_compact,
                                                                          reader):
    DialogueFactory(compact=ghana_compact, fiscal_year=FY, scheduled_for=dt.date(2026, 3, 2))
    DialogueFactory(compact=ghana_compact, fiscal_year=2025, scheduled_for=dt.date(2025, 3, 3))
    for number in (1, 2, 6):
        # FY2026 ended on 30 September 2026; its dialogue may still be held until 28 January.
        result = check6(ghana_compact, reader, number=number)
        assert (result.status, result.due_on) == ("pending", dt.date(2027, 1, 28)), number
        closed = check6(ghana_compact, reader, number=number, today=dt.date(2027, 1, 29))
        assert closed.status == "not_met", number
        # FY2025's window closed on 28 January 2026 without it being held.
        fy2025 = check6(ghana_compact, reader, fiscal_year=2025, number=number)
        assert fy2025.status == "not_met", number
    for number in (2, 6):
        assert check6(ghana_compact, reader, number=number, today=dt.date(2027, 1, 29)).detail == (
            "The dialogue planned for 2026-03-02 was not held; the FY2026 dialogue window "
            "closed on 2027-01-28.")
        assert check6(ghana_compact, reader, fiscal_year=2025, number=number).detail == (
            "The dialogue planned for 2025-03-03 was not held; the FY2025 dialogue window "
            "closed on 2026-01-28.")
    # Not applicable only where the compact was not active (it began in April 2022; the
    # compact page offers only the years of its term, so the API is asked).
    absent = reader["api"].get(f"/api/v1/compacts/{ghana_compact.pk}/compliance/",
                               {"fiscal_year": 2021}).json()["checks"]
    assert {(c["status"], c["detail"]) for c in absent} == {
        ("not_applicable", "The compact was not active in fiscal year 2021.")}


def test_an_overdue_plan_fails_check_6_even_while_the_dialogue_is_planned(staff_api,
                                                                          ghana_compact,
                                                                          reader):
    DialogueFactory(compact=ghana_compact, fiscal_year=FY, scheduled_for=dt.date(2026, 3, 2))
    with on(REQUESTED):
        plan = create_plan(staff_api, ghana_compact)
        assert request_plan(staff_api, plan, due=dt.date(2026, 6, 30)).status_code == 200
    result = check6(ghana_compact, reader)
    assert (result.status, result.detail) == (
        "not_met", "The sustainability plan was due on 2026-06-30 and has not been received.")


# 9. Other roles -----------------------------------------------------------------------------------

def test_officers_and_auditors_cannot_move_the_plan_or_write_another_countrys_record(
        api_for, officer_api, auditor_api, client, ghana_officer, auditor_user, peru,
        ghana_compact, dialogue, reader):
    stranger = UserFactory(username="officer.pe")
    compact_services.user_assign_role(user=stranger, role=EMBASSY_OFFICER, countries=[peru])
    plan = SustainabilityPlan.objects.create(compact=ghana_compact)
    for api in (officer_api, api_for(stranger), auditor_api):
        assert request_plan(api, plan).status_code == 403
        assert api.post(f"{PLANS}{plan.pk}/receive/", {}).status_code == 403
    assert api_for(stranger).patch(f"/api/v1/dialogues/{dialogue.pk}/", {
        "sustainability_discussed": True, "sustainability_notes": NOTES},
        format="json").status_code == 404
    assert auditor_api.patch(f"/api/v1/dialogues/{dialogue.pk}/", {
        "sustainability_notes": NOTES}, format="json").status_code == 403
    for user, page_status, outcomes_status in ((ghana_officer, 403, None),
                                               (stranger, 404, 404),
                                               (auditor_user, 403, 403)):
        client.force_login(user)
        assert client.post(plan_page(ghana_compact, "request/"),
                           {"due_on": "2027-03-31"}).status_code == page_status
        if outcomes_status:
            assert outcomes(client, dialogue, NOTES).status_code == outcomes_status
    plan.refresh_from_db()
    dialogue.refresh_from_db()
    assert plan.status == "not_requested" and dialogue.sustainability_notes == ""
    client.force_login(auditor_user)
    assert check6(ghana_compact, reader).detail == (
        "Sustainability was not discussed at the dialogue; the sustainability plan was never "
        "requested.")
    assert escape(MET) not in client.get(f"/compacts/{ghana_compact.pk}/",
                                         {"fiscal_year": FY}).content.decode()
    assert not Dialogue.objects.exclude(sustainability_notes="").exists()
