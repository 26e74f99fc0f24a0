"""axe-core and narrow screens on the main pages of each role, on the demo data, in Debian's
Chromium: no serious or critical violation at 1280 px or 320 px, and no page scrolls
sideways. The role journeys check the pages they pass through the same way; this sweep
covers the pages they do not."""

import pytest
from django.urls import reverse

from compacts.management.commands.seed_demo import load_demo
from compacts.models import Compact
from dialogues.models import Dialogue
from indicators.models import StandardIndicator
from indicators.standard_library import load_library
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "demo-pass-for-tests"


@pytest.fixture
def demo(transactional_db):
    load_library(StandardIndicator)
    load_demo(password=PASSWORD)


def pages_of(role: str) -> list[tuple[str, str]]:
    colombia = Compact.objects.get(country__iso_code="CO")
    dialogue = Dialogue.objects.filter(compact=colombia).order_by("-fiscal_year").first()
    common = [
        ("dashboard", reverse("oversight:dashboard")),
        ("compact-list", reverse("compacts:compact-list")),
        ("compact", reverse("oversight:compact-detail", args=[colombia.pk])),
        ("indicators", reverse("indicators:compact-indicators", args=[colombia.pk])),
        ("dialogue", reverse("dialogues:dialogue-detail", args=[dialogue.pk])),
        ("preparation-pack", reverse("dialogues:preparation-pack", args=[dialogue.pk])),
        ("contributions", reverse("contributions:compact-list")),
        ("compact-contributions",
         reverse("contributions:compact-contributions", args=[colombia.pk])),
        ("plan", reverse("contributions:plan", args=[colombia.pk])),
        ("upcoming-dialogues", reverse("oversight:upcoming-dialogues")),
        ("recommendations", reverse("oversight:gao-recommendations")),
        ("reports", reverse("reports:report-center")),
        ("my-work", reverse("workspace:my-work")),
        ("notifications", reverse("notifications:list")),
        ("notification-choices", reverse("notifications:preferences")),
        ("search", reverse("search:search") + "?q=child"),
        ("action-items", reverse("dialogues:action-items")),
        ("compact-history", reverse("audit:compact-history", args=[colombia.pk])),
        ("dialogue-history", reverse("audit:dialogue-history", args=[dialogue.pk])),
    ]
    writers = [
        ("data-entry", reverse("indicators:data-entry", args=[colombia.pk])),
        ("bulk-upload", reverse("indicators:bulk-upload", args=[colombia.pk])),
        ("record-prepare", reverse("dialogues:record-prepare", args=[dialogue.pk])),
        ("record-hold", reverse("dialogues:record-hold", args=[dialogue.pk])),
        ("record-outcomes", reverse("dialogues:record-outcomes", args=[dialogue.pk])),
        ("record-close", reverse("dialogues:record-close", args=[dialogue.pk])),
    ]
    staff = [("overdue-plans", reverse("contributions:overdue-plans"))]
    return common + {"tip.staff": writers + staff, "embassy.officer": writers,
                     "auditor": staff}[role]


@pytest.mark.parametrize("role", ["tip.staff", "embassy.officer", "auditor"])
def test_main_pages_pass_axe_and_fit_320px(page, check_page, demo, role):
    page.goto("/accounts/login/")
    check_page("login")
    sign_in(page, role, PASSWORD)
    for name, url in pages_of(role):
        response = page.goto(url)
        assert response.status == 200, f"{name}: {url} answered {response.status}"
        check_page(name)
    check_page.assert_clean()


def test_the_checker_finds_violations_and_sideways_scroll(page, axe_source):
    """The sweep can fail: an image without a text alternative is a critical violation, and
    a box wider than 320 px makes the page scroll sideways."""
    from tests.browser.conftest import PageChecker

    page.set_content('<html lang="en"><head><title>t</title></head><body><main>'
                     '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
                     '<div style="width: 900px">wide</div></main></body></html>')
    checker = PageChecker(page, axe_source, "checker-self-test")
    checker("bad-page")
    problems = "\n".join(checker.problems)
    assert "critical image-alt" in problems
    assert "at 320px" in problems and "scrolls sideways by" in problems
    assert "div (900px wide)" in problems
