"""Standard indicators across compacts, in Debian's Chromium on the demo data: the page reads
right at 1280, 1024, 768 and 320 px in English, Spanish and French (the crawl's checks: no
sideways scroll, no header overlap, no cell cutting its text, axe at 1280 and 320 px in
English), the table is stacked at 320 px with each fiscal year labelled, and the header's
link leads to it. Screenshots at 1280 and 320 px go to
``var/artifacts/browser/comparison/<role>/<language>/``."""

from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_crawl_e2e import check, demo, demo_server, signed_in_page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

URL = "/indicators/standard/"


@pytest.mark.parametrize(("role", "language"), [
    ("tip.staff", "en"), ("tip.staff", "es"), ("tip.staff", "fr"), ("embassy.officer", "en"),
    ("implementer", "en")])
def test_the_comparison_reads_right_at_every_width(browser, demo, axe_source, role,  # noqa: F811
                                                   language):
    context, page = signed_in_page(browser, demo, role, language)
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto("/")
        page.get_by_test_id("comparison-link").click()
        page.wait_for_load_state()
        assert page.url.endswith(URL)
        assert page.get_by_test_id("comparison-row").count() > 0
        shots = ARTIFACTS / "comparison" / role / language
        problems = check(page, f"{URL}, {role}, {language}", axe_source,
                         (1280, 320) if language == "en" else (1280,), shots=shots)
        # Stacked at 320 px: each year's cell shows its label above its figures.
        page.set_viewport_size({"width": 320, "height": 900})
        cell = page.get_by_test_id("comparison-cell").first
        label = cell.evaluate("el => getComputedStyle(el, '::before').content")
        assert label not in ("none", "normal", '""'), label
        assert cell.evaluate("el => getComputedStyle(el).display") == "block"
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


def test_one_standard_indicator_and_its_csv(browser, demo):  # noqa: F811
    context, page = signed_in_page(browser, demo, "auditor", "en")
    try:
        page.goto(URL)
        page.select_option("#standard", "PROS-1")
        page.get_by_role("button", name="Show").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("comparison-group").count() == 1
        assert "PROS-1" in page.get_by_test_id("comparison-group").inner_text()
        with page.expect_download() as download:
            page.get_by_test_id("comparison-csv").click()
        text = Path(download.value.path()).read_text(encoding="utf-8")
        assert text.startswith("standard code,") and "PROS-1" in text
        assert {line.split(",")[0] for line in text.splitlines()[1:]} == {"PROS-1"}
    finally:
        context.close()
