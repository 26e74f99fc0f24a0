"""End to end under the Content Security Policy: the pages, their scripts and the API docs
run in Chromium without a single CSP violation."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_compacts_e2e import log_in
from tests.dialogues.factories import DialogueFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def violations(page):
    """Every CSP violation Chromium reports on the page (it logs each as a console error)."""
    found = []
    page.on("console", lambda message: found.append(message.text)
            if "Content Security Policy" in message.text else None)
    return found


def test_pages_run_without_csp_violations(page, violations, staff_user, ghana_compact):
    dialogue = DialogueFactory(compact=ghana_compact)
    log_in(page, staff_user)

    for url in ("/", "/compacts/", f"/compacts/{ghana_compact.pk}/",
                f"/indicators/compact/{ghana_compact.pk}/",
                f"/indicators/compact/{ghana_compact.pk}/data-entry/",
                f"/contributions/compacts/{ghana_compact.pk}/", "/reports/",
                f"/dialogues/{dialogue.pk}/"):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        page.wait_for_load_state("networkidle")

    assert violations == []


def test_print_button_of_the_preparation_pack_works_without_inline_script(
        page, violations, staff_user, ghana_compact):
    dialogue = DialogueFactory(compact=ghana_compact)
    log_in(page, staff_user)
    page.goto(f"/dialogues/{dialogue.pk}/preparation/")
    page.evaluate("window.print = () => { window.printed = true; }")

    page.get_by_role("button", name="Print").click()

    assert page.evaluate("window.printed === true")
    assert violations == []


def test_api_docs_render_under_the_policy(page, violations, staff_user):
    log_in(page, staff_user)

    page.goto("/api/docs/")

    # The schema is built on the first request of the process: a few seconds on a busy machine.
    expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("CPC Oversight API")
    assert violations == []
