"""创新积分 × 金融服务 in Debian's chromium, on the demo data, each side in its own browser session.

demo-member's enterprise has its 经营数据 and therefore a 创新积分; the policy calculator lists the demo's
tier-gated 科创信用贷（普陀）(C 级及以上) among 可对接的金融产品. On a phone the member opens the product page
and reads that the tier fits, applies, is refused until it ticks the consent to show its score to the
bank, then applies. demo-bank (the sample 普陀 bank) opens the application and sees the tier, the total and
the percentiles, and finds the enterprise under its tier in 已授权企业.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from innomarket.accounts.models import User
from innomarket.demo.loader import DEFAULT_PASSWORD, DemoLoader
from innomarket.finance.models import FinancialProduct, LoanApplication
from innomarket.organisations.services import organisation_profile_update
from innomarket.points import selectors as points
from innomarket.points import services as points_services
from innomarket.points.models import ScoreConsent

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PRODUCT = "【示例】科创信用贷（普陀）"

# Last year's figures of a research-intensive small manufacturer (研发 10%, growth 25%, 70% high-tech).
FIGURES = {
    "year": 2025,
    "headcount": 120,
    "tech_staff": 45,
    "revenue_wan": Decimal("10000"),
    "revenue_prev_wan": Decimal("8000"),
    "rd_expense_wan": Decimal("1000"),
    "high_tech_revenue_wan": Decimal("7000"),
    "total_assets_wan": Decimal("15000"),
    "ip_total": 20,
    "invention_patents": 10,
    "class1_ip": 10,
}


@pytest.fixture
def demo():
    """The demo data, and demo-member's enterprise scored from its 经营数据 (as saving them does)."""
    DemoLoader(achievements=6).run()
    member = User.objects.get(username="demo-member")
    enterprise = member.membership_set.select_related("organisation").get().organisation
    organisation_profile_update(actor=member, organisation=enterprise, data=FIGURES)
    points_services.score_recompute(organisation_ids=[enterprise.pk])
    score = points.current_score(organisation=enterprise)
    assert score is not None and points.tier_meets(tier=score.tier, required="C"), score
    product = FinancialProduct.objects.get(title=PRODUCT)
    assert product.min_tier == "C" and product.owner.name.startswith("【示例】")
    return {"enterprise": enterprise, "score": score, "product": product}


@pytest.fixture
def login(browser, live_server):
    contexts = []

    def open_as(username: str, *, phone: bool = False):
        options = {"locale": "zh-CN", "base_url": live_server.url}
        if phone:
            options.update(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
        else:
            options.update(viewport={"width": 1280, "height": 900})
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEFAULT_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile(r"/workspace/"))
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_member_applies_to_a_tier_gated_product_with_consent_and_the_bank_sees_the_score(
    demo, login, screenshot
):
    enterprise, score, product = demo["enterprise"], demo["score"], demo["product"]
    fits = re.compile(rf"您的积分等级符合（{score.tier} 级，要求 C 级及以上）")

    # 1. The policy calculator lists the product among 可对接的金融产品.
    ent = login("demo-member", phone=True)
    ent.goto(f"/workspace/o/{enterprise.pk}/policies/")
    section = ent.locator("#finance-products")
    expect(section.get_by_role("heading", name="可对接的金融产品")).to_be_visible()
    expect(section.locator(".fin-products-meets")).to_contain_text(PRODUCT)

    # 2. The product page says the tier fits.
    section.get_by_role("link", name=PRODUCT).click()
    expect(ent.locator(".fin-tier")).to_contain_text(fits)
    screenshot(ent, "points-finance-01-product-fits-phone")

    # 3. Applying without the consent is refused on the box; with it, the application is submitted.
    ent.get_by_role("link", name="申请此产品").click()
    expect(ent.locator(".fin-tier")).to_contain_text(fits)
    ent.get_by_label("申请金额（万元）").fill("500")
    ent.get_by_label("申请期限（月）").fill("12")
    ent.get_by_label("资金用途").fill("研发投入60%，中试设备40%")
    ent.get_by_role("button", name="提交申请").click()
    expect(ent.locator(".has-error")).to_contain_text("须同意向")
    assert not LoanApplication.objects.filter(product=product).exists()
    assert not ScoreConsent.objects.filter(organisation=enterprise).exists()

    ent.get_by_label("同意向该机构授权查看本企业创新积分").check()
    ent.get_by_role("button", name="提交申请").click()
    expect(ent.locator("#application-status")).to_have_text("待受理")
    expect(ent.locator("#application-score")).to_contain_text("本企业已授权")
    screenshot(ent, "points-finance-02-applied-phone")
    consent = ScoreConsent.objects.get(organisation=enterprise)
    assert consent.institution_id == product.owner_id and consent.is_active

    # 4. The bank opens the application: tier, total and percentiles.
    bank = login("demo-bank")
    bank.goto("/workspace/finance/?status=submitted")
    bank.locator(".fin-applications tr", has_text=product.title).get_by_role(
        "link", name=enterprise.name
    ).click()
    panel = bank.locator("#application-score")
    expect(panel.locator(".fin-score-tier")).to_have_text(score.tier)
    expect(panel.locator(".fin-score-total")).to_have_text(re.compile(r"^\d+(\.\d+)?$"))
    expect(panel).to_contain_text("联盟内百分位")
    screenshot(bank, "points-finance-03-bank-sees-score")

    # 5. 已授权企业: the enterprise under its tier.
    bank.goto("/workspace/finance/")
    bank.get_by_role("link", name="查看已授权企业").click()
    expect(bank.get_by_role("heading", name=re.compile(rf"^{score.tier} 级（"))).to_be_visible()
    row = bank.locator(".fin-consents tr", has_text=enterprise.name)
    expect(row).to_contain_text(product.title)
    screenshot(bank, "points-finance-04-consenting-enterprises")
    assert not ent.js_errors and not bank.js_errors
