"""GAO's recommendation page in Debian's Chromium, as TIP staff: an "Add an action" sent
with errors comes back open, its error summary takes the focus and its link leads to the
field; without JavaScript the disclosure still opens, and the browser lands on the summary
of the form sent back; at 1280 px no cell of the page cuts its text."""

import importlib

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import expect

from oversight.models import GaoRecommendation
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_compacts_e2e import log_in

pytestmark = pytest.mark.browser

PAGE = "/oversight/recommendations/"
CLIPPED = """() => [...document.querySelectorAll('main td, main th')]
    .filter(el => el.getClientRects().length && el.scrollWidth > el.clientWidth + 1)
    .map(el => `${el.textContent.trim().slice(0, 40)}: ${el.scrollWidth} in ${el.clientWidth}`)"""


@pytest.fixture
def record(transactional_db):
    # GAO's record is rows a migration writes; a transactional test run before this one
    # emptied the tables. The migration's loader writes it where it is missing.
    loader = importlib.import_module("oversight.migrations.0006_gao_public_record_as_told")
    loader.load(django_apps, None)
    assert GaoRecommendation.objects.count() == 6


def test_an_invalid_action_opens_on_its_summary_whose_link_reaches_the_field(
        page, record, staff_user):
    log_in(page, staff_user)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(PAGE)
    form = page.get_by_test_id("gao-action-form").nth(3)
    expect(form).to_be_hidden()  # behind its disclosure until asked for
    page.get_by_text("Add an action to recommendation 4").click()
    expect(form).to_be_visible()

    form.get_by_label("Period").fill("March 2025")
    form.get_by_role("button", name="Add the action").click()

    summary = page.locator("#rec4-add-action [data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(page).to_have_title("Error: GAO recommendations | CPC Oversight")
    link = summary.locator("a[href='#id_rec4_action_description']")
    link.click()
    expect(page.locator("#id_rec4_action_description")).to_be_focused()
    # The other forms stay closed.
    assert page.locator("details.cpc-disclosure--form[open]").count() == 1
    assert GaoRecommendation.objects.get(number=4).actions.count() == 1


def test_without_javascript_the_form_opens_and_comes_back_where_it_was(
        browser, live_server, record, staff_user):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        log_in(page, staff_user)
        page.goto(PAGE)
        page.get_by_text("Change GAO's status of recommendation 5").click()
        form = page.get_by_test_id("gao-status-form").nth(4)
        expect(form).to_be_visible()
        form.get_by_role("button", name="Save the status").click()  # no reason given

        assert page.url.endswith("#rec5-change-status-errors")
        summary = page.locator("#rec5-change-status [data-error-summary]")
        expect(summary).to_be_visible()
        expect(summary).to_be_focused()  # the browser's own doing: the address leads there
        expect(summary).to_be_in_viewport()
        expect(page.locator("#id_rec5_status_change_reason_error")).to_be_visible()
    finally:
        context.close()


def test_no_cell_cuts_its_text_at_1280_px(page, record, staff_user):
    log_in(page, staff_user)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(PAGE)
    assert page.locator("main table").count() >= 6
    assert page.evaluate(CLIPPED) == []
    assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
