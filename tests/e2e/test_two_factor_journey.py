"""两步验证 in Debian's chromium, in the required mode of production: a city administrator signs in, is
sent to set up an authenticator, scans nothing but reads the secret under the QR code (the test plays
the phone, computing the code from it), keeps the recovery codes, reaches the back office; signing in
again on another device asks for a code first. No page breaks the Content Security Policy."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from innomarket.common.tests.factories import city_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"  # UserFactory's


def phone_code(secret: str, drift: int = 0) -> str:
    return f"{totp(b32decode(secret.replace(' ', '')), drift=drift):06d}"


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_an_administrator_sets_up_two_step_sign_in_and_then_needs_a_code(
    browser, live_server, settings, screenshot
):
    settings.INNOMARKET_ADMIN_2FA_REQUIRED = True
    city_admin("changzhou", username="cz-admin")
    csp_violations: list[str] = []

    first = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 390, "height": 844}
    )
    page = first.new_page()
    page.on("console", lambda m: "Content Security Policy" in m.text and csp_violations.append(m.text))
    sign_in(page, "cz-admin")
    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/accounts/2fa/\?next="))
    expect(page.get_by_role("heading", name="开启两步验证")).to_be_visible()
    expect(page.locator("figure.qr-code svg")).to_be_visible()
    screenshot(page, "two-factor-setup")
    secret = page.locator("code.otp-secret").inner_text()

    page.get_by_label("验证码").fill(phone_code(secret))
    page.get_by_role("button", name="验证并开启").click()
    expect(page.get_by_role("heading", name="备用码")).to_be_visible()
    expect(page.locator("ul.recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    expect(page.locator("#site-name")).to_contain_text("后台维护端")
    first.close()

    second = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = second.new_page()
    page.on("console", lambda m: "Content Security Policy" in m.text and csp_violations.append(m.text))
    sign_in(page, "cz-admin")
    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/accounts/2fa/verify/\?next="))
    page.get_by_label("验证码").fill(phone_code(secret, drift=1))  # the next step's code: not the one used
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    second.close()

    assert csp_violations == []
