"""End to end on the demo data: the embassy officer finds Colombia's upcoming dialogue on the
dashboard and logs it, from picking and sharing the key indicators to the outcome, in
Debian's Chromium against the real app."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compacts.management.commands.seed_demo import demo_seeders
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
    for _app, seed in demo_seeders():
        seed(password=PASSWORD)


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
    assert keys and not dialogue.key_indicators.exists()

    # The officer signs in; the dashboard lists Colombia's dialogue among the next 30 days.
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "embassy.officer")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit][value='Sign in']")
    upcoming = page.get_by_role("link", name=f"Colombia, FY {dialogue.fiscal_year}")
    expect(upcoming).to_be_visible()
    shot(page, "1-dashboard")
    upcoming.click()
    expect(page.get_by_test_id("dialogue-title")).to_contain_text("Colombia")

    # Preparation: pick the key indicators and record that they went to the partner.
    page.get_by_test_id("log-dialogue").click()
    for indicator in keys:
        tick(page, f"{indicator.code} {indicator.name}")
    page.fill("input[name=key_indicators_shared_on]", today.isoformat())
    page.select_option("select[name=key_indicators_shared_via]", "email")
    page.fill("input[name=participants-0-name]", "María Gómez")
    page.fill("input[name=participants-0-organization]", "Ministerio del Interior")
    page.select_option("select[name=participants-0-side]", "partner_government")
    shot(page, "2-preparation")
    page.get_by_role("button", name="Save dialogue").click()
    expect(page.get_by_test_id("dialogue-title")).to_be_visible()
    dialogue.refresh_from_db()
    assert dialogue.key_indicators_identified_on == today
    assert dialogue.key_indicators_shared_on == today
    assert sorted(i.code for i in dialogue.key_indicators.all()) == [k.code for k in keys]

    # Check 1 reads met: identified and shared before the day the dialogue is scheduled.
    page.goto(f"/compacts/{dialogue.compact_id}/?fiscal_year={dialogue.fiscal_year}")
    expect(check_row(page, 1)).to_contain_text("Met")
    shot(page, "3-check-1-met")

    # The meeting was brought forward to today: the officer corrects the date, holds it,
    # then logs the discussions, a proposed target, contributions, sustainability, an action
    # item and the outcome.
    page.goto(f"/dialogues/{dialogue.pk}/log/")
    page.fill("input[name=scheduled_for]", today.isoformat())
    page.get_by_role("button", name="Save dialogue").click()
    expect(page.get_by_test_id("dialogue-title")).to_be_visible()
    page.fill("input[name=held_on]", today.isoformat())
    page.get_by_role("button", name="Mark as held").click()
    expect(page.locator(".usa-intro")).to_contain_text("Held")

    page.get_by_test_id("log-dialogue").click()
    for indicator in keys:
        page.get_by_label(f"Notes on {indicator.code}").fill(
            f"{indicator.code}: the ministry presented the year's approved figure and the gap "
            "to target.")
    first = keys[0]
    page.get_by_label(f"Target for {first.code}", exact=True).fill("150")
    page.get_by_label(f"Fiscal year of the target for {first.code}").fill(
        str(dialogue.fiscal_year))
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
    shot(page, "4-log")
    page.get_by_role("button", name="Save dialogue").click()
    expect(page.get_by_test_id("discussions")).to_contain_text(first.code)
    expect(page.get_by_test_id("dialogue-proposals")).to_contain_text("Pending")
    shot(page, "5-logged")

    discussions = Discussion.objects.filter(dialogue=dialogue)
    assert {d.indicator_id for d in discussions} == {k.pk for k in keys}
    # The server stamped the approved figures, never a client's.
    assert all(d.actual_value is not None and d.actual_fiscal_year < dialogue.fiscal_year
               for d in discussions)
    proposal = TargetProposal.objects.get(dialogue=dialogue, indicator=first)
    assert proposal.status == "pending" and proposal.proposed_by.username == "embassy.officer"

    # Check 2 is met (every key indicator discussed with approved data); check 1 now names
    # that the key indicators were identified on the day the dialogue was held.
    page.goto(f"/compacts/{dialogue.compact_id}/?fiscal_year={dialogue.fiscal_year}")
    expect(check_row(page, 2)).to_contain_text("Met")
    expect(check_row(page, 1)).to_contain_text("Not met")
    expect(check_row(page, 1)).to_contain_text("not before the dialogue")
    shot(page, "6-checks")
