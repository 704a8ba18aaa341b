"""创新积分 in a real browser: an enterprise opens its score, reads the explanation and what would raise it
most, lets a bank see it, the bank sees it, and the enterprise revokes it again."""

from decimal import Decimal

import pytest

from innomarket.common.tests.factories import OrganisationFactory, city, member_of
from innomarket.organisations.models import OrganisationProfile
from innomarket.points import selectors, services

pytestmark = pytest.mark.django_db(transaction=True)


def test_enterprise_reads_its_score_grants_a_bank_consent_and_revokes_it(session, screenshot):
    firm = OrganisationFactory(name="示例智能装备有限公司", city=city("suzhou"))
    OrganisationProfile.objects.create(
        organisation=firm,
        year=2025,
        headcount=120,
        rd_staff=30,
        revenue_wan=Decimal("6000"),
        revenue_prev_wan=Decimal("5000"),
        rd_expense_wan=Decimal("420"),
        high_tech_revenue_wan=Decimal("3000"),
        ip_total=20,
        invention_patents=6,
        class1_ip=8,
    )
    member_of(firm, username="firm-admin")
    bank = OrganisationFactory(name="示例商业银行苏州分行", kind="bank", city=city("suzhou"))
    member_of(bank, username="demo-bank")
    services.score_recompute()
    score = selectors.current_score(organisation=firm)

    # The enterprise, on a phone, goes from its organisation page to its score.
    page = session("firm-admin", phone=True)
    page.goto(f"/workspace/o/{firm.pk}/")
    page.get_by_role("link", name="查看创新积分").click()
    page.wait_for_url(f"**/workspace/o/{firm.pk}/points/")
    assert page.get_by_test_id("points-total").inner_text() == str(score.total)
    assert page.get_by_test_id("points-tier").inner_text() == score.tier
    explanation = page.get_by_test_id("points-explanation")
    assert explanation.get_by_role("row", name="研发费用占营业收入比例").is_visible()
    assert (
        "7" in explanation.get_by_role("row", name="研发费用占营业收入比例").inner_text()
    )  # 420 / 6000 = 7%
    assert score.best_gain["name"] in page.get_by_test_id("points-best-gain").inner_text()
    assert page.get_by_role("link", name="补充经营数据").is_visible()  # 技术合同、股权融资 … not reported
    screenshot(page, "points-enterprise-phone")

    # Consent to the bank.
    page.get_by_label("授权机构").select_option(label="示例商业银行苏州分行（金融机构 · 苏州市）")
    page.get_by_role("button", name="授权查看").click()
    page.wait_for_url("**/points/#consents")
    consents = page.get_by_test_id("points-consents")
    assert "示例商业银行苏州分行" in consents.inner_text() and "有效" in consents.inner_text()

    # The bank now sees the enterprise's tier and score on its own page.
    banker = session("demo-bank")
    banker.goto(f"/workspace/o/{bank.pk}/points/")
    row = banker.get_by_test_id("points-consenting").get_by_role("row", name="示例智能装备有限公司")
    assert score.tier in row.inner_text() and str(score.total) in row.inner_text()
    # … but not the enterprise's own page.
    assert banker.goto(f"/workspace/o/{firm.pk}/points/").status == 404

    # The enterprise revokes; the history shows both steps and the bank's list empties.
    page.get_by_role("button", name="撤回对示例商业银行苏州分行的授权").click()
    page.wait_for_url("**/points/#consents")
    assert "已于" in page.get_by_test_id("points-consents").inner_text()
    history = page.get_by_test_id("points-consent-history").inner_text()
    assert "授权查看" in history and "撤回授权" in history
    banker.goto(f"/workspace/o/{bank.pk}/points/")
    assert banker.get_by_test_id("points-consenting").count() == 0
    assert "还没有企业授权贵机构" in banker.content()
