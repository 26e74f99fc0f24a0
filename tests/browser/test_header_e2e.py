"""The header in Debian's Chromium, for each role, in each language, at 1280, 1024, 768 and
320 px: no link, button, field or badge of the header covers another, and the page never
scrolls sideways. Below 1024 px the navigation is behind the menu button; opened, its own
items do not overlap either. The users have the longest names and badges a page shows
(three-digit counts), so the widest header is the one measured."""

import pytest

from compacts import services
from cpc.access.roles import AUDITOR, EMBASSY_OFFICER, IMPLEMENTER, TIP_STAFF
from notifications.models import EmailStatus, Kind, Notification
from tests.compacts.factories import ImplementerFactory, PartnerCountryFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "pass-for-tests"
WIDTHS = (1280, 1024, 768, 320)
# The boxes of the visible interactive elements (and badges) under ``scope``, pairwise: the
# pairs that overlap by more than a pixel each way. An element inside another is not a pair.
OVERLAPS = """scope => {
  const els = [...document.querySelectorAll(
      `${scope} a, ${scope} button, ${scope} input, ${scope} select, ${scope} .usa-tag`)]
    .filter(e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
                   return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'; });
  const name = e => (e.textContent || e.getAttribute('aria-label') || e.id || e.tagName)
    .trim().replace(/\\s+/g, ' ').slice(0, 40);
  const pairs = [];
  for (let i = 0; i < els.length; i++) for (let j = i + 1; j < els.length; j++) {
    const a = els[i], b = els[j];
    if (a.contains(b) || b.contains(a)) continue;
    const r = a.getBoundingClientRect(), q = b.getBoundingClientRect();
    if (Math.min(r.right, q.right) - Math.max(r.left, q.left) > 1
        && Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top) > 1)
      pairs.push(`${name(a)} / ${name(b)}`);
  }
  return pairs;
}"""
SIDEWAYS = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"


def badges(user, count=123):
    Notification.objects.bulk_create(
        Notification(recipient=user, kind=Kind.RESULT_RETURNED, event_key=f"header-{n}",
                     subject="A result waits", body="", email_status=EmailStatus.NOT_SENT)
        for n in range(count))


@pytest.fixture
def people(transactional_db):
    ghana, peru = PartnerCountryFactory(iso_code="GH"), PartnerCountryFactory(iso_code="PE")
    made = {}
    for role, username, scope in [
        (TIP_STAFF, "tip.staff.with.a.long.name", {}),
        (EMBASSY_OFFICER, "embassy.officer.long.name", {"countries": [ghana, peru]}),
        (AUDITOR, "auditor.with.a.long.name", {}),
        (IMPLEMENTER, "implementer.long.name",
         {"implementers": [ImplementerFactory(name="Fundación Renacer")]}),
    ]:
        user = UserFactory(username=username, is_staff=role == TIP_STAFF)
        services.user_assign_role(user=user, role=role, **scope)
        badges(user)
        made[role] = user
    return made


@pytest.mark.parametrize("language", ["en", "es", "fr"])
@pytest.mark.parametrize("role", [TIP_STAFF, EMBASSY_OFFICER, AUDITOR, IMPLEMENTER])
def test_the_header_never_overlaps_itself(browser, live_server, people, role, language):
    context = browser.new_context(base_url=live_server.url, locale=language,
                                  extra_http_headers={"Accept-Language": language})
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.fill("input[name=username]", people[role].username)
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_load_state()
        assert page.locator("[data-testid=unread-count]").count() == 1  # the badge is there
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto("/")
            where = f"{role}, {language}, {width} px"
            assert page.evaluate(OVERLAPS, "header") == [], where
            assert not page.evaluate(SIDEWAYS), where
            if width < 1024:
                page.click(".usa-menu-btn")
                page.locator(".usa-nav.is-visible").wait_for()
                assert page.evaluate(OVERLAPS, ".usa-nav") == [], f"{where}, menu open"
                assert not page.evaluate(SIDEWAYS), f"{where}, menu open"
    finally:
        context.close()
