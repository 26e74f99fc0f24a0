"""The second factor in Chromium, under the Content Security Policy: the enrolment page's QR
code (an SVG ``data:`` image) shows, the code typed from the key confirms it, and the pages
of both steps run without a CSP violation or a serious accessibility violation."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.accounts.test_mfa import PASSWORD, totp_code
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


def test_staff_enrol_then_sign_in_with_a_code(page, axe_source, settings, staff_user):
    settings.REQUIRE_MFA = True
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)

    page.goto("/accounts/login/")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit][value='Sign in']")

    expect(page).to_have_url(re.compile(r"/accounts/mfa/enrol/"))
    qr = page.get_by_test_id("mfa-qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert axe_violations(page, axe_source) == []
    device = TOTPDevice.objects.get(user=staff_user, confirmed=False)
    page.fill("input[name=code]", totp_code(device))
    page.click("input[type=submit][value='Confirm']")
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_test_id("logout")).to_be_visible()

    # Signing in again: the second step asks the code.
    page.get_by_test_id("logout").click()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit][value='Sign in']")
    expect(page.get_by_test_id("mfa-verify")).to_be_visible()
    assert axe_violations(page, axe_source) == []
    page.fill("input[name=code]", totp_code(device, 1))
    page.click("input[type=submit][value='Sign in']")
    expect(page.get_by_test_id("my-work-link")).to_be_visible()
    assert violations == []
