"""接口令牌 in Debian's chromium, on a phone: an organisation's member creates a token for the open API,
sees the key once, uses it, and revokes it; the token table scrolls inside its panel instead of
widening the page (a visually hidden column header once pushed the page to 570 px at 375)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from innomarket.common.tests.factories import OrganisationFactory, member_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"  # UserFactory's


def test_a_member_creates_uses_and_revokes_an_api_token_on_a_phone(browser, live_server, screenshot):
    organisation = OrganisationFactory(name="苏州某智能装备有限公司")
    member_of(organisation, username="token-member")
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 375, "height": 800}
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "token-member")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.goto(f"/workspace/o/{organisation.pk}/api-tokens/")
    page.get_by_label("名称（用途）").fill("企业小程序")
    page.get_by_label("读取本人与本机构信息（含本机构咨询）").check()
    page.get_by_role("button", name="创建令牌").click()

    expect(page.get_by_text("新令牌（只显示这一次）")).to_be_visible()
    key = page.locator("code").filter(has_text=re.compile(r"^imk_")).first.inner_text().strip()
    assert key.startswith("imk_")
    row = page.locator("#tokens tbody tr").filter(has_text="企业小程序")
    expect(row).to_contain_text("有效")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "api-token-created-375")

    me = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert me.status_code == 200 and me.json()["token"]["organisation"]["name"] == "苏州某智能装备有限公司"

    row.get_by_role("button", name="撤销").click()
    expect(page.locator("#tokens tbody tr").filter(has_text="企业小程序")).to_contain_text("已撤销")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    context.close()
