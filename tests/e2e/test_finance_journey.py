"""金融服务 from end to end in Debian's chromium, each side in its own browser session:

an enterprise applies for a bank's credit product (an amount outside the product's 额度 first, refused on
the field; then a valid one with a file); the bank member finds it under 待受理, 受理s it and answers
授信 with an amount; the enterprise sees the credit in its workspace and in its inbox. On a phone too.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from innomarket.common.tests.factories import OrganisationFactory, city, member_of
from innomarket.finance.models import LoanApplication
from innomarket.organisations.models import Organisation
from innomarket.regions.tests.helpers import make_listing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def product(settings, tmp_path):
    settings.INNOMARKET_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    bank = OrganisationFactory(name="普陀示例商业银行", kind=Organisation.Kind.BANK, city=city("putuo"))
    enterprise = OrganisationFactory(name="蓝鸟示例科技有限公司", city=city("putuo"))
    member_of(bank, username="banker")
    member_of(enterprise, username="founder")
    return make_listing(
        "product",
        city="putuo",
        title="科技型企业授信额度",
        owner=bank,
        product_type="credit_line",
        amount_min_wan=Decimal("500"),
        amount_max_wan=Decimal("5000"),
        term_months=36,
    )


def test_enterprise_applies_bank_accepts_and_grants(session, product, screenshot, tmp_path):
    # 1. The enterprise applies from the product page; 9,000 万 is outside the 额度 and refused on the field.
    ent = session("founder", phone=True)
    ent.goto(product.get_absolute_url())
    ent.get_by_role("link", name="申请此产品").click()
    expect(ent.get_by_text("本产品额度：500–5,000 万元")).to_be_visible()
    ent.get_by_label("申请金额（万元）").fill("9000")
    ent.get_by_label("申请期限（月）").fill("12")
    ent.get_by_label("资金用途").fill("研发投入60%，业务拓展40%")
    ent.get_by_role("button", name="提交申请").click()
    expect(
        ent.locator(".has-error").get_by_text("不在本产品的额度范围（500–5,000 万元）之内")
    ).to_be_visible()
    assert not LoanApplication.objects.exists()

    statement = tmp_path / "2025年财务报表.pdf"
    statement.write_bytes(b"%PDF-1.4 demo statement")
    ent.get_by_label("申请金额（万元）").fill("3500")
    ent.get_by_label("申请材料").set_input_files(str(statement))
    ent.get_by_role("button", name="提交申请").click()
    expect(ent.locator("#application-status")).to_have_text("待受理")
    expect(ent.get_by_role("link", name="2025年财务报表.pdf")).to_be_visible()
    screenshot(ent, "finance-01-applied-phone")

    # 2. The bank finds it under 待受理 in its workspace, opens it, 受理s it.
    bank = session("banker")
    bank.goto("/workspace/")
    bank.get_by_role("link", name="融资申请与意向").click()
    bank.get_by_role("link", name=re.compile("待受理")).click()
    bank.get_by_role("link", name="蓝鸟示例科技有限公司").click()
    with bank.expect_download() as download:
        bank.get_by_role("link", name="2025年财务报表.pdf").click()
    assert download.value.suggested_filename == "2025年财务报表.pdf"
    bank.locator("#answer-accept summary").click()
    bank.get_by_label("受理说明").fill("客户经理将在3个工作日内联系")
    bank.get_by_role("button", name="确认受理").click()
    expect(bank.locator("#application-status")).to_have_text("已受理")

    # 3. 授信 with an amount: 0 is refused on the field, then 3,500 万元 for 12 months.
    bank.locator("#answer-grant summary").click()
    bank.get_by_label("授信金额（万元）").fill("0")
    bank.get_by_role("button", name="确认授信").click()
    expect(bank.locator("#answer-grant .has-error")).to_contain_text("授信金额须大于 0 万元")
    bank.get_by_label("授信金额（万元）").fill("3500")
    bank.get_by_label("授信期限（月）").fill("12")
    bank.get_by_label("授信条件").fill("信用方式，参考创新积分")
    bank.get_by_role("button", name="确认授信").click()
    expect(bank.locator("#application-status")).to_have_text("已授信")
    expect(bank.locator("section[aria-labelledby=history-head]")).to_contain_text("已受理")
    screenshot(bank, "finance-02-granted-bank")

    # 4. The enterprise sees the credit in its workspace and in its inbox.
    ent.goto("/workspace/finance/")
    expect(ent.locator(".fin-my-applications")).to_contain_text("授信 3,500 万元")
    ent.goto("/inbox/")
    expect(ent.get_by_text("获得授信 3,500 万元：科技型企业授信额度")).to_be_visible()
    expect(ent.get_by_text("融资申请已受理：科技型企业授信额度")).to_be_visible()
    ent.locator(".inbox-item", has_text="获得授信 3,500 万元").get_by_role("button", name="查看详情").click()
    expect(ent.locator(".fin-granted")).to_have_text("授信 3,500 万元")
    screenshot(ent, "finance-03-credit-seen-phone")

    application = LoanApplication.objects.get()
    assert application.status == "granted" and application.granted_amount_wan == Decimal("3500")
    assert not ent.js_errors if hasattr(ent, "js_errors") else True
