"""Pages read at 320 px without sideways scrolling, in Debian's Chromium on the demo data:
the compact's target proposals (TIP staff decide them there, a note box wide enough to type
in) and the implementer's data-entry grid, whose year being reported is in view first."""

import datetime as dt

import pytest

from compacts.management.commands.seed_demo import load_demo
from compacts.models import Compact
from cpc.fiscal import year_being_reported
from dialogues.models import TargetProposal, TargetProposalStatus
from indicators.models import StandardIndicator
from indicators.standard_library import load_library
from tests.browser.conftest import ARTIFACTS, horizontal_overflow, overflowing_elements, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "demo-pass-for-tests"
NARROW = {"width": 320, "height": 900}


@pytest.fixture
def demo(transactional_db):
    load_library(StandardIndicator)
    load_demo(password=PASSWORD)
    return Compact.objects.get(country__iso_code="CO")


def test_target_proposals_fit_320_px_with_a_note_box_to_type_in(page, demo):
    assert TargetProposal.objects.filter(dialogue__compact=demo,
                                         status=TargetProposalStatus.PENDING).exists()
    sign_in(page, "tip.staff", PASSWORD)
    page.set_viewport_size(NARROW)
    assert page.goto(f"/dialogues/compact/{demo.pk}/target-proposals/").status == 200
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(full_page=True, path=str(ARTIFACTS / "target-proposals-320.png"))
    sizes = page.evaluate("() => ({scroll: document.documentElement.scrollWidth,"
                          " client: document.documentElement.clientWidth})")
    assert sizes["scroll"] <= sizes["client"], overflowing_elements(page)
    assert horizontal_overflow(page) <= 0
    notes = page.locator("input[name=decision_note]")
    assert notes.count() >= 1
    for index in range(notes.count()):
        box = notes.nth(index).bounding_box()
        assert box["width"] >= 150, f"the reject note box is {box['width']} px wide"
        assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"]


def test_the_implementers_grid_shows_the_year_being_reported_first_at_320_px(page, demo):
    year = year_being_reported(demo.fiscal_years(), dt.date.today())
    assert year and year != demo.fiscal_years()[0]
    sign_in(page, "implementer", PASSWORD)
    page.set_viewport_size(NARROW)
    assert page.goto(f"/indicators/compact/{demo.pk}/data-entry/").status == 200
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(full_page=True, path=str(ARTIFACTS / "implementer-grid-320.png"))
    assert horizontal_overflow(page) <= 0, overflowing_elements(page)
    heading = page.get_by_test_id("reporting-year")
    assert heading.inner_text().split()[:2] == ["FY", str(year)]
    # In view without scrolling: the column's heading and each of its cells lie inside the
    # viewport, the table's container not scrolled.
    assert page.evaluate("() => document.querySelector('.usa-table-container--scrollable')"
                         ".scrollLeft") == 0
    cells = page.locator(f"[data-testid^='cell-'][data-testid$='-{year}']")
    assert cells.count() >= 1
    for box in [heading.bounding_box()] + [cells.nth(i).bounding_box()
                                            for i in range(cells.count())]:
        assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"] + 1, box
    # Its inputs too (an implementer types the year's results there).
    first_input = cells.first.locator("input.usa-input").first
    box = first_input.bounding_box()
    assert box["x"] + box["width"] <= NARROW["width"], box
