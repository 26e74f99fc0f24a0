"""Keyboard only, in Debian's Chromium on the demo data: the embassy officer opens Colombia's
dialogue of the day, then prepares, holds, logs (outcomes) and closes it, confirmation step
included, with Tab, Shift+Tab, Enter, Space and typing alone: no click, and no address typed
after the start page. A form sent back with an error moves the focus to its error summary,
whose link takes the focus to the field."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compacts.management.commands.seed_demo import load_demo
from dialogues.models import Dialogue, DialogueStatus
from indicators.models import StandardIndicator
from indicators.standard_library import load_library
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "demo-pass-for-tests"
# The most Tab presses between two stops: a page's whole header and navigation fit in it.
MOST_TABS = 120
FOCUSED = """selector => {
  const el = document.activeElement;
  return !!el && el !== document.body && el.matches(selector);
}"""


@pytest.fixture
def demo(transactional_db):
    load_library(StandardIndicator)
    load_demo(password=PASSWORD)


def tab_to(page, selector, *, back=False):
    """Tab (or Shift+Tab) until the focus is on ``selector``, as a person looks for a
    control; fails if it is not reached."""
    key = "Shift+Tab" if back else "Tab"
    for _ in range(MOST_TABS):
        if page.evaluate(FOCUSED, selector):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} never reached {selector} (focus on "
                         f"{page.evaluate('document.activeElement.outerHTML.slice(0, 120)')})")


def press_on(page, selector, key="Enter", *, back=False):
    tab_to(page, selector, back=back)
    page.keyboard.press(key)
    page.wait_for_load_state()


def type_in(page, selector, text):
    tab_to(page, selector)
    page.keyboard.type(text)


def heading(page):
    return page.locator(".usa-step-indicator__heading-text")


def test_the_officer_logs_a_dialogue_with_the_keyboard_alone(page, demo):
    today = timezone.localdate()
    dialogue = Dialogue.objects.get(compact__country__iso_code="CO",
                                    status=DialogueStatus.PLANNED)
    sign_in(page, "embassy.officer", PASSWORD)
    page.goto(f"/dialogues/{dialogue.pk}/")  # the start page; from here on, keys alone
    page.wait_for_load_state()

    # Prepare: what was recorded ten days ago stands; save and continue.
    press_on(page, "[data-testid=log-dialogue]")
    expect(heading(page)).to_have_text("Prepare")
    press_on(page, "[data-testid=step-form] button[type=submit]:not([name])")

    # Hold: the day, typed (month, day, year in an English browser), and one participant.
    expect(heading(page)).to_have_text("Hold")
    held_on = page.locator("input[name=held_on]")
    tab_to(page, "input[name=held_on]")
    page.keyboard.type(today.strftime("%m%d%Y"))
    expect(held_on).to_have_value(today.isoformat())
    type_in(page, "input[name=participants-0-name]", "María Gómez")
    type_in(page, "input[name=participants-0-organization]", "Ministerio del Interior")
    tab_to(page, "select[name=participants-0-side]")
    page.keyboard.type("Partner")  # a closed list picks the option its typed start names
    expect(page.locator("select[name=participants-0-side]")).to_have_value(
        "partner_government")
    press_on(page, "[data-testid=step-form] button[type=submit]:not([name])")
    expect(heading(page)).to_have_text("Log outcomes")

    # Log outcomes, first with a discussion's notes too short: the error summary takes the
    # focus, and its link takes it to the field, where the notes are completed.
    key = dialogue.key_indicators.order_by("code").first()
    tab_to(page, "select[name=discussions-0-indicator]")
    page.keyboard.type(key.code)
    expect(page.locator("select[name=discussions-0-indicator]")).to_have_value(str(key.pk))
    type_in(page, "textarea[name=discussions-0-notes]", "Figures shown.")
    press_on(page, "[data-testid=step-form] button[type=submit]:not([name])")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    notes = page.locator("textarea[name=discussions-0-notes]")
    press_on(page, f"[data-error-summary] a[href='#{notes.get_attribute('id')}']")
    expect(notes).to_be_focused()
    page.keyboard.press("End")
    page.keyboard.type(" The ministry presented the year's approved figure and the gap.")

    # A box ticked with Space, notes and the summary typed.
    tab_to(page, "input[name=contributions_discussed]")
    page.keyboard.press("Space")
    expect(page.locator("input[name=contributions_discussed]")).to_be_checked()
    type_in(page, "textarea[name=contributions_notes]", "ICBF budget for shelters confirmed.")
    type_in(page, "textarea[name=summary]", "Key indicators, targets and the plan reviewed.")
    press_on(page, "[data-testid=step-form] button[type=submit]:not([name])")
    expect(heading(page)).to_have_text("Close")

    # Close: a check would read not met, so a reason; then the confirmation step.
    expect(heading(page)).to_have_text("Close")
    expect(page.get_by_test_id("closing-check")).to_have_count(6)
    reason = "Closed as held: the ministry sends the remaining figures with next year's."
    type_in(page, "textarea[name=reason]", reason)
    press_on(page, "[data-testid=step-form] button[type=submit]:not([name])")
    expect(page.get_by_test_id("close-confirmation")).to_be_visible()
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.HELD  # nothing closed before confirming
    press_on(page, "[data-testid=confirm-close]")
    expect(page.get_by_test_id("dialogue-title")).to_contain_text("Colombia")
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.CLOSED
    assert dialogue.held_on == today
    assert list(dialogue.participants.values_list("name", flat=True)) == ["María Gómez"]
    assert dialogue.contributions_discussed and dialogue.summary
    assert dialogue.discussions.get().notes.endswith("approved figure and the gap.")
    assert dialogue.history.first().history_change_reason.endswith(reason)
