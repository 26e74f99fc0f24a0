"""End to end: an embassy officer signs in and sees only the compacts of their countries."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from compacts import services
from cpc.access.roles import EMBASSY_OFFICER
from tests.compacts.factories import CompactFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "pass-for-tests"
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def colombia_compact(colombia):
    return CompactFactory(country=colombia, title="Colombia Child Protection Compact Partnership")


@pytest.fixture
def ghana_peru_officer(ghana, peru):
    """An embassy officer assigned to Ghana and Peru, not Colombia."""
    user = UserFactory(username="officer.gh-pe")
    services.user_assign_role(user=user, role=EMBASSY_OFFICER, countries=[ghana, peru])
    return user


def log_in(page, user):
    """Sign in through the login form, as a person would."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit][value='Sign in']")
    expect(page.get_by_test_id("logout")).to_be_visible()


def test_embassy_officer_sees_only_assigned_compacts_and_opens_one(
    page, ghana_peru_officer, ghana_compact, peru_compact, colombia_compact
):
    # Given compacts for Ghana, Peru and Colombia and an officer assigned to Ghana and Peru
    # When the officer signs in and opens the compact list
    log_in(page, ghana_peru_officer)
    page.goto("/compacts/")

    # Then the list shows exactly the Ghana and Peru compacts
    expect(page.get_by_test_id("compact-table")).to_be_visible()
    rows = page.get_by_test_id("compact-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Ghana")
    expect(rows.nth(0)).to_contain_text(ghana_compact.title)
    expect(rows.nth(1)).to_contain_text("Peru")
    expect(rows.nth(1)).to_contain_text(peru_compact.title)
    expect(page.get_by_test_id("compact-table")).not_to_contain_text(colombia_compact.title)
    expect(page.get_by_test_id("compact-table")).not_to_contain_text("Colombia")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "compact-list-officer.png"), full_page=True)

    # When they click the Peru compact
    rows.get_by_role("link", name=peru_compact.title).click()

    # Then its detail page opens, titled with the Peru compact's title
    expect(page).to_have_url(re.compile(rf"/compacts/{peru_compact.pk}/$"))
    expect(page.locator("h1[data-testid=compact-title]")).to_have_text(peru_compact.title)


def test_embassy_officer_gets_not_found_for_other_country_compact(
    page, ghana_peru_officer, colombia_compact
):
    # Given an officer assigned to Ghana and Peru, signed in
    log_in(page, ghana_peru_officer)

    # When they type the URL of Colombia's compact
    response = page.goto(f"/compacts/{colombia_compact.pk}/")

    # Then the server answers 404 with the not-found page
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("body")).not_to_contain_text(colombia_compact.title)


def test_anonymous_visitor_is_sent_to_login(page):
    # Given a visitor who has not signed in
    # When they open the compact list
    page.goto("/compacts/")

    # Then they land on the login page
    assert "/accounts/login/" in page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
