"""Every page of each role, at 1280, 1024, 768 and 320 px, in English, Spanish and French, in
Debian's Chromium on the demo data.

The page list is the URL resolver's: every named route that answers GET, with the demo's
real ids (Colombia's compact and its records, which every role may read), less the routes in
``NOT_PAGES``, each with its reason. A route added later is crawled, or
``test_every_route_is_a_crawled_page_or_excluded`` fails naming it. A page a role may not
open answers 403 or 404 and is not crawled for that role; any other answer fails.

Each (role, page, language) is loaded once; the viewport is then resized to each width and
the cheap checks run in one ``page.evaluate`` (``CHECKS``):
  - the page does not scroll sideways;
  - no link, button, field or badge of the header overlaps another;
  - no table cell cuts its text (its content wider than its box);
  - no raw template syntax (``{#``, ``{%``, ``{{``) in the page's text or title.
axe-core (WCAG 2.x A and AA, serious and critical) runs at 1280 and 320 px in English and at
1280 px in Spanish and French, never at 1024 and 768: its rules read the document (names,
labels, roles, ARIA, landmarks, contrast of colours no media query of ours changes). What a
width changes is what is shown (the navigation collapsed below 1024 px, tables stacked below
640 px), which the widest and the narrowest layouts cover between them; what a language
changes is the words, not the structure, so one width per other language finds what is
specific to it (its ``lang``, a translation that leaves a name empty). Measured on this
2-core machine shared with other runs (load average about 9): TIP staff in English, 41 pages,
80 s: loading 17 s, the DOM checks at four widths 11.5 s, axe at two widths 41 s,
screenshots 10 s. axe at every width and language would more than double the crawl.

Screenshots of each role's main pages (``MAIN_PAGES``) at 1280 and 320 px go to
``var/artifacts/browser/crawl/`` (git-ignored; CI keeps them).

The demo is loaded once per process (``demo_module``) and only read: a GET never writes (the
access sweep, tests/test_access_sweep.py, holds every route to that), so the pages are
served by a live server of this module's own rather than pytest-django's, which would empty
the database after each test.
"""

import itertools
import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import NoReverseMatch, get_resolver, reverse
from pytest_django.live_server_helper import LiveServer

from compacts.models import Award, Compact
from contributions.models import Contribution, Measure, SustainabilityPlan
from dialogues.models import Dialogue
from indicators.models import Indicator, Result, Target
from oversight.models import GaoRecommendation
from tests.browser.conftest import ARTIFACTS, TIMEOUT_MS, axe_violations
from tests.test_access_sweep import PAGE_OBJECTS, PAGE_QUERY_OBJECTS, WORD_ARGUMENTS, _walk

# The database is set up for this module (django_db) and opened to the live server's thread
# by ``demo``.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ROLES = ("tip.staff", "embassy.officer", "auditor", "implementer")
LANGUAGES = ("en", "es", "fr")
WIDTHS = (1280, 1024, 768, 320)
# Where axe runs (see the module's docstring).
AXE_WIDTHS = {"en": (1280, 320), "es": (1280,), "fr": (1280,)}
# Screenshots of the main pages: in English (the crawl checks the other languages).
SHOT_LANGUAGES = ("en",)
PASSWORD = "pw-for-tests"  # demo_module's

# Routes that are not pages, each with its reason.
NOT_PAGES = {
    # Downloads: a file, not a document to look at.
    "compacts:guidance-document": "downloads the guidance document",
    "oversight:gao-action-evidence": "downloads an action's evidence file",
    "indicators:bulk-template": "downloads the upload template (XLSX)",
    "indicators:result-document": "downloads a result's source document",
    "indicators:indicator-table-csv": "downloads the indicator table (CSV)",
    "indicators:indicator-table-xlsx": "downloads the indicator table (XLSX)",
    "dialogues:attachment": "downloads a dialogue's attachment",
    "contributions:export": "downloads the contributions (CSV, XLSX)",
    "compacts:finance-csv": "downloads a compact's award finances (CSV)",
    "contributions:evidence": "downloads a contribution's evidence",
    "contributions:plan-document": "downloads a sustainability plan",
    "publishing:iati-download": "downloads the IATI activity file (XML)",
    "reports:report-download": "downloads a report (PDF, XLSX)",
    "reports:job-table": "a fragment htmx polls into the report centre, not a page",
    "audit:access-review-csv": "downloads the access review (CSV)",
    **{f"audit:{kind}-history-csv": "downloads a history (CSV)"
       for kind in ("compact", "indicator", "target", "result", "dialogue", "contribution",
                    "plan")},
    # Their GET sends the reader back to the page that holds their form (crawled there).
    **dict.fromkeys(
        ("oversight:fiscal-year-decision", "oversight:gao-action-add",
         "oversight:gao-status-change", "dialogues:dialogue-log",
         "contributions:contribution-verify", "contributions:contribution-evidence",
         "contributions:plan-save", "contributions:plan-move", "contributions:measure-add"),
        "a form's endpoint: GET redirects to the page that shows the form"),
    # Signing in and out: no program page.
    "login": "the sign-in page, crawled before signing in (test_the_sign_in_page)",
    "logout": "signs out (POST)",
    "accounts:mfa": "second factor: its own tests (tests/browser/test_mfa_e2e.py)",
    "accounts:mfa-verify": "second factor: its own tests (tests/browser/test_mfa_e2e.py)",
    "accounts:mfa-enrol": "second factor: its own tests (tests/browser/test_mfa_e2e.py)",
    "accounts:mfa-remove": "second factor: its own tests (tests/browser/test_mfa_e2e.py)",
    "accounts:reauth": "signing in again, reached only from a sensitive action",
    "accounts:oidc-login": "redirects to the identity provider (off in tests)",
    "accounts:oidc-callback": "the identity provider's redirect back",
    "language-set": "sets the language (POST) and redirects",
    "set_language": "sets the language (POST) and redirects",
    "private-file": "serves a private file after the download views' checks",
    "healthz": "load balancers' health check (JSON)",
    "favicon": "the icon",
    "schema": "the OpenAPI schema (YAML), read by /api/docs/",
}
# The JSON API (api/v1/) and Django's admin are no pages of the interface: the access
# sweep and tests/*/test_admin.py cover them. /api/docs/ is a page and is crawled.
NOT_PAGE_PREFIXES = ("api/v1/", "admin/")
# Pages that need a query string to show anything.
QUERIES = {"search:search": "?q=child"}
# Whose screenshots go to the artifacts at 1280 and 320 px.
MAIN_PAGES = {"oversight:dashboard", "workspace:my-work", "oversight:compact-detail",
              "indicators:compact-indicators", "indicators:data-entry",
              "dialogues:dialogue-detail", "dialogues:record-close",
              "contributions:compact-contributions", "oversight:gao-recommendations",
              "reports:report-center"}

# One evaluate at each width: what the page shows that it should not.
CHECKS = """() => {
  const visible = el => el.getClientRects().length > 0 &&
      getComputedStyle(el).visibility !== 'hidden';
  const text = el => (el.textContent || el.getAttribute('aria-label') || el.id || el.tagName)
      .trim().replace(/\\s+/g, ' ').slice(0, 50);
  const out = {};
  out.sideways = document.documentElement.scrollWidth - document.documentElement.clientWidth;
  if (out.sideways > 0) {
    // The outermost boxes reaching past the right edge, to name the cause.
    const width = document.documentElement.clientWidth, wide = [];
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.right <= width + 1 || box.width === 0) continue;
      let parent = el.parentElement, nested = false;
      while (parent && parent !== document.body) {
        if (getComputedStyle(parent).overflowX !== 'visible' ||
            parent.getBoundingClientRect().right > width + 1) { nested = true; break; }
        parent = parent.parentElement;
      }
      if (!nested) wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
          (typeof el.className === 'string' && el.className.trim()
              ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
          ` (${Math.round(box.width)}px wide)`);
      if (wide.length >= 4) break;
    }
    out.wide = wide;
  }
  const els = [...document.querySelectorAll(
      'header a, header button, header input, header select, header .usa-tag')]
    .filter(visible);
  out.overlaps = [];
  for (let i = 0; i < els.length; i++) for (let j = i + 1; j < els.length; j++) {
    const a = els[i], b = els[j];
    if (a.contains(b) || b.contains(a)) continue;
    const r = a.getBoundingClientRect(), q = b.getBoundingClientRect();
    if (Math.min(r.right, q.right) - Math.max(r.left, q.left) > 1 &&
        Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top) > 1)
      out.overlaps.push(`${text(a)} / ${text(b)}`);
  }
  out.clipped = [...document.querySelectorAll('td, th')]
    .filter(el => visible(el) && el.scrollWidth > el.clientWidth + 1)
    .slice(0, 5).map(el => `${el.tagName.toLowerCase()} "${text(el)}": ` +
                          `${el.scrollWidth}px in ${el.clientWidth}px`);
  const page = document.title + '\\n' + document.body.innerText;
  out.raw = [...page.matchAll(/\\{[#%{][^\\n]{0,40}/g)].slice(0, 3).map(m => m[0]);
  return out;
}"""


# --- The page list ---------------------------------------------------------------------------


def page_routes() -> list[tuple[str, str, tuple[str, ...]]]:
    """(route, name, arguments) of every route that answers GET and is not in NOT_PAGES."""
    routes = []
    for route in _walk(get_resolver().url_patterns):
        if route.route.startswith(NOT_PAGE_PREFIXES) or route.name in NOT_PAGES:
            continue
        if "get" not in route.methods():
            continue
        routes.append((route.route, route.name, route.arguments))
    return routes


def demo_objects() -> dict[type, object]:
    """The demo's records the pages are opened with: Colombia's (every role of the demo
    works on Colombia: the officer's country, the implementer's award)."""
    colombia = Compact.objects.get(country__iso_code="CO")
    dialogue = (Dialogue.objects.filter(compact=colombia, status="held")
                .order_by("-fiscal_year").first())
    return {
        Compact: colombia,
        Award: colombia.awards.order_by("pk").first(),
        Dialogue: dialogue,
        GaoRecommendation: GaoRecommendation.objects.order_by("number").first(),
        Contribution: Contribution.objects.filter(compact=colombia).order_by("pk").first(),
        Measure: Measure.objects.filter(plan__compact=colombia).order_by("pk").first(),
        SustainabilityPlan: SustainabilityPlan.objects.filter(compact=colombia).first(),
        Indicator: colombia.indicators.order_by("code").first(),
        Target: Target.objects.filter(indicator__compact=colombia).order_by("pk").first(),
        Result: Result.objects.filter(indicator__compact=colombia)
                      .order_by("-fiscal_year", "pk").first(),
    }


def page_urls() -> tuple[list[tuple[str, str]], list[str]]:
    """(name, url) of every page, and the routes whose ids the crawl cannot fill."""
    objects, pages, unplaced = demo_objects(), [], []
    for route, name, arguments in page_routes():
        models = (PAGE_QUERY_OBJECTS.get(name) or PAGE_OBJECTS.get(name)
                  or ({} if not arguments else None))
        if models is None or any(model not in objects for model in models.values()):
            unplaced.append(f"{route} ({name})")
            continue
        kwargs = {arg: objects[model].pk for arg, model in models.items()}
        query = QUERIES.get(name, "")
        if name in PAGE_QUERY_OBJECTS:
            query = "?" + "&".join(f"{arg}={kwargs.pop(arg)}" for arg in list(kwargs))
        words = [a for a in arguments if a not in models]
        if words:  # a word argument (a move, a decision): each value is its own page
            for values in itertools.product(*(WORD_ARGUMENTS[w] for w in words)):
                try:
                    url = reverse(name, kwargs=kwargs | dict(zip(words, values, strict=True)))
                except NoReverseMatch:
                    continue
                pages.append((f"{name}:{'-'.join(values)}", url + query))
        else:
            pages.append((name, reverse(name, kwargs=kwargs) + query))
    return pages, unplaced


def role_pages(role: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The pages ``role`` may open (200), and the answers that are neither that nor a
    refusal (403, 404), through Django's test client (fast: no browser)."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=role))
    pages, wrong = [], []
    for name, url in page_urls()[0]:
        response = client.get(url)
        if response.status_code == 200:
            if not response["Content-Type"].startswith("text/html"):
                wrong.append(f"{name} ({url}): {response['Content-Type']}, not a page")
            pages.append((name, url))
        elif response.status_code not in (403, 404):
            wrong.append(f"{name} ({url}): {response.status_code}")
    return pages, wrong


# --- Fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_server(demo_module, django_db_blocker):
    """A live server of this module's own over the demo (see the module's docstring)."""
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    try:
        yield server
    finally:
        server._live_server_modified_settings.disable()
        server.stop()
        # Its request threads may leave connections open: the session's teardown ends them
        # before dropping the test database (tests/conftest.py).


@pytest.fixture
def demo(demo_server, django_db_blocker):
    """The demo, served; the database open to the test and the server's thread (which
    only read it)."""
    with django_db_blocker.unblock():
        yield demo_server


def signed_in_page(browser, server, role, language):
    context = browser.new_context(base_url=server.url)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", role)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    # After signing in: the language cookie overrides the one the profile may have set.
    context.add_cookies([{"name": "django_language", "value": language, "url": server.url}])
    return context, page


def check(page, where, axe_source, axe_widths=(1280, 320), shots=None,
          timer=None) -> list[str]:
    """The problems of the page as loaded, at each width; ``timer`` adds up the seconds
    spent in the DOM checks, axe and screenshots."""
    problems, timer = [], timer if timer is not None else {}
    for width in WIDTHS:
        began = time.monotonic()
        page.set_viewport_size({"width": width, "height": 900})
        found = page.evaluate(CHECKS)
        timer["checks"] = timer.get("checks", 0) + time.monotonic() - began
        at = f"{where} at {width}px"
        if found["sideways"] > 0:
            problems.append(f"{at}: scrolls sideways by {found['sideways']}px; too wide: "
                            f"{', '.join(found['wide'])}")
        problems += [f"{at}: header overlap: {pair}" for pair in found["overlaps"]]
        problems += [f"{at}: cell cuts its text: {cell}" for cell in found["clipped"]]
        problems += [f"{at}: raw template syntax: {raw!r}" for raw in found["raw"]]
        if width in axe_widths:
            began = time.monotonic()
            problems += [f"{at}: axe {v['impact']} {v['id']} - {v['help']} - {v['targets']}"
                         for v in axe_violations(page, axe_source)]
            timer["axe"] = timer.get("axe", 0) + time.monotonic() - began
            if shots:
                began = time.monotonic()
                shots.mkdir(parents=True, exist_ok=True)
                page.screenshot(full_page=True, path=str(shots / f"{width}.png"))
                timer["screenshots"] = timer.get("screenshots", 0) + time.monotonic() - began
    return problems


# --- Tests -----------------------------------------------------------------------------------


def test_every_route_is_a_crawled_page_or_excluded(demo):
    """Every route that answers GET is placed: a page with ids the crawl fills, or in
    NOT_PAGES with its reason. Every page opens for some role, as a page (HTML), and
    refuses the others with 403 or 404, nothing else."""
    pages, unplaced = page_urls()
    assert not unplaced, ("routes the crawl cannot place (give their ids' model in "
                          "tests/test_access_sweep.py's PAGE_OBJECTS and the demo's record in "
                          f"demo_objects, or a reason in NOT_PAGES): {unplaced}")
    stale = set(NOT_PAGES) - {r.name for r in _walk(get_resolver().url_patterns)}
    assert not stale, f"NOT_PAGES names routes that no longer exist: {stale}"
    opened, wrong = set(), []
    for role in ROLES:
        role_list, role_wrong = role_pages(role)
        opened |= {name for name, _ in role_list}
        wrong += [f"{role}: {w}" for w in role_wrong]
    assert not wrong, "\n".join(wrong)
    never = [f"{name} ({url})" for name, url in pages if name not in opened]
    assert not never, f"pages no role of the demo can open: {never}"


def test_the_sign_in_page(browser, demo, axe_source):
    problems = []
    for language in LANGUAGES:
        context = browser.new_context(base_url=demo.url)
        context.add_cookies([{"name": "django_language", "value": language,
                              "url": demo.url}])
        page = context.new_page()
        try:
            assert page.goto("/accounts/login/").status == 200
            problems += check(page, f"sign-in, {language}", axe_source)
        finally:
            context.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_role(browser, demo, axe_source, role, language):
    """Every page is opened in the browser: a refusal (403, 404) is not crawled; the test
    client is not used here, as its sign-in would write in the test's open transaction
    rows the server's sign-in then waits for."""
    context, page = signed_in_page(browser, demo, role, language)
    problems, started, timer, crawled = [], time.monotonic(), {"loading": 0.0}, 0
    try:
        for name, url in page_urls()[0]:
            began = time.monotonic()
            response = page.goto(url)
            page.wait_for_load_state()
            timer["loading"] += time.monotonic() - began
            where = f"{name} ({url}), {role}, {language}"
            if response.status in (403, 404):
                continue
            if response.status != 200 or not response.headers.get(
                    "content-type", "").startswith("text/html"):
                problems.append(f"{where}: answered {response.status} "
                                f"{response.headers.get('content-type')}")
                continue
            crawled += 1
            shots = None
            if name in MAIN_PAGES and language in SHOT_LANGUAGES:
                shots = ARTIFACTS / "crawl" / role / language / name.replace(":", "-")
            problems += check(page, where, axe_source, AXE_WIDTHS[language], shots=shots,
                              timer=timer)
    finally:
        context.close()
    timing = (f"{role}, {language}: {crawled} pages in {time.monotonic() - started:.1f}s: "
              + ", ".join(f"{k} {v:.1f}s" for k, v in timer.items()))
    # Kept with the screenshots (pytest-xdist does not show what a test prints).
    (ARTIFACTS / "crawl").mkdir(parents=True, exist_ok=True)
    with open(ARTIFACTS / "crawl" / "timings.txt", "a") as timings:
        timings.write(timing + "\n")
    assert crawled, "no page was crawled"
    assert problems == [], f"{timing}\n{len(problems)} problems:\n" + "\n".join(problems)


SELF_TEST_PAGE = """<html lang="en"><head><title>t {{ title }}</title></head><body>
<header><a href="/a" style="position:absolute;left:0;top:0;width:100px">First</a>
<a href="/b" style="position:absolute;left:50px;top:0;width:100px">Second</a></header>
<main><h1>Self-test</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<p>{% if user %}</p>
<table><tr><td style="max-width:40px;overflow:hidden;white-space:nowrap">A sentence that is
cut by its cell</td></tr></table>
<div style="width:900px">wide</div></main></body></html>"""


def test_the_checks_find_what_they_look_for(browser, axe_source):
    """Each check can fail: a page with every fault the crawl looks for is reported for
    each of them, at the widths where it shows."""
    page = browser.new_page()
    try:
        page.set_content(SELF_TEST_PAGE)
        problems = "\n".join(check(page, "self-test", axe_source))
    finally:
        page.close()
    assert "self-test at 320px: scrolls sideways by" in problems
    assert "div (900px wide)" in problems
    assert "header overlap: First / Second" in problems
    assert 'cell cuts its text: td "A sentence that is cut by its cell"' in problems
    assert "raw template syntax: '{{ title }}'" in problems
    assert "raw template syntax: '{% if user %}'" in problems
    assert "self-test at 1280px: axe critical image-alt" in problems
    assert "at 1024px: axe" not in problems  # axe runs at 1280 and 320 only


def test_the_page_checker_finds_violations_and_sideways_scroll(browser, axe_source):
    """conftest's PageChecker, which the role journeys use, can fail too: an image without a
    text alternative is a critical violation, and a box wider than 320 px makes the page
    scroll sideways."""
    from tests.browser.conftest import PageChecker

    page = browser.new_page()
    try:
        page.set_content('<html lang="en"><head><title>t</title></head><body><main>'
                         '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
                         '<div style="width: 900px">wide</div></main></body></html>')
        checker = PageChecker(page, axe_source, "checker-self-test")
        checker("bad-page")
    finally:
        page.close()
    problems = "\n".join(checker.problems)
    assert "critical image-alt" in problems
    assert "at 320px" in problems and "scrolls sideways by" in problems
    assert "div (900px wide)" in problems
