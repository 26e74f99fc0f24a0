"""Fixtures for the end-to-end tests: headless Debian Chromium driven by Playwright.

Playwright's sync API keeps an asyncio event loop in the main thread, and Django's ORM refuses
to run where it sees one (SynchronousOnlyOperation). The tests, the factories and the live
server's database teardown all touch the ORM from that thread, so the guard is turned off here.
Nothing in these tests runs ORM code from a coroutine, which is what the guard protects against.
"""

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Short enough that a missing element fails the test quickly instead of hanging it.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (Debian's, never a downloaded one)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM}, which does not exist. "
            "Install it with `apt-get install -y chromium`; do not run `playwright install`.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh browser context (no cookies shared between tests).

    Relative URLs in ``page.goto`` resolve against the live server.
    """
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def sign_in(page, username: str, password: str) -> None:
    """Through the login form, as a person does; the page then shows where it led."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


# --- Accessibility and narrow screens --------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Screenshots of each step of the journeys (git-ignored with the rest of var/).
ARTIFACTS = ROOT / "var" / "artifacts" / "browser"
WIDTHS = (1280, 320)
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: scripts/test installs it with `npm ci`.",
                    pytrace=False)
    return AXE.read_text()


def axe_violations(page, axe_source) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2.x A and
    AA rules). Evaluated through the DevTools protocol, so the page's own CSP is untouched."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in BLOCKING_IMPACTS]


def overflowing_elements(page) -> list[str]:
    """The outermost elements that reach past the right edge of the viewport, to say what
    makes a page scroll sideways."""
    return page.evaluate("""() => {
        const width = window.innerWidth, found = [];
        for (const el of document.body.querySelectorAll('*')) {
            const box = el.getBoundingClientRect();
            if (box.right <= width + 1 || box.width === 0) continue;
            let parent = el.parentElement, nested = false;
            while (parent && parent !== document.body) {
                // Inside a box that scrolls or clips sideways, or inside a wide element
                // already counted.
                if (getComputedStyle(parent).overflowX !== 'visible' ||
                    parent.getBoundingClientRect().right > width + 1) { nested = true; break; }
                parent = parent.parentElement;
            }
            if (nested) continue;
            const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                (el.className && typeof el.className === 'string'
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
            found.push(`${name} (${Math.round(box.width)}px wide)`);
            if (found.length >= 5) break;
        }
        if (!found.length) {
            // Text wider than its box (a long word, an address) overflows without any
            // element reaching past the edge: name the box.
            for (const el of document.body.querySelectorAll('*')) {
                if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 &&
                    getComputedStyle(el).overflowX === 'visible' && el.children.length < 50) {
                    found.push(el.tagName.toLowerCase() + ' with text wider than its box');
                    if (found.length >= 5) break;
                }
            }
        }
        return found;
    }""")


def horizontal_overflow(page) -> int:
    """How many CSS pixels the document is wider than the viewport (0: no sideways scroll)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth")


class PageChecker:
    """Checks every page a journey visits, at each of ``WIDTHS``: axe-core finds no serious
    or critical violation and nothing scrolls sideways; a full-page screenshot of each goes
    to ``ARTIFACTS``. Problems are collected, so one run lists them all, and asserted by
    ``assert_clean`` at the end of the test."""

    def __init__(self, page, axe_source, journey: str):
        self.page, self.axe_source, self.journey = page, axe_source, journey
        self.problems: list[str] = []
        self.visited: list[str] = []
        self.step = 0
        (ARTIFACTS / journey).mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str) -> None:
        page = self.page
        self.step += 1
        original = page.viewport_size
        path = page.url
        self.visited.append(f"{name}: {path}")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": original["height"]})
            page.wait_for_timeout(50)  # let layout settle after the resize
            for violation in axe_violations(page, self.axe_source):
                self.problems.append(
                    f"{name} at {width}px ({path}): {violation['impact']} {violation['id']}"
                    f" - {violation['help']} - {violation['targets']}")
            overflow = horizontal_overflow(page)
            if overflow > 0:
                self.problems.append(
                    f"{name} at {width}px ({path}): scrolls sideways by {overflow}px;"
                    f" too wide: {', '.join(overflowing_elements(page))}")
            page.screenshot(full_page=True, path=str(
                ARTIFACTS / self.journey / f"{self.step:02d}-{name}-{width}.png"))
        page.set_viewport_size(original)

    def assert_clean(self) -> None:
        assert self.visited, "no page was checked"
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def check_page(page, axe_source, request):
    """``check_page("step-name")`` checks the page as it is now (see ``PageChecker``); at the
    end of the test ``check_page.assert_clean()`` reports every problem found together."""
    return PageChecker(page, axe_source, request.node.name)
