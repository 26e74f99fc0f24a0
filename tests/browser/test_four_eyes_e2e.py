"""Four eyes in Debian's Chromium against the real app: a TIP Office staff member records a
contribution with its evidence, tries to verify it and is told why not, beside its row; the
supervisor (a second staff member) then verifies it. Both pages pass axe-core at 1280 and
320 px (conftest.PageChecker)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from compacts import services as compact_services
from contributions import services
from contributions.models import Contribution
from cpc.access.roles import TIP_STAFF
from tests.browser.conftest import TIMEOUT_MS, PageChecker
from tests.compacts.factories import CompactFactory, PartnerCountryFactory, UserFactory
from tests.documents import pdf_bytes

# Tests of other rules that write figures of past fiscal years, locked by now.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("past_years_open")]

PASSWORD = "pass-for-tests"  # tests.compacts.factories.UserFactory's


def sign_in(browser, live_server, username):
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit][value='Sign in']")
    return context, page


def test_staff_cannot_verify_their_own_contribution_the_supervisor_can(
        browser, live_server, axe_source, transactional_db, private_storage):
    staff, supervisor = UserFactory(username="tip.staff"), UserFactory(username="tip.supervisor")
    for user in (staff, supervisor):
        compact_services.user_assign_role(user=user, role=TIP_STAFF)
    compact = CompactFactory(country=PartnerCountryFactory(iso_code="GH"))
    contribution = services.contribution_create(
        user=staff, compact=compact, fiscal_year=2024, kind="funding",
        description="Ministry budget line 14: specialized shelters",
        amount_local=Decimal("120000"), currency="GHS", amount_usd=Decimal("9800"),
        evidence=SimpleUploadedFile("extract.pdf", pdf_bytes("Budget extract, line 14.")))
    url = f"/contributions/compacts/{compact.pk}/"
    problems = []

    # The staff member who recorded it tries to verify it and reads why not.
    context, page = sign_in(browser, live_server, "tip.staff")
    page.goto(url)
    page.get_by_test_id("verify").click()
    error = page.get_by_test_id("row-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(str(services.ERR_VERIFY_OWN))
    checker = PageChecker(page, axe_source, "four-eyes-staff")
    checker("refused")
    problems += checker.problems
    context.close()
    contribution.refresh_from_db()
    assert not contribution.verified

    # The supervisor verifies it.
    context, page = sign_in(browser, live_server, "tip.supervisor")
    page.goto(url)
    page.get_by_test_id("verify").click()
    expect(page.locator(".usa-alert--success")).to_be_visible()
    expect(page.get_by_test_id("verified-cell")).to_contain_text("Verified")
    checker = PageChecker(page, axe_source, "four-eyes-supervisor")
    checker("verified")
    problems += checker.problems
    context.close()
    contribution = Contribution.objects.get(pk=contribution.pk)
    assert contribution.verified and contribution.verified_by == supervisor
    assert not problems, "\n".join(problems)
