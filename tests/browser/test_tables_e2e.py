"""Tables in Debian's Chromium, on the demo data, at 1280, 768 and 320 px: the dashboard, a
compact page, GAO's recommendation record, and the compact's contributions and indicators.
No cell cuts its text (its content is never wider than its box), the page never scrolls
sideways, and a table's container scrolls only where a cue above it says so (at 1280 px only
the indicator tracking table, a column per year, may: the others' prose wraps). The
dashboard's verdicts are measured opened too, their details shown."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from compacts.management.commands.seed_demo import load_demo
from compacts.models import Compact
from indicators.models import StandardIndicator
from indicators.standard_library import load_library
from oversight.models import GaoRecommendation
from tests.browser.conftest import ARTIFACTS, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "demo-pass-for-tests"
# 768 px too: between the stacked tables of narrow screens and the wide ones, where a table
# may scroll if a cue says so.
WIDTHS = (1280, 768, 320)

# Every visible cell whose content is wider than its box, and every table container that
# scrolls without a visible cue just above it.
MEASURE = """() => {
  const name = el => el.tagName.toLowerCase() + ' "' +
      el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 50) + '"';
  const visible = el => el.getClientRects().length > 0 &&
      getComputedStyle(el).visibility !== 'hidden';
  const clipped = [...document.querySelectorAll('main table td, main table th')]
    .filter(el => visible(el) && el.scrollWidth > el.clientWidth + 1)
    .map(el => `${name(el)}: ${el.scrollWidth}px in ${el.clientWidth}px`);
  const scrolling = [...document.querySelectorAll('main .usa-table-container--scrollable')]
    .filter(box => box.scrollWidth > box.clientWidth + 1)
    .map(box => {
      const cue = box.previousElementSibling;
      const cued = cue && cue.classList.contains('cpc-scroll-cue') && visible(cue);
      return {table: name(box.querySelector('table') || box), cued: !!cued,
              wide: box.scrollWidth, box: box.clientWidth};
    });
  return {clipped, scrolling, tables: document.querySelectorAll('main table').length,
          sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}"""


@pytest.fixture
def demo(transactional_db):
    load_library(StandardIndicator)
    load_demo(password=PASSWORD)
    # GAO's record is rows a migration writes; a transactional test run before this one
    # emptied the tables. The migration's loader writes it where it is missing.
    record = importlib.import_module("oversight.migrations.0006_gao_public_record_as_told")
    record.load(django_apps, None)
    assert GaoRecommendation.objects.count() == 6


def test_no_table_cuts_its_text_nor_widens_the_page(page, demo):
    colombia = Compact.objects.get(country__iso_code="CO")
    pages = [("dashboard", reverse("oversight:dashboard")),
             ("compact", reverse("oversight:compact-detail", args=[colombia.pk])),
             ("recommendations", reverse("oversight:gao-recommendations")),
             ("contributions", reverse("contributions:compact-contributions",
                                       args=[colombia.pk])),
             ("indicators", reverse("indicators:compact-indicators", args=[colombia.pk]))]
    # The tracking table (a year per column) may scroll at any width: its cue says so.
    wide_anyway = {"indicators"}
    sign_in(page, "tip.staff", PASSWORD)
    problems = []
    for name, url in pages:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            assert page.goto(url).status == 200
            states = ["closed", "opened"] if name == "dashboard" else ["as shown"]
            for state in states:
                if state == "opened":
                    page.evaluate("() => document.querySelectorAll('main details')"
                                  ".forEach(d => { d.open = true; })")
                found = page.evaluate(MEASURE)
                folder = ARTIFACTS / "tables"
                folder.mkdir(parents=True, exist_ok=True)
                page.screenshot(full_page=True, path=str(
                    folder / f"{name}-{width}-{state.replace(' ', '-')}.png"))
                where = f"{name} at {width}px ({state})"
                assert found["tables"] > 0, f"{where}: no table"
                problems += [f"{where}: cell cuts its text: {c}" for c in found["clipped"]]
                if found["sideways"] > 0:
                    problems.append(f"{where}: the page scrolls sideways by "
                                    f"{found['sideways']}px")
                for box in found["scrolling"]:
                    if not box["cued"] or (width >= 1280 and name not in wide_anyway):
                        cue = "" if box["cued"] else " with no cue"
                        problems.append(f"{where}: {box['table']} scrolls ({box['wide']}px"
                                        f" in {box['box']}px){cue}")
    assert problems == [], "\n".join(problems)
