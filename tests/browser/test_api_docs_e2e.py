"""The API docs page (Swagger UI, wrapped by templates/drf_spectacular/swagger_ui.html) in
Debian's Chromium, as TIP staff: axe-core finds no serious or critical violation, at 1280 and
320 px, before and after an operation is opened; the page has its main landmark and h1, and
no link is left inside the buttons that open the operations."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_compacts_e2e import log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 320])
def test_the_api_docs_pass_axe_closed_and_with_an_operation_open(page, axe_source, staff_user,
                                                                width):
    log_in(page, staff_user)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)  # a large schema

    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("main#main-content h1").first).to_have_text("CPC Oversight API")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)  # Swagger UI's is hidden
    assert page.get_by_role("main").count() == 1  # Swagger UI's own is a region in it
    assert page.locator(".opblock-summary-control a[href]").count() == 0
    assert axe_violations(page, axe_source) == []

    page.locator(".opblock-summary-control").first.click()
    expect(page.locator(".opblock.is-open .opblock-section").first).to_be_visible()
    assert axe_violations(page, axe_source) == []
