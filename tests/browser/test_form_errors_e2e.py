"""A form sent back with errors, in Chromium under the Content Security Policy: the error
summary takes the focus when the page loads (static/js/cpc.js, no inline script), its link
leads to the field, and axe-core finds no serious violation on the page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


def test_the_error_summary_takes_the_focus_and_leads_to_the_field(page, axe_source, staff_user):
    # A refused sign-in: the summary says why (the form's own error, no link).
    page.goto("/accounts/login/")
    page.fill("input[name=username]", staff_user.username)
    page.fill("input[name=password]", "not the password")
    page.click("input[type=submit]")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(page).to_have_title("Error: Sign in | CPC Oversight")
    assert not axe_violations(page, axe_source)
    # A field left empty: the summary links to it.
    page.fill("input[name=username]", "")
    page.click("input[type=submit]")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    link = page.locator("[data-error-summary] a[href='#id_username']")
    link.click()
    expect(page.locator("#id_username")).to_be_focused()
