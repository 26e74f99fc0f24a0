"""Fiscal-year locks: staff lock and unlock a compact's year (with a reason, kept in the
history), a year locks by itself once its dialogue window closes, and every way of writing a
locked year's figures (API, pages, bulk upload, admin) is refused naming the lock."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from compacts import services as compact_services
from compacts import year_locks
from compacts.models import FiscalYearLock
from contributions.models import Contribution
from cpc.access.roles import IMPLEMENTER
from dialogues.models import DIALOGUE_DAYS_AFTER_FISCAL_YEAR, Discussion
from indicators.models import Result, Target
from tests.compacts.factories import AwardFactory, UserFactory
from tests.contributions.factories import ContributionFactory
from tests.dialogues.factories import DialogueFactory
from tests.indicators.factories import IndicatorFactory, ResultFactory, TargetFactory
from tests.indicators.test_bulk import confirm, download, put, upload

LOCKED_YEAR = 2024  # ghana_compact runs April 2022 - April 2027
OPEN_YEAR = 2027


def lock_url(compact, year, action="lock"):
    return f"/api/v1/compacts/{compact.pk}/fiscal-years/{year}/{action}/"


def states(api, compact):
    response = api.get(f"/api/v1/compacts/{compact.pk}/fiscal-years/")
    assert response.status_code == 200, response.content
    return {row["fiscal_year"]: row for row in response.json()["results"]}


def assert_names_the_lock(message, year=LOCKED_YEAR):
    assert f"FY{year} of " in message and "is locked" in message, message


@pytest.fixture
def world(ghana_compact):
    indicator = IndicatorFactory(compact=ghana_compact, code="A-COUNT", unit="count")
    return {"compact": ghana_compact, "indicator": indicator}


# The rule --------------------------------------------------------------------------------


def test_a_year_locks_by_itself_the_day_after_its_dialogue_window(ghana_compact):
    assert year_locks.AUTO_LOCK_DAYS_AFTER_FISCAL_YEAR == DIALOGUE_DAYS_AFTER_FISCAL_YEAR
    # FY2025 ends 30 September 2025; its dialogue may be held until 28 January 2026.
    assert year_locks.auto_locks_on(2025) == dt.date(2026, 1, 29)
    assert not year_locks.year_locked(ghana_compact, 2025, today=dt.date(2026, 1, 28))
    assert year_locks.year_locked(ghana_compact, 2025, today=dt.date(2026, 1, 29))


def test_staff_decisions_override_the_rule_until_the_next_decision(staff_user, ghana_compact):
    early = dt.date(2025, 10, 15)  # FY2025's window is still open
    year_locks.fiscal_year_lock(user=staff_user, compact=ghana_compact, fiscal_year=2025,
                                today=early)
    assert year_locks.year_locked(ghana_compact, 2025, today=early)
    year_locks.fiscal_year_unlock(user=staff_user, compact=ghana_compact, fiscal_year=2025,
                                  reason="Ministry corrected the 2025 figures.", today=early)
    # Unlocked by staff: open even long after the window closed, until locked again.
    assert not year_locks.year_locked(ghana_compact, 2025, today=dt.date(2030, 1, 1))
    year_locks.fiscal_year_lock(user=staff_user, compact=ghana_compact, fiscal_year=2025,
                                reason="Corrections done.", today=early)
    assert year_locks.year_locked(ghana_compact, 2025, today=early)


def test_locks_and_unlocks_are_in_the_history_with_their_reason(staff_api, ghana_compact):
    assert staff_api.post(lock_url(ghana_compact, OPEN_YEAR),
                          {"reason": "Figures final."}).status_code == 200
    assert staff_api.post(lock_url(ghana_compact, OPEN_YEAR, "unlock"),
                          {"reason": "A late correction."}).status_code == 200
    record = FiscalYearLock.objects.get(compact=ghana_compact, fiscal_year=OPEN_YEAR)
    history = list(record.history.order_by("history_date"))
    assert [(h.state, h.reason, h.history_change_reason, h.history_user.username)
            for h in history] == [("locked", "Figures final.", "Figures final.", "staff"),
                                  ("unlocked", "A late correction.", "A late correction.",
                                   "staff")]


# The API ---------------------------------------------------------------------------------


def test_every_role_that_sees_the_compact_reads_its_years(staff_api, auditor_api, officer_api,
                                                          ghana_compact, peru_compact):
    years = states(auditor_api, ghana_compact)
    assert sorted(years) == [2022, 2023, 2024, 2025, 2026, 2027]
    assert years[LOCKED_YEAR] == {
        "fiscal_year": LOCKED_YEAR, "locked": True, "explicit": False, "reason": "",
        "changed_by": None, "changed_at": None, "auto_locks_on": "2025-01-29"}
    assert years[OPEN_YEAR]["locked"] is False
    assert states(officer_api, ghana_compact)[LOCKED_YEAR]["locked"] is True
    # Another country's compact is not there for the Ghana officer.
    assert officer_api.get(
        f"/api/v1/compacts/{peru_compact.pk}/fiscal-years/").status_code == 404


def test_staff_lock_and_unlock_a_year(staff_api, ghana_compact):
    locked = staff_api.post(lock_url(ghana_compact, OPEN_YEAR), {})
    assert locked.status_code == 200, locked.content
    assert locked.json()["locked"] is True and locked.json()["explicit"] is True
    assert locked.json()["changed_by"] == "staff"
    # Locking a locked year, or unlocking an open one, is a conflict of state.
    assert staff_api.post(lock_url(ghana_compact, OPEN_YEAR), {}).status_code == 409
    assert staff_api.post(lock_url(ghana_compact, 2026, "unlock"),
                          {"reason": "x"}).status_code == 409
    unlocked = staff_api.post(lock_url(ghana_compact, LOCKED_YEAR, "unlock"),
                              {"reason": "Late survey data."})
    assert unlocked.status_code == 200
    assert unlocked.json()["locked"] is False and unlocked.json()["reason"] == "Late survey data."
    assert states(staff_api, ghana_compact)[LOCKED_YEAR]["locked"] is False


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_unlocking_needs_a_reason(staff_api, ghana_compact, body):
    response = staff_api.post(lock_url(ghana_compact, LOCKED_YEAR, "unlock"), body,
                              format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": [str(year_locks.ERR_UNLOCK_REASON)]}
    assert not FiscalYearLock.objects.exists()


def test_a_year_outside_the_compact_is_refused(staff_api, ghana_compact):
    response = staff_api.post(lock_url(ghana_compact, 2031), {})
    assert response.status_code == 400 and "fiscal_year" in response.json()


def test_only_tip_staff_lock_or_unlock(api_for, auditor_api, officer_api, ghana_compact):
    implementer = UserFactory(username="implementer.one")
    award = AwardFactory(compact=ghana_compact)
    compact_services.user_assign_role(user=implementer, role=IMPLEMENTER,
                                      implementers=[award.implementer])
    for api in (auditor_api, officer_api, api_for(implementer)):
        for action in ("lock", "unlock"):
            response = api.post(lock_url(ghana_compact, LOCKED_YEAR, action),
                                {"reason": "Please."})
            assert response.status_code == 403, (action, response.content)
    assert not FiscalYearLock.objects.exists()


def test_the_service_refuses_other_roles_too(ghana_officer, ghana_compact):
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        year_locks.fiscal_year_lock(user=ghana_officer, compact=ghana_compact,
                                    fiscal_year=OPEN_YEAR)


# Writes to a locked year, through the API -------------------------------------------------


def test_api_writes_to_a_locked_year_answer_409_naming_the_lock(staff_api, officer_api, world):
    compact, indicator = world["compact"], world["indicator"]
    refused = {
        "result": officer_api.post("/api/v1/results/", {
            "indicator": indicator.pk, "fiscal_year": LOCKED_YEAR, "value": "5"}),
        "target": staff_api.post("/api/v1/targets/", {
            "indicator": indicator.pk, "fiscal_year": LOCKED_YEAR, "value": "50"}),
        "contribution": officer_api.post("/api/v1/contributions/", {
            "compact": compact.pk, "fiscal_year": LOCKED_YEAR, "kind": "funding",
            "description": "Shelter budget", "amount_local": "1000.00", "currency": "USD",
            "amount_usd": "1000.00"}),
        "discussion": officer_api.post(
            f"/api/v1/dialogues/{DialogueFactory(compact=compact, fiscal_year=LOCKED_YEAR).pk}"
            "/discussions/", {"indicator": indicator.pk, "notes": "Referrals slowed in 2024."}),
        # Tracking from FY2025 on would drop FY2022-FY2024, two of them locked.
        "indicator tracking": staff_api.patch(f"/api/v1/indicators/{indicator.pk}/",
                                              {"first_fiscal_year": 2025}),
    }
    for what, response in refused.items():
        assert response.status_code == 409, (what, response.content)
        assert_names_the_lock(response.json()["detail"], year=2022
                              if what == "indicator tracking" else LOCKED_YEAR)
    assert not Result.objects.exists() and not Target.objects.exists()
    assert not Contribution.objects.exists() and not Discussion.objects.exists()
    indicator.refresh_from_db()
    assert indicator.first_fiscal_year is None


def test_changing_or_reviewing_a_locked_years_records_is_refused(staff_api, officer_api, world):
    indicator = world["indicator"]
    result = ResultFactory(indicator=indicator, fiscal_year=LOCKED_YEAR, value=Decimal("5"),
                           status="submitted")
    open_result = ResultFactory(indicator=indicator, fiscal_year=OPEN_YEAR, value=Decimal("5"))
    target = TargetFactory(indicator=indicator, fiscal_year=LOCKED_YEAR)
    contribution = ContributionFactory(compact=world["compact"], fiscal_year=OPEN_YEAR)
    responses = [
        officer_api.patch(f"/api/v1/results/{result.pk}/", {"value": "6"}),
        staff_api.post(f"/api/v1/results/{result.pk}/approve/", {}),
        staff_api.post(f"/api/v1/results/{result.pk}/return/", {"review_note": "Check."}),
        staff_api.patch(f"/api/v1/targets/{target.pk}/", {"value": "60"}),
        # Moving a record into a locked year changes that year too.
        officer_api.patch(f"/api/v1/results/{open_result.pk}/",
                          {"fiscal_year": LOCKED_YEAR, "value": "5"}),
        officer_api.patch(f"/api/v1/contributions/{contribution.pk}/",
                          {"fiscal_year": LOCKED_YEAR}),
    ]
    assert [r.status_code for r in responses] == [409] * 6, [r.content for r in responses]
    result.refresh_from_db()
    assert (result.value, result.status) == (Decimal("5"), "submitted")
    contribution.refresh_from_db()
    assert contribution.fiscal_year == OPEN_YEAR


def test_after_an_unlock_with_a_reason_the_write_goes_through(staff_api, officer_api, world):
    url = "/api/v1/results/"
    payload = {"indicator": world["indicator"].pk, "fiscal_year": LOCKED_YEAR, "value": "5"}
    assert officer_api.post(url, payload).status_code == 409
    staff_api.post(lock_url(world["compact"], LOCKED_YEAR, "unlock"),
                   {"reason": "The ministry's late 2024 count."})
    assert officer_api.post(url, payload).status_code == 201
    # Locked again, the next change is refused.
    staff_api.post(lock_url(world["compact"], LOCKED_YEAR), {"reason": "Done."})
    result = Result.objects.get()
    assert officer_api.patch(f"/api/v1/results/{result.pk}/",
                             {"value": "7"}).status_code == 409


# Pages, bulk upload, admin ---------------------------------------------------------------


def test_the_contributions_page_shows_the_refusal_beside_the_form(client, ghana_officer, world):
    client.force_login(ghana_officer)
    response = client.post(f"/contributions/compacts/{world['compact'].pk}/", {
        "fiscal_year": str(LOCKED_YEAR), "kind": "funding",
        "description": "Sample: shelter budget line", "amount_local": "120000.00",
        "currency": "ghs", "amount_usd": "10000.00", "personnel_count": "",
        "recorded_at_dialogue": ""})
    # The page's form runs the model's rules (full_clean) before the service: a form error.
    assert response.status_code == 400
    assert_names_the_lock(response.content.decode())
    assert not Contribution.objects.exists()


def test_the_data_entry_grid_refuses_a_locked_years_cell(client, staff_user, world):
    client.force_login(staff_user)
    url = f"/indicators/compact/{world['compact'].pk}/data-entry/"
    form = client.get(url).context["rows"][0]["cells"]
    cell = next(c for c in form if c.fiscal_year == LOCKED_YEAR)
    data = {f"{cell.prefix}-target": "50", "change_reason": "", "source": ""}
    for other in form:  # every other input as shown
        for name, field in other.fields.items():
            key = f"{other.prefix}-{name}"
            data.setdefault(key, other.initial.get(name, field.initial) or "")
    response = client.post(url, data)
    assert response.status_code == 409
    assert_names_the_lock(response.content.decode())
    assert not Target.objects.exists()


@pytest.mark.usefixtures("private_storage")
def test_the_bulk_upload_of_a_locked_year_is_refused(client, ghana_officer, staff_user, world):
    client.force_login(ghana_officer)
    workbook = download(client, world["compact"], LOCKED_YEAR)
    put(workbook["Results"] if "Results" in workbook.sheetnames else workbook.worksheets[0],
        "A-COUNT", value=12)
    refused = upload(client, world["compact"], workbook, year=LOCKED_YEAR)
    assert refused.status_code == 409
    assert_names_the_lock(refused.content.decode())
    assert not Result.objects.exists()

    # Unlocked, the same file previews; locked again before the confirm, nothing is saved.
    year_locks.fiscal_year_unlock(user=staff_user, compact=world["compact"],
                                  fiscal_year=LOCKED_YEAR, reason="Late 2024 figures.")
    preview = upload(client, world["compact"], workbook, year=LOCKED_YEAR)
    assert preview.status_code == 200, preview.content.decode()[-2000:]
    year_locks.fiscal_year_lock(user=staff_user, compact=world["compact"],
                                fiscal_year=LOCKED_YEAR)
    late = confirm(client, world["compact"], preview, year=LOCKED_YEAR)
    assert late.status_code == 409
    assert not Result.objects.exists()


def test_the_admin_refuses_to_change_or_delete_a_locked_years_target(client, staff_user, world):
    target = TargetFactory(indicator=world["indicator"], fiscal_year=LOCKED_YEAR,
                           value=Decimal("50"))
    client.force_login(staff_user)
    url = f"/admin/indicators/target/{target.pk}/change/"
    response = client.post(url, {"indicator": world["indicator"].pk,
                                 "fiscal_year": LOCKED_YEAR, "value": "75",
                                 "set_at_dialogue": ""})
    assert response.status_code == 200  # the form again, with the error
    assert_names_the_lock(response.content.decode())
    target.refresh_from_db()
    assert target.value == Decimal("50")

    # The admin deletes no oversight record, locked year or not.
    deleted = client.post(f"/admin/indicators/target/{target.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    assert Target.objects.filter(pk=target.pk).exists()
    client.post("/admin/indicators/target/", {
        "action": "delete_selected", "_selected_action": [target.pk], "post": "yes"})
    assert Target.objects.filter(pk=target.pk).exists()


def test_the_admin_refuses_a_new_contribution_in_a_locked_year(client, staff_user, world):
    client.force_login(staff_user)
    response = client.post("/admin/contributions/contribution/add/", {
        "compact": world["compact"].pk, "fiscal_year": LOCKED_YEAR, "kind": "funding",
        "description": "Shelter budget", "amount_local": "", "currency": "",
        "amount_usd": "1000.00", "personnel_count": "",
        "evidence": SimpleUploadedFile("e.pdf", b"%PDF-1.4 e")})
    assert response.status_code == 200
    assert_names_the_lock(response.content.decode())
    assert not Contribution.objects.exists()


def test_the_models_refuse_a_locked_year_whatever_writes_them(world):
    """The admin's forms write through full_clean(), not the services: the same rule."""
    target = Target(indicator=world["indicator"], fiscal_year=LOCKED_YEAR, value=Decimal("1"))
    with pytest.raises(ValidationError) as refused:
        target.full_clean()
    assert_names_the_lock(" ".join(refused.value.messages))


# --- The compact page ---------------------------------------------------------------------


def test_the_compact_page_shows_each_years_lock(client, auditor_user, staff_user,
                                                ghana_compact):
    year_locks.fiscal_year_unlock(user=staff_user, compact=ghana_compact, fiscal_year=2024,
                                  reason="Correcting the FY2024 referrals figure.")
    client.force_login(auditor_user)
    content = client.get(f"/compacts/{ghana_compact.pk}/").content.decode()
    section = content.split('data-testid="fiscal-years"', 1)[1].split("</section>", 1)[0]
    row_2023 = section.split('data-testid="fiscal-year-2023"', 1)[1].split("</tr>", 1)[0]
    assert "Locked" in row_2023 and "dialogue window closed" in row_2023
    row_2024 = section.split('data-testid="fiscal-year-2024"', 1)[1].split("</tr>", 1)[0]
    assert "Open" in row_2024
    assert f"Unlocked by {staff_user.username}" in row_2024
    assert "Correcting the FY2024 referrals figure." in row_2024
    assert "<form" not in section  # auditors read, never change


def test_staff_lock_and_unlock_from_the_compact_page(client, staff_user, ghana_compact):
    client.force_login(staff_user)
    page = f"/compacts/{ghana_compact.pk}/"
    unlock = f"{page}fiscal-years/2024/unlock/"
    # Unlocking without a reason: the error beside the year's field, nothing changed.
    response = client.post(unlock, {"reason": "  "})
    assert response.status_code == 400
    row = response.content.decode().split('data-testid="fiscal-year-2024"', 1)[1]
    assert "Say why the year is unlocked." in row.split("</tr>", 1)[0]
    assert year_locks.year_locked(ghana_compact, 2024)
    response = client.post(unlock, {"reason": "Correct the shelter count."})
    assert response.status_code == 302 and response["Location"].endswith("#fiscal-years")
    assert not year_locks.year_locked(ghana_compact, 2024)
    # Unlocking an open year again is a conflict, shown beside it.
    assert client.post(unlock, {"reason": "Again."}).status_code == 409
    assert client.post(f"{page}fiscal-years/2024/lock/", {"reason": ""}).status_code == 302
    assert year_locks.year_locked(ghana_compact, 2024)
    history = FiscalYearLock.objects.get(compact=ghana_compact, fiscal_year=2024).history
    assert [h.history_change_reason for h in history.order_by("history_date")] == [
        "Correct the shelter count.", ""]


def test_only_staff_may_post_a_decision_from_the_page(client, auditor_user, ghana_officer,
                                                      ghana_compact):
    for user in (auditor_user, ghana_officer):
        client.force_login(user)
        response = client.post(f"/compacts/{ghana_compact.pk}/fiscal-years/2024/unlock/",
                               {"reason": "Let me in."})
        assert response.status_code == 403
    assert year_locks.year_locked(ghana_compact, 2024)
    assert not FiscalYearLock.objects.exists()
