"""Each role's main journey in Debian's Chromium against the real app and a real worker, on
the demo data. Every page a journey visits is checked at 1280 px and 320 px: axe-core finds
no serious or critical violation and nothing scrolls sideways (conftest.PageChecker); a
screenshot of each step goes to var/artifacts/browser/ (git-ignored).

The officer logs Colombia's upcoming dialogue through the stepper (three participants, two
discussions, an agenda) and enters a result; staff find it in their queue and return it with
a note; the officer sees the note in their queue and the email the worker sent, corrects and
resubmits; staff approve it. The auditor opens the compact's history from the compact page
and downloads a report."""

import re
import time
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compacts.management.commands.seed_demo import load_demo
from dialogues.models import Dialogue, DialogueStatus
from indicators.models import Result, StandardIndicator
from indicators.standard_library import load_library
from tests.browser.conftest import TIMEOUT_MS, PageChecker

pytestmark = pytest.mark.browser

PASSWORD = "demo-pass-for-tests"


@pytest.fixture
def demo(transactional_db):
    load_library(StandardIndicator)
    load_demo(password=PASSWORD)


def open_as(browser, live_server, axe_source, username, journey):
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit][value='Sign in']")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    return context, page, PageChecker(page, axe_source, journey)


def tick(page, label):
    page.locator("label.usa-checkbox__label", has_text=label).click()


def wait_for(predicate, seconds=60, what="the condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_each_roles_daily_work(browser, live_server, axe_source, demo, celery_worker_process):
    today = timezone.localdate()
    dialogue = Dialogue.objects.get(compact__country__iso_code="CO",
                                    status=DialogueStatus.PLANNED)
    compact = dialogue.compact
    keys = list(compact.indicators.filter(is_key=True).order_by("code"))
    # A count indicator and a year without a result yet: the officer's entry.
    indicator, year = next(
        (i, y) for i in compact.indicators.filter(unit="count").order_by("code")
        for y in compact.fiscal_years()
        if y <= dialogue.fiscal_year and i.is_tracked_in(y)
        and not Result.objects.filter(indicator=i, fiscal_year=y).exists())
    cell = f'[data-testid="cell-{indicator.code}-{year}"] input[name$="value"]'

    # --- The embassy officer: My work, the stepper, a result ---------------------------
    officer_context, officer, check_officer = open_as(browser, live_server, axe_source,
                                                      "embassy.officer", "officer")
    expect(officer.get_by_test_id("queue-dialogues")).to_contain_text("Colombia")
    check_officer("my-work")
    officer.goto(f"/dialogues/{dialogue.pk}/record/prepare/")
    officer.select_option("select[name=attach-kind]", "agenda")
    officer.fill("input[name=attach-title]", "Agenda of the annual dialogue")
    officer.set_input_files("input[name=attach-file]", files=[{
        "name": "agenda.pdf", "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4 agenda of the annual dialogue"}])
    officer.get_by_role("button", name="Attach the document").click()
    expect(officer.get_by_test_id("attachments")).to_contain_text("Agenda of the annual")
    # Prepared ten days ago (key indicators identified and shared): nothing to change.
    check_officer("prepare")
    officer.get_by_role("button", name="Save and continue").click()
    expect(officer.locator(".usa-step-indicator__heading-text")).to_have_text("Hold")
    officer.fill("input[name=held_on]", today.isoformat())  # held today, as scheduled
    people = [("María Gómez", "Ministerio del Interior", "partner_government"),
              ("Andrés Rojas", "ICBF", "partner_government"),
              ("Jane Smith", "U.S. Embassy Bogotá", "us_government")]
    for index, (name, organization, side) in enumerate(people):
        if index:
            officer.get_by_test_id("add-participants").click()
            expect(officer.locator(f"input[name=participants-{index}-name]")).to_be_visible()
        officer.fill(f"input[name=participants-{index}-name]", name)
        officer.fill(f"input[name=participants-{index}-organization]", organization)
        officer.select_option(f"select[name=participants-{index}-side]", side)
    check_officer("hold")
    officer.get_by_role("button", name="Save and continue").click()
    expect(officer.locator(".usa-step-indicator__heading-text")).to_have_text("Log outcomes")
    for index, key in enumerate(keys[:2]):
        if index:
            officer.get_by_test_id("add-discussions").click()
        officer.select_option(f"select[name=discussions-{index}-indicator]", str(key.pk))
        officer.fill(f"textarea[name=discussions-{index}-notes]",
                     f"{key.code}: the year's approved figure against its target.")
    officer.fill("textarea[name=summary]", "Key indicators and targets reviewed.")
    check_officer("outcomes")
    officer.get_by_role("button", name="Save and continue").click()
    expect(officer.locator(".usa-step-indicator__heading-text")).to_have_text("Close")
    check_officer("close")
    assert dialogue.participants.count() == 3 and dialogue.discussions.count() == 2
    assert dialogue.attachments.get().kind == "agenda"

    officer.goto(f"/indicators/compact/{compact.pk}/data-entry/")
    officer.fill(cell, "41")
    officer.fill("input[name=source]", "Ministry of the Interior")
    check_officer("data-entry")
    officer.get_by_test_id("save-grid").click()
    result = wait_for(lambda: Result.objects.filter(indicator=indicator,
                                                    fiscal_year=year).first(),
                      what="the result")
    assert result.status == "submitted" and result.value == Decimal("41")

    # --- TIP staff: the queue, a return with a note ------------------------------------
    staff_context, staff, check_staff = open_as(browser, live_server, axe_source,
                                                "tip.staff", "staff")
    row = staff.get_by_test_id("queue-result").filter(has_text=f"{indicator.code} FY{year}")
    expect(row).to_have_count(1)
    check_staff("my-work")
    row.locator("label.usa-checkbox__label").click()
    staff.fill("textarea[name=note]", "Give the source table's page number.")
    staff.get_by_test_id("bulk-return").click()
    expect(staff.locator(".usa-alert")).to_contain_text("1 result returned")
    check_staff("returned")
    result.refresh_from_db()
    assert result.status == "returned"

    # --- The officer: the note in the queue and by email; a correction -----------------
    officer.goto("/work/")
    returned = officer.get_by_test_id("queue-returned")
    expect(returned).to_contain_text("Give the source table's page number.")
    expect(officer.get_by_test_id("unread-count")).to_be_visible()
    check_officer("returned-in-queue")
    mail = wait_for(lambda: [m for m in celery_worker_process.mail()
                             if f"Result {indicator.code} FY{year} returned" in m],
                    what="the email")
    assert "Give the source table's page number." in mail[0]
    assert "embassy.officer@example.org" in mail[0]
    officer.get_by_test_id("bell").click()
    newest = officer.get_by_test_id("notification").first
    expect(newest).to_contain_text(f"Result {indicator.code} FY{year} returned")
    check_officer("notifications")
    # A review's notification opens My work, where each result it names is listed with its
    # note and a link to its grid.
    newest.get_by_role("button", name=re.compile("^Open")).click()
    expect(officer).to_have_url(re.compile(r"/work/$"))
    officer.get_by_test_id("queue-returned").get_by_role(
        "link", name=re.compile(rf"^{indicator.code} FY{year}")).click()
    expect(officer).to_have_url(re.compile(rf"/indicators/compact/{compact.pk}/data-entry/$"))
    officer.fill(cell, "42")
    officer.fill("input[name=source]",
                 "Ministry of the Interior, table 3, page 12")
    officer.get_by_test_id("save-grid").click()
    wait_for(lambda: Result.objects.get(pk=result.pk).status == "submitted",
             what="the resubmission")

    # --- TIP staff approve it -----------------------------------------------------------
    staff.goto("/work/")
    row = staff.get_by_test_id("queue-result").filter(has_text=f"{indicator.code} FY{year}")
    row.locator("label.usa-checkbox__label").click()
    staff.get_by_test_id("bulk-approve").click()
    expect(staff.locator(".usa-alert")).to_contain_text("1 result approved")
    result.refresh_from_db()
    assert result.status == "approved" and result.value == Decimal("42")

    # --- The auditor: history from the compact page, a report ---------------------------
    auditor_context, auditor, check_auditor = open_as(browser, live_server, axe_source,
                                                      "auditor", "auditor")
    check_auditor("my-work")
    auditor.goto(f"/compacts/{compact.pk}/")
    check_auditor("compact")
    auditor.get_by_test_id("history-link").click()
    expect(auditor.get_by_test_id("history-title")).to_contain_text("History of")
    first_row = auditor.get_by_test_id("history-row").first
    expect(first_row).to_contain_text("tip.staff")
    expect(first_row).to_contain_text("Approved")
    check_auditor("history")
    auditor.goto("/reports/")
    auditor.select_option("#id_kind", "compact_oversight")
    auditor.select_option("#id_compact", str(compact.pk))
    check_auditor("reports")
    auditor.get_by_test_id("request-report").click()
    download = auditor.get_by_test_id("download").first
    expect(download).to_be_visible(timeout=90_000)
    with auditor.expect_download() as pdf:
        download.click()
    with open(pdf.value.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"
    check_auditor("report-ready")

    for context in (officer_context, staff_context, auditor_context):
        context.close()
    for checker in (check_officer, check_staff, check_auditor):
        checker.assert_clean()
