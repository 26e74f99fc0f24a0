"""End to end on the demo data: the embassy officer finds Colombia's dialogue of the day on
the dashboard, prepared ten days before (key indicators identified and shared), and logs it
through the record's steps (prepare, hold, log outcomes, close), from the agenda to the day
it was held, three participants, two discussions and the outcome, in Debian's Chromium
against the real app, with JavaScript and without; check 1 reads met. Closing shows the six
checks as they will stand, asks for a reason when one would read not met, and asks to
confirm."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from compacts.management.commands.seed_demo import load_demo
from dialogues import closing, services
from dialogues.models import Dialogue, DialogueStatus, Discussion, TargetProposal
from indicators.models import StandardIndicator
from indicators.standard_library import load_library

pytestmark = pytest.mark.browser

PASSWORD = "demo-pass-for-tests"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def demo(transactional_db):
    # A transactional test starts from an emptied database: the library its migration
    # loaded is gone with the rest.
    load_library(StandardIndicator)
    load_demo(password=PASSWORD)


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"officer-dialogue-{name}.png"), full_page=True)


def tick(page, label):
    """USWDS draws its own box and hides the input: a person clicks the label."""
    page.locator("label.usa-checkbox__label", has_text=label).click()


def check_row(page, number):
    return page.get_by_test_id("compliance-row").nth(number - 1)


def test_officer_logs_colombias_upcoming_dialogue_end_to_end(page, demo):
    today = timezone.localdate()
    dialogue = Dialogue.objects.get(compact__country__iso_code="CO",
                                    status=DialogueStatus.PLANNED)
    keys = list(dialogue.compact.indicators.filter(is_key=True).order_by("code"))
    # Prepared ten days before the demo was loaded, scheduled for today.
    assert dialogue.scheduled_for == today
    assert sorted(i.code for i in dialogue.key_indicators.all()) == [k.code for k in keys]
    prepared_on = today - dt.timedelta(days=10)
    assert dialogue.key_indicators_identified_on == prepared_on
    # Last year's dialogue has its minutes on file.
    held_before = Dialogue.objects.filter(compact=dialogue.compact,
                                          fiscal_year__lt=dialogue.fiscal_year).last()
    assert held_before.attachments.get().kind == "minutes"

    # The officer signs in; the dashboard lists Colombia's dialogue among the next 30 days.
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "embassy.officer")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit][value='Sign in']")
    # Signing in lands on My work, which lists the dialogue with what it still needs.
    expect(page.get_by_test_id("queue-dialogues")).to_contain_text(
        f"Colombia, FY {dialogue.fiscal_year}")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    upcoming = page.get_by_role("link", name=f"Colombia, FY {dialogue.fiscal_year}")
    expect(upcoming).to_be_visible()
    shot(page, "1-dashboard")
    upcoming.click()
    expect(page.get_by_test_id("dialogue-title")).to_contain_text("Colombia")

    # Step 1, prepare: the agenda goes in (it is saved at once); the key indicators and
    # their sharing stand as recorded ten days ago.
    page.get_by_test_id("log-dialogue").click()
    expect(page.locator(".usa-step-indicator__heading-text")).to_have_text("Prepare")
    page.select_option("select[name=attach-kind]", "agenda")
    page.fill("input[name=attach-title]", "Agenda of the annual dialogue")
    page.set_input_files("input[name=attach-file]", files=[{
        "name": "agenda.pdf", "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4 agenda of the annual dialogue"}])
    page.get_by_role("button", name="Attach the document").click()
    expect(page.get_by_test_id("attachments")).to_contain_text("Agenda of the annual dialogue")
    expect(page.locator("input[name=key_indicators_shared_on]")).to_have_value(
        prepared_on.isoformat())
    shot(page, "2-prepare")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".usa-step-indicator__heading-text")).to_have_text("Hold")
    dialogue.refresh_from_db()
    assert dialogue.key_indicators_identified_on == prepared_on
    assert dialogue.key_indicators_shared_on == prepared_on
    assert sorted(i.code for i in dialogue.key_indicators.all()) == [k.code for k in keys]

    # Step 2, hold: held today, with three participants, the second and third rows added
    # by htmx without leaving the page (what was typed stays).
    page.fill("input[name=held_on]", today.isoformat())
    people = [("María Gómez", "Ministerio del Interior", "partner_government"),
              ("Andrés Rojas", "ICBF", "partner_government"),
              ("Jane Smith", "U.S. Embassy Bogotá", "us_government")]
    for index, (name, organization, side) in enumerate(people):
        if index:
            page.get_by_test_id("add-participants").click()
            expect(page.locator(f"input[name=participants-{index}-name]")).to_be_focused()
        page.fill(f"input[name=participants-{index}-name]", name)
        page.fill(f"input[name=participants-{index}-organization]", organization)
        page.select_option(f"select[name=participants-{index}-side]", side)
    expect(page.locator("input[name=participants-0-name]")).to_have_value(people[0][0])
    shot(page, "3-hold")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".usa-step-indicator__heading-text")).to_have_text("Log outcomes")
    assert sorted(dialogue.participants.values_list("name", flat=True)) == sorted(
        p[0] for p in people)

    # Step 3, log outcomes: two discussions (the second row added by htmx), a proposed
    # target, contributions, sustainability, an action item and the summary.
    discussed = keys[:2]
    for index, indicator in enumerate(discussed):
        if index:
            page.get_by_test_id("add-discussions").click()
        page.select_option(f"select[name=discussions-{index}-indicator]", str(indicator.pk))
        page.fill(f"textarea[name=discussions-{index}-notes]",
                  f"{indicator.code}: the ministry presented the year's approved figure and "
                  "the gap to target.")
    first = keys[0]
    page.select_option("select[name=proposals-0-indicator]", str(first.pk))
    page.fill("input[name=proposals-0-fiscal_year]", str(dialogue.fiscal_year))
    page.fill("input[name=proposals-0-value]", "150")
    tick(page, "Partner contributions were discussed")
    page.fill("textarea[name=contributions_notes]", "ICBF budget for shelters confirmed.")
    tick(page, "Sustainability was discussed")
    page.fill("textarea[name=sustainability_notes]",
              "The ministry will keep the shelter budget line after the compact.")
    # The blank row after the items carried over from last year's dialogue.
    page.locator("[name^=items-][name$=-description]").last.fill(
        "Send the referral data by quarter.")
    page.locator("[name^=items-][name$=-owner]").last.fill("Ministerio del Interior")
    page.fill("textarea[name=summary]", "Key indicators, targets and the plan reviewed.")
    shot(page, "4-outcomes")
    page.get_by_role("button", name="Save and continue").click()

    # Step 4, close: held today.
    expect(page.locator(".usa-step-indicator__heading-text")).to_have_text("Close")
    dialogue.refresh_from_db()
    assert (dialogue.status, dialogue.held_on) == (DialogueStatus.HELD, today)
    shot(page, "5-close")

    discussions = Discussion.objects.filter(dialogue=dialogue)
    assert {d.indicator_id for d in discussions} == {k.pk for k in discussed}
    # The server stamped the approved figures, never a client's.
    assert all(d.actual_value is not None and d.actual_fiscal_year < dialogue.fiscal_year
               for d in discussions)
    proposal = TargetProposal.objects.get(dialogue=dialogue, indicator=first)
    assert proposal.status == "pending" and proposal.proposed_by.username == "embassy.officer"
    assert dialogue.attachments.get().kind == "agenda"

    # The record and the preparation pack list the agenda, which downloads.
    page.goto(f"/dialogues/{dialogue.pk}/")
    expect(page.get_by_test_id("discussions")).to_contain_text(first.code)
    expect(page.get_by_test_id("dialogue-proposals")).to_contain_text("Pending")
    page.goto(f"/dialogues/{dialogue.pk}/preparation/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Agenda: Agenda of the annual dialogue").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-1.4 agenda")

    # Check 1 reads met: identified and shared (both recorded) before the day it was held.
    page.goto(f"/compacts/{dialogue.compact_id}/?fiscal_year={dialogue.fiscal_year}")
    expect(check_row(page, 1)).to_contain_text("Met")
    shot(page, "6-check-1-met")

    # Every page of the record fits a 320 px screen without scrolling sideways.
    page.set_viewport_size({"width": 320, "height": 800})
    for path in [*(f"/dialogues/{dialogue.pk}/record/{step}/"
                   for step in ("prepare", "hold", "outcomes", "close")),
                 f"/dialogues/{dialogue.pk}/", f"/dialogues/{dialogue.pk}/preparation/"]:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width} px wide at 320 px"
    shot(page, "7-close-320")

    # Closing, on the phone: the close step lists the six checks as they will stand once
    # closed. One reads not met (sustainability is not yet recorded in time, or a key
    # indicator left undiscussed), so closing needs a reason, then a confirmation.
    failing = closing.not_met(closing.checks_once_closed(dialogue))
    assert failing
    page.goto(f"/dialogues/{dialogue.pk}/record/close/")
    expect(page.get_by_test_id("closing-check")).to_have_count(6)
    for check in failing:
        expect(page.get_by_test_id("closing-check").nth(check.recommendation - 1)).to_contain_text(
            "Not met")
    page.get_by_role("button", name="Review and close").click()
    expect(page.locator(".usa-error-message")).to_contain_text("will read not met")
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.HELD
    reason = "Closed as held: the ministry sends the remaining figures with next year's."
    page.fill("textarea[name=reason]", reason)
    page.get_by_role("button", name="Review and close").click()
    expect(page.get_by_test_id("close-confirmation")).to_contain_text("Close the record now?")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    shot(page, "8-close-confirm-320")
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.HELD  # nothing written before confirming
    page.get_by_test_id("confirm-close").click()
    expect(page.get_by_test_id("dialogue-title")).to_contain_text("Colombia")
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.CLOSED
    assert dialogue.history.first().history_change_reason.endswith(reason)


def test_a_step_works_without_javascript(browser, live_server, demo):
    """The same rows with JavaScript off: "Add another" reloads the page with a blank row;
    closing (reason, confirmation) is plain forms too."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        dialogue = Dialogue.objects.get(compact__country__iso_code="CO",
                                        status=DialogueStatus.PLANNED)
        page.goto("/accounts/login/")
        page.fill("input[name=username]", "embassy.officer")
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit][value='Sign in']")
        page.goto(f"/dialogues/{dialogue.pk}/record/hold/")
        page.fill("input[name=participants-0-name]", "María Gómez")
        page.fill("input[name=participants-0-organization]", "Ministerio del Interior")
        page.select_option("select[name=participants-0-side]", "partner_government")
        page.get_by_test_id("add-participants").click()
        expect(page.locator("input[name=participants-0-name]")).to_have_value("María Gómez")
        page.fill("input[name=participants-1-name]", "Andrés Rojas")
        page.fill("input[name=participants-1-organization]", "ICBF")
        page.select_option("select[name=participants-1-side]", "partner_government")
        page.get_by_role("button", name="Save and continue").click()
        expect(page.locator(".usa-step-indicator__heading-text")).to_have_text("Log outcomes")
        assert sorted(dialogue.participants.values_list("name", flat=True)) == [
            "Andrés Rojas", "María Gómez"]

        # Closing, still without JavaScript: the reason, the confirmation page, closed.
        officer = get_user_model().objects.get(username="embassy.officer")
        services.dialogue_move(user=officer, dialogue=dialogue, status=DialogueStatus.HELD,
                               held_on=timezone.localdate())
        services.dialogue_update(user=officer, dialogue=dialogue,
                                 data={"summary": "Figures reviewed."})
        page.goto(f"/dialogues/{dialogue.pk}/")
        page.get_by_test_id("close-record").click()
        expect(page.get_by_test_id("closing-check")).to_have_count(6)
        reason = "Closed as held: the ministry sends the remaining figures later."
        page.fill("textarea[name=reason]", reason)
        page.get_by_role("button", name="Review and close").click()
        expect(page.get_by_test_id("close-confirmation")).to_be_visible()
        dialogue.refresh_from_db()
        assert dialogue.status == DialogueStatus.HELD
        page.get_by_test_id("confirm-close").click()
        expect(page.get_by_test_id("dialogue-title")).to_contain_text("Colombia")
        dialogue.refresh_from_db()
        assert dialogue.status == DialogueStatus.CLOSED
        assert dialogue.history.first().history_change_reason == f"Closed: {reason}"
    finally:
        context.close()
