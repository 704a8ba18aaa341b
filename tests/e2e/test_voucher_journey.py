"""创新券 from application to cross-city settlement in Debian's chromium, each side in its own session:

a 普陀 enterprise applies to the 普陀 programme (more than the per-enterprise cap first, refused on the
field); the 普陀 administrator approves less than asked and the voucher appears with its code; a 苏州
institute registers for the programme (cross-city) and is accepted; it enters the code (a wrong amount
first, refused on the field) and the service; the enterprise confirms; the 普陀 administrator settles;
the voucher's balance and ledger read right in the browser and in the ledger.
"""

from __future__ import annotations

import re
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect

from innomarket.common.tests.factories import OrganisationFactory, city, city_admin, member_of
from innomarket.organisations.models import Organisation
from innomarket.vouchers import selectors, services
from innomarket.vouchers.models import LedgerAccount, Redemption, Voucher, VoucherProgram
from innomarket.vouchers.settlement_export import DETAIL_SHEET

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WAN = services.FEN_PER_WAN


@pytest.fixture
def programme():
    admin = city_admin("putuo", username="admin-putuo")
    programme = VoucherProgram.objects.create(
        city=city("putuo"),
        name="2026年度上海市普陀区科技创新券（示例）",
        year=2026,
        total_budget_wan=Decimal("500"),
        max_per_enterprise_wan=Decimal("20"),
        eligible_services="检验检测、大型科学仪器共享",
        status=VoucherProgram.Status.OPEN,
    )
    programme.accepted_cities.set([city("suzhou")])
    services.programme_fund(actor=admin, programme=programme, amount_fen=300 * WAN)
    enterprise = OrganisationFactory(name="普陀示例智能科技有限公司", city=city("putuo"))
    institute = OrganisationFactory(
        name="苏州示例材料研究院", city=city("suzhou"), kind=Organisation.Kind.INSTITUTE
    )
    member_of(enterprise, username="demo-member")
    member_of(institute, username="demo-provider")
    city_admin("suzhou", username="admin-suzhou")
    return programme


def test_voucher_from_application_to_cross_city_settlement(session, programme, screenshot):
    # 1. The enterprise applies on a phone; 25 万 is above the 20 万 cap and refused on the field.
    ent = session("demo-member", phone=True)
    ent.goto("/workspace/")
    ent.get_by_role("link", name="我的创新券").click()
    ent.get_by_role("link", name="申领", exact=True).click()
    ent.get_by_label("申领金额（万元）").fill("25")
    ent.get_by_label("所需服务类别").select_option(label="检验检测")
    ent.get_by_label("服务需求说明").fill("新品可靠性验证所需的材料成分分析，拟委托苏州的研究院")
    ent.get_by_role("button", name="提交申领").click()
    expect(ent.locator(".has-error").get_by_text("超出单家企业上限")).to_be_visible()
    ent.get_by_label("申领金额（万元）").fill("10")
    ent.get_by_role("button", name="提交申领").click()
    expect(ent.locator("#application-status")).to_have_text("待审核")
    screenshot(ent, "vouchers-01-applied-phone")

    # 2. The 普陀 administrator finds it in the queue and approves 8 万 (less than asked).
    admin = session("admin-putuo")
    admin.goto("/workspace/vouchers/")
    admin.get_by_role("link", name=re.compile("城市管理员：审核与结算")).click()
    admin.get_by_role("link", name="普陀示例智能科技有限公司").click()
    admin.locator("#answer-approve summary").click()
    admin.get_by_label("核定金额（万元）").fill("8")
    admin.get_by_role("button", name="确认批准并发券").click()
    expect(admin.locator("#application-status")).to_have_text("已批准发券")
    voucher = Voucher.objects.get()
    assert re.fullmatch(r"PT2026-[0-9A-Z]{8}", voucher.code)

    # The enterprise sees its voucher and code.
    ent.goto("/workspace/vouchers/")
    ent.get_by_role("link", name=voucher.code).click()
    expect(ent.locator("#voucher-code")).to_have_text(voucher.code)
    expect(ent.locator("#voucher-balance")).to_have_text("80,000.00 元")

    # 3. The 苏州 institute asks to join the 普陀 programme; the administrator registers it.
    provider = session("demo-provider")
    provider.goto("/workspace/vouchers/")
    provider.get_by_role("link", name="申请登记为服务机构").click()
    provider.get_by_label("检验检测").check()
    provider.get_by_label("可提供的服务").fill("材料成分分析（按检测项目收费）")
    provider.get_by_role("button", name="提交登记申请").click()
    expect(provider.locator("#provider-application-status")).to_have_text("待审核")
    admin.goto("/workspace/vouchers/review/")
    admin.get_by_role("link", name="苏州示例材料研究院").click()
    admin.locator("#answer-accept summary").click()
    admin.get_by_role("button", name="确认登记").click()
    expect(admin.locator("#provider-application-status")).to_have_text("已登记")

    # 4. The provider enters the code (as typed, lower case) and the service; too much is refused.
    provider.goto("/workspace/vouchers/redeem/")
    provider.get_by_label("券号").fill(voucher.code.lower())
    provider.get_by_label("服务内容").fill("材料成分分析 12 项")
    provider.get_by_label("兑付金额（元）").fill("90000")
    provider.get_by_role("button", name="提交兑付申请").click()
    expect(provider.locator(".has-error").get_by_text("创新券余额不足")).to_be_visible()
    provider.get_by_label("兑付金额（元）").fill("36800")
    provider.get_by_role("button", name="提交兑付申请").click()
    expect(provider.locator("#redemption-status")).to_have_text("待企业确认")

    # 5. The enterprise confirms it.
    ent.goto("/workspace/vouchers/")
    ent.get_by_role("link", name=re.compile("苏州示例材料研究院 · 材料成分分析")).click()
    ent.locator("#answer-confirm summary").click()
    ent.get_by_role("button", name="确认服务属实并兑付").click()
    expect(ent.locator("#redemption-status")).to_have_text("已确认待结算")
    screenshot(ent, "vouchers-02-confirmed-phone")

    # 6. The 普陀 administrator settles it: 普陀's budget pays the 苏州 provider.
    admin.goto("/workspace/vouchers/review/")
    admin.get_by_role("link", name=voucher.code).click()
    expect(admin.get_by_text("跨城兑付")).to_be_visible()
    admin.locator("#answer-complete summary").click()
    admin.get_by_label("结算备注").fill("拨付凭证 2026-001")
    admin.get_by_role("button", name="确认结算").click()
    expect(admin.locator("#redemption-status")).to_have_text("已结算")
    screenshot(admin, "vouchers-03-settled")

    # The enterprise's voucher: 43,200.00 元 left, the settlement in its ledger.
    ent.goto(voucher.get_absolute_url())
    expect(ent.locator("#voucher-balance")).to_have_text("43,200.00 元")
    expect(ent.locator("#voucher-ledger")).to_contain_text("结算")
    expect(ent.locator("#voucher-status")).to_have_text("部分使用")

    redemption = Redemption.objects.get()
    assert redemption.status == "settled"
    assert selectors.voucher_balance(voucher=voucher) == 8 * WAN - 3_680_000
    settled = LedgerAccount.objects.get(kind="settled", organisation=redemption.provider)
    assert selectors.account_balance(account=settled) == 3_680_000
    assert selectors.programme_available(programme=programme) == 292 * WAN

    # 7. The month's settlement statements: 普陀 paid a 苏州 provider, and both cities' statements say
    # so and reconcile with the ledger; the .xlsx carries the same line to the 分.
    admin.goto("/admin/voucher-ledger/settlement/")
    expect(admin.get_by_text("与总账核对一致")).to_be_visible()
    paid = admin.locator("table").filter(has_text="服务机构所在城市").first
    expect(paid).to_contain_text("苏州市")
    expect(paid).to_contain_text("¥36,800.00")
    screenshot(admin, "vouchers-04-statement")
    with admin.expect_download() as download:
        admin.get_by_role("link", name=re.compile("下载结算单")).click()
    with open(download.value.path(), "rb") as fileobj:
        workbook = openpyxl.load_workbook(fileobj)
    rows = list(workbook[DETAIL_SHEET].iter_rows(values_only=True))
    lines = [row for row in rows[1:] if any(cell == Decimal("36800.00") or cell == 36800 for cell in row)]
    assert len(lines) == 1 and "苏州市" in lines[0] and voucher.code in " ".join(str(c) for c in lines[0])

    suzhou = session("admin-suzhou")
    suzhou.goto("/admin/voucher-ledger/settlement/")
    expect(suzhou.get_by_text("与总账核对一致")).to_be_visible()
    received = suzhou.locator("table").filter(has_text="付款城市").first
    expect(received).to_contain_text("普陀区")
    expect(received).to_contain_text("¥36,800.00")
