"""Check 3 cannot be typed into being (issue 23). Each attempt goes through the API
(``/api/v1/targets/``, ``/api/v1/indicators/``, ``/api/v1/target-proposals/``), the pages (the
data-entry grid ``/indicators/compact/<id>/data-entry/``, the target proposals' decisions) and
the admin, and the check is read back through ``compact_compliance``,
``/api/v1/compacts/<id>/compliance/`` and the compact page (its words and detail). The
attempts:

1. Targets of 1 against a baseline of 20, typed 14 months after FY2025 ended: refused while
   the year is locked (API, grid, admin: 409 / the lock beside the cell or form); once TIP
   staff unlock it with a reason, recorded but shown as "set after the year", not counted.
2. Dropping 6 of 7 indicators (3 of them key indicators of the year's dialogue) in the middle
   of FY2027 and setting one target: the key ones are refused (409), the others need a reason
   (400 without, kept in the history with it); the check names the key indicators left
   without a target (pending until the year ends, then not met). The admin shows the tracked
   years read-only and deletes no indicator (403); the rule a deletion would meet refuses a
   key indicator or one tracked in a locked year.
3. Editing a timely target's value after its year ended (API, grid, admin): the target is
   recorded anew, "set after the year".
4. Deleting a timely target and recording it again for a fresh time: the API (405) and the
   admin (403) delete nothing; removed from the database all the same, the new one is late.
5. Moving a timely target to an indicator without one in the admin (which would carry its
   time over): refused on the field.
6. A target proposed at the dialogue in time but accepted by TIP staff after the year ended
   (API and page): recorded when accepted, so it does not count; while it waits, the check
   names it.
7. Embassy officers (their own country or another) and auditors: 403 on targets and
   tracking; an officer's grid has no target input and a target posted anyway is not read.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils.html import escape

from compacts import services as compact_services
from cpc.access.roles import EMBASSY_OFFICER
from cpc.models import recorded_as_of
from dialogues import proposals
from indicators.models import ERR_TARGET_STAYS, Indicator, Target
from indicators.services import (
    ERR_DELETE_KEY_INDICATOR,
    ERR_TRACKING_KEY_INDICATOR,
    ERR_TRACKING_REASON_REQUIRED,
    indicator_delete_refusal,
)
from tests.compacts.factories import UserFactory
from tests.dialogues.factories import DialogueFactory, noon
from tests.indicators.factories import IndicatorFactory, TargetFactory
from tests.oversight.integrity import admin_change, read_check

pytestmark = pytest.mark.django_db

LOCK = "FY2025 of Ghana Child Protection Compact Partnership is locked"


def on(day: dt.date):
    return recorded_as_of(noon(day))


@pytest.fixture
def reader(client, auditor_user, auditor_api):
    client.force_login(auditor_user)
    return {"api": auditor_api, "client": client}


def check3(compact, fiscal_year, reader, today=None):
    return read_check(3, compact, fiscal_year, today=today, **reader)


def grid_url(compact):
    return f"/indicators/compact/{compact.pk}/data-entry/"


def cell(indicator, year, name="target"):
    return f"c{indicator.pk}-{year}-{name}"


def indicators(compact, *codes, **fields):
    return [IndicatorFactory(compact=compact, code=code, **fields) for code in codes]


# 1. Targets of 1 against a baseline of 20, typed 14 months after the year ------------------

def test_targets_typed_14_months_after_the_year_are_refused_then_do_not_count(
        staff_api, client, staff_user, ghana_compact, reader):
    by_api, by_page, by_admin = indicators(ghana_compact, "PROT-1", "PREV-2", "PROS-3",
                                           baseline_value=Decimal("20"), baseline_year=2022)
    admin_add = "/admin/indicators/target/add/"
    payload = {"fiscal_year": 2025, "value": "1", "set_at_dialogue": ""}

    def attempt():
        api = staff_api.post("/api/v1/targets/", {"indicator": by_api.pk, "fiscal_year": 2025,
                                                  "value": "1"}, format="json")
        client.force_login(staff_user)
        page = client.post(grid_url(ghana_compact), {cell(by_page, 2025): "1"})
        admin = client.post(admin_add, {"indicator": by_admin.pk, **payload})
        return api, page, admin

    # December 2026: FY2025's dialogue window closed on 28 January 2026, so it is locked.
    api, page, admin = attempt()
    assert api.status_code == 409 and LOCK in api.json()["detail"]
    assert page.status_code == 409 and escape(LOCK) in page.content.decode()
    assert admin.status_code == 200 and escape(LOCK) in admin.content.decode()
    assert not Target.objects.exists()

    # TIP staff unlock it, saying why: the targets go in, stamped today.
    unlock = staff_api.post(f"/api/v1/compacts/{ghana_compact.pk}/fiscal-years/2025/unlock/",
                            {"reason": "Targets of FY2025 were never entered."})
    assert unlock.status_code == 200
    api, page, admin = attempt()
    assert api.status_code == 201 and api.json()["recorded_at"].startswith(
        str(dt.date.today()))
    assert (page.status_code, admin.status_code) == (302, 302)
    assert Target.objects.filter(fiscal_year=2025, value=1).count() == 3
    result = check3(ghana_compact, 2025, reader)
    assert result.status == "not_met"
    assert result.detail == ("A FY2025 target set after the year ended (2025-09-30), which "
                             "does not count, for: PREV-2, PROS-3, PROT-1. 0 of 3 performance "
                             "indicators have a target that counts.")


# 2. Dropping 6 of 7 indicators in the middle of the year -----------------------------------

@pytest.fixture
def seven(ghana_compact):
    """Seven indicators tracked from FY2022; the FY2027 dialogue (planned for February 2027)
    has KEY-1..3 as its key indicators."""
    keys = indicators(ghana_compact, "KEY-1", "KEY-2", "KEY-3")
    others = indicators(ghana_compact, "OTH-1", "OTH-2", "OTH-3", "OTH-4", is_key=False)
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2027,
                               scheduled_for=dt.date(2027, 2, 15))
    dialogue.key_indicators.set(keys)
    return keys, others


def test_dropping_six_of_seven_indicators_mid_year_and_setting_one_target(
        staff_api, client, staff_user, ghana_compact, seven, reader):
    keys, others = seven
    # FY2027 began on 1 October 2026: stopping the tracking after FY2026 drops a year under
    # way.
    drop = {"last_fiscal_year": 2026}
    for key in keys:
        response = staff_api.patch(f"/api/v1/indicators/{key.pk}/",
                                   drop | {"change_reason": "Streamlining."}, format="json")
        assert response.status_code == 409
        assert response.json() == {"detail": ERR_TRACKING_KEY_INDICATOR.format(
            code=key.code, years="FY2027")}
    for other in others[:3]:
        response = staff_api.patch(f"/api/v1/indicators/{other.pk}/", drop, format="json")
        assert response.status_code == 400
        assert response.json() == {"last_fiscal_year": [
            ERR_TRACKING_REASON_REQUIRED.format(years="FY2027")]}
        response = staff_api.patch(f"/api/v1/indicators/{other.pk}/",
                                   drop | {"change_reason": "Dropped at the mid-term review."},
                                   format="json")
        assert response.status_code == 200, response.content
        assert other.history.first().history_change_reason == "Dropped at the mid-term review."
    assert sorted(Indicator.objects.filter(last_fiscal_year=None)
                  .values_list("code", flat=True)) == ["KEY-1", "KEY-2", "KEY-3", "OTH-4"]
    # One target set, on the grid.
    client.force_login(staff_user)
    assert client.post(grid_url(ghana_compact), {cell(others[3], 2027): "40"}).status_code == 302
    named = ("No FY2027 target for: KEY-1, KEY-2, KEY-3. 1 of 4 performance indicators have "
             "a target that counts.")
    pending = check3(ghana_compact, 2027, reader)
    assert (pending.status, pending.due_on) == ("pending", dt.date(2027, 9, 30))
    assert pending.detail == f"{named} Due by 2027-09-30."
    ended = check3(ghana_compact, 2027, reader, today=dt.date(2027, 10, 1))
    assert (ended.status, ended.detail) == ("not_met", named)


def test_the_admin_neither_narrows_the_years_nor_deletes_a_tracked_key_indicator(
        client, staff_user, ghana_compact, seven, reader):
    keys, others = seven
    client.force_login(staff_user)
    response = admin_change(client, f"/admin/indicators/indicator/{keys[0].pk}/change/",
                            last_fiscal_year=2026, name="Renamed in the admin")
    assert response.status_code == 302, response.context["adminform"].form.errors
    keys[0].refresh_from_db()
    assert (keys[0].name, keys[0].last_fiscal_year) == ("Renamed in the admin", None)
    for indicator, why in ((keys[1], ERR_DELETE_KEY_INDICATOR.format(code="KEY-2",
                                                                     years="FY2027")),
                           (others[0], LOCK.replace("2025", "2022"))):
        page = client.post(f"/admin/indicators/indicator/{indicator.pk}/delete/",
                           {"post": "yes"})
        assert page.status_code == 403  # the admin deletes no oversight record
        assert indicator_delete_refusal(indicator=indicator).startswith(why)
        client.post("/admin/indicators/indicator/", {
            "action": "delete_selected", "_selected_action": [indicator.pk], "post": "yes"})
        assert Indicator.objects.filter(pk=indicator.pk).exists()
    result = check3(ghana_compact, 2027, reader)
    assert result.detail.startswith("No FY2027 target for: KEY-1, KEY-2, KEY-3, OTH-1, OTH-2, "
                                    "OTH-3 and 1 more.")


# 3. Editing a timely target after its year ended --------------------------------------------

AFTER_2026 = ("A FY2026 target set after the year ended (2026-09-30), which does not count, "
              "for: {codes}. {counted} of 3 performance indicators have a target that counts.")


@pytest.fixture
def timely(ghana_compact):
    """Three indicators with FY2026 targets recorded on 1 October 2025 (FY2026 ended on 30
    September 2026; its dialogue window, and the year, stay open until 28 January 2027)."""
    found = indicators(ghana_compact, "PROT-1", "PREV-2", "PROS-3")
    return [TargetFactory(indicator=i, fiscal_year=2026, value=Decimal("120")) for i in found]


def test_editing_a_timely_target_after_the_year_makes_it_late(staff_api, client, staff_user,
                                                              ghana_compact, timely, reader):
    assert check3(ghana_compact, 2026, reader).status == "met"
    by_api, by_page, by_admin = timely
    assert staff_api.patch(f"/api/v1/targets/{by_api.pk}/", {"value": "1"},
                           format="json").status_code == 200
    assert check3(ghana_compact, 2026, reader).detail == AFTER_2026.format(codes="PROT-1",
                                                                           counted=2)
    client.force_login(staff_user)
    assert client.post(grid_url(ghana_compact),
                       {cell(by_page.indicator, 2026): "1"}).status_code == 302
    response = admin_change(client, f"/admin/indicators/target/{by_admin.pk}/change/",
                            value="1")
    assert response.status_code == 302, response.context["adminform"].form.errors
    result = check3(ghana_compact, 2026, reader)
    assert (result.status, result.detail) == ("not_met", AFTER_2026.format(
        codes="PREV-2, PROS-3, PROT-1", counted=0))


# 4. Deleting and recording again ----------------------------------------------------------------

def test_a_target_deleted_and_recorded_again_is_late(staff_api, client, staff_user,
                                                     ghana_compact, timely, reader):
    target = timely[0]
    assert staff_api.delete(f"/api/v1/targets/{target.pk}/").status_code == 405
    client.force_login(staff_user)
    # Nor the admin; were it removed from the database all the same, a target recorded
    # again is late.
    deleted = client.post(f"/admin/indicators/target/{target.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    Target.objects.filter(pk=target.pk).delete()
    response = staff_api.post("/api/v1/targets/", {
        "indicator": target.indicator_id, "fiscal_year": 2026, "value": "120"}, format="json")
    assert response.status_code == 201
    result = check3(ghana_compact, 2026, reader)
    assert (result.status, result.detail) == ("not_met", AFTER_2026.format(codes="PROT-1",
                                                                           counted=2))


# 5. Moving a timely target to another indicator ------------------------------------------------

def test_a_timely_target_cannot_be_moved_to_another_indicator(client, staff_user,
                                                              ghana_compact, timely, reader):
    bare = IndicatorFactory(compact=ghana_compact, code="PROT-9")
    client.force_login(staff_user)
    response = admin_change(client, f"/admin/indicators/target/{timely[0].pk}/change/",
                            indicator=bare.pk)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["indicator"] == [ERR_TARGET_STAYS]
    timely[0].refresh_from_db()
    assert timely[0].indicator.code == "PROT-1"
    result = check3(ghana_compact, 2026, reader)
    assert result.detail == ("No FY2026 target for: PROT-9. 3 of 4 performance indicators "
                             "have a target that counts.")


# 6. A proposal accepted after the year ----------------------------------------------------------

def test_a_proposal_accepted_after_the_year_does_not_count(staff_api, client, staff_user,
                                                           ghana_officer, ghana_compact,
                                                           reader):
    by_api, by_page = indicators(ghana_compact, "PROT-1", "PREV-2")
    held = dt.date(2025, 11, 15)
    dialogue = DialogueFactory(compact=ghana_compact, fiscal_year=2026, status="held",
                               scheduled_for=held, held_on=held)
    with on(held):  # agreed at the dialogue, in time
        made = [proposals.target_propose(user=ghana_officer, dialogue=dialogue, indicator=i,
                                         value=Decimal("45")) for i in (by_api, by_page)]
    waiting = check3(ghana_compact, 2026, reader)
    assert waiting.detail == ("No FY2026 target for: PREV-2, PROT-1. 0 of 2 performance "
                              "indicators have a target that counts. Target proposals await "
                              "TIP staff for: PREV-2, PROT-1.")
    # Accepted in December 2026, after FY2026 ended.
    assert staff_api.post(f"/api/v1/target-proposals/{made[0].pk}/accept/").status_code == 200
    client.force_login(staff_user)
    assert client.post(f"/dialogues/target-proposals/{made[1].pk}/accept/").status_code == 302
    assert Target.objects.filter(fiscal_year=2026).count() == 2
    result = check3(ghana_compact, 2026, reader)
    assert (result.status, result.detail) == (
        "not_met", "A FY2026 target set after the year ended (2026-09-30), which does not "
                   "count, for: PREV-2, PROT-1. 0 of 2 performance indicators have a target "
                   "that counts.")


# 7. Other roles -----------------------------------------------------------------------------

def test_officers_and_auditors_cannot_set_targets_or_drop_indicators(
        api_for, officer_api, auditor_api, client, ghana_officer, auditor_user, peru,
        ghana_compact, seven, reader):
    _keys, others = seven
    stranger = UserFactory(username="officer.pe")
    compact_services.user_assign_role(user=stranger, role=EMBASSY_OFFICER, countries=[peru])
    for api in (officer_api, api_for(stranger), auditor_api):
        assert api.post("/api/v1/targets/", {"indicator": others[0].pk, "fiscal_year": 2027,
                                             "value": "1"}, format="json").status_code == 403
        assert api.patch(f"/api/v1/indicators/{others[0].pk}/", {
            "last_fiscal_year": 2026, "change_reason": "x"}, format="json").status_code == 403
    client.force_login(ghana_officer)
    assert client.post(grid_url(ghana_compact), {cell(others[0], 2027): "1"}).status_code in (
        200, 302)
    client.force_login(stranger)
    assert client.post(grid_url(ghana_compact), {cell(others[0], 2027): "1"}).status_code == 404
    client.force_login(auditor_user)
    assert client.post(grid_url(ghana_compact), {cell(others[0], 2027): "1"}).status_code == 403
    assert not Target.objects.exists()
    assert not Indicator.objects.exclude(last_fiscal_year=None).exists()
    assert check3(ghana_compact, 2027, reader).status == "pending"
