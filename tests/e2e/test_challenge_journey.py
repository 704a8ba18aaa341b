"""揭榜挂帅 from end to end in Debian's chromium, each person in their own browser session:

an enterprise posts a challenge and the diagnosis asks for acceptance criteria; the city
administrator publishes it; two universities accept the terms and bid; the enterprise declines one
with a reason and awards the other; the contract is signed, the university reports a milestone
done and the enterprise accepts it, and the cooperation list shows the project.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from innomarket.challenges.models import Bid, Challenge
from innomarket.common.tests.factories import OrganisationFactory, city, city_admin, member_of
from innomarket.organisations.models import Organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    enterprise = OrganisationFactory(name="常州示例储能科技有限公司", city=city("changzhou"))
    uni_a = OrganisationFactory(name="南京示例大学", kind=Organisation.Kind.UNIVERSITY, city=city("nanjing"))
    uni_b = OrganisationFactory(name="无锡示例研究院", kind=Organisation.Kind.INSTITUTE, city=city("wuxi"))
    return {
        "enterprise": member_of(enterprise, username="ent"),
        "admin": city_admin("changzhou", username="czadmin"),
        "uni_a": member_of(uni_a, username="unia"),
        "uni_b": member_of(uni_b, username="unib"),
    }


def bid_as(page, challenge_url: str, approach: str, price: str) -> None:
    page.goto(challenge_url)
    page.get_by_role("button", name="同意并查看全文").click()
    expect(page.get_by_text("预警提前时间≥10 分钟").first).to_be_visible()  # the full text, after the terms
    page.get_by_role("link", name="我要揭榜").first.click()
    page.get_by_label("团队").fill("电池安全课题组，教授 1 名、博士后 2 名")
    page.get_by_label("技术方案").fill(approach)
    page.get_by_label("里程碑与进度").fill("2027-03-31 方案设计\n2027-09-30 样机验证")
    page.get_by_label("报价（万元）").fill(price)
    page.get_by_role("button", name="提交方案").click()
    expect(page.locator(".badge-status-submitted").first).to_be_visible()


def test_post_publish_bid_decline_award_deliver(session, people, screenshot):
    # 1. The enterprise posts; the live diagnosis asks for acceptance criteria.
    ent = session("ent")
    ent.goto("/workspace/challenge/new/")
    ent.get_by_label("榜单名称").fill("储能电池包热失控早期预警")
    ent.get_by_label("公开摘要").fill("面向储能电站的电池热失控早期预警方案。")
    ent.get_by_label("问题描述").fill(
        "储能电站电池包在高温工况下存在热失控风险，现有 BMS 只能在温度超限后报警，需要提前预警并定位故障电芯。"
    )
    ent.get_by_label("技术指标").fill("预警提前时间≥10 分钟；误报率≤1%。")
    ent.get_by_label("预算下限（万元）").fill("100")
    ent.get_by_label("预算上限（万元）").fill("300")
    ent.get_by_label("揭榜截止日期").fill((timezone.localdate() + dt.timedelta(days=60)).isoformat())
    diagnosis = ent.locator("#challenge-diagnosis")
    expect(diagnosis).to_contain_text("缺少验收标准")
    ent.get_by_role("button", name="保存并提交核验").click()
    expect(ent.locator(".has-error").filter(has_text="验收标准").first).to_be_visible()
    screenshot(ent, "journey-1-diagnosis")
    assert not Challenge.objects.exists()
    ent.get_by_label("验收标准").fill(
        "在 3 个电池包上完成 100 次热滥用试验，第三方检测报告确认预警提前时间≥10 分钟。"
    )
    expect(diagnosis).not_to_contain_text("缺少验收标准")
    ent.get_by_role("button", name="保存并提交核验").click()
    expect(ent.get_by_text("待核验").first).to_be_visible()
    challenge = Challenge.objects.get()
    assert challenge.status == "submitted"

    # 2. The city administrator of 常州 publishes it in the back office.
    admin = session("czadmin")
    admin.goto(f"/admin/challenges/challenge/{challenge.pk}/change/")
    admin.get_by_role("link", name="核验通过").click()
    admin.get_by_role("button", name="核验通过").click()
    challenge.refresh_from_db()
    assert challenge.status == "published"

    # 3. Two universities accept the terms and bid.
    url = f"/challenges/{challenge.pk}/"
    bid_as(session("unia"), url, "多传感器融合（气体、应变、温度）与早期特征识别模型。", "200")
    uni_b = session("unib")
    bid_as(uni_b, url, "基于声发射信号的热失控预警。", "480")
    challenge.refresh_from_db()
    assert challenge.status == "bidding" and challenge.bids.filter(status="submitted").count() == 2

    # 4. The enterprise closes bidding, declines one with a reason, shortlists and awards the other.
    ent.goto(f"/challenges/{challenge.pk}/manage/")
    ent.get_by_role("button", name="截止揭榜，进入评审").click()
    card_b = ent.locator("article").filter(has=ent.get_by_role("heading", name=re.compile("无锡示例研究院")))
    card_b.get_by_text("未入选", exact=True).click()
    card_b.get_by_label("报价或预算不合适").check()  # several reasons may be given
    card_b.get_by_label("周期不满足").check()
    card_b.get_by_label("说明").fill("报价超出预算上限 300 万元。")
    card_b.get_by_role("button", name="答复未入选").click()
    expect(ent.get_by_text("报价超出预算上限 300 万元").first).to_be_visible()
    card_a = ent.locator("article").filter(has=ent.get_by_role("heading", name=re.compile("南京示例大学")))
    card_a.get_by_role("button", name="入围").click()
    card_a = ent.locator("article").filter(has=ent.get_by_role("heading", name=re.compile("南京示例大学")))
    card_a.get_by_text("定榜", exact=True).click()
    expect(card_a.get_by_label("里程碑")).to_have_value(re.compile("2027-03-31"))
    card_a.get_by_role("button", name="确认定榜").click()
    ent.get_by_role("button", name="确认已签约，进入攻关").click()
    challenge.refresh_from_db()
    assert challenge.status == "in_progress"
    assert set(Bid.objects.values_list("status", flat=True)) == {"contracted", "declined"}

    # 5. The university reports a milestone done and the enterprise accepts it (验收).
    uni_a = session("unia")
    uni_a.goto(f"/challenges/bids/{Bid.objects.get(status='contracted').pk}/")
    uni_a.get_by_role("link", name="报告完成").first.click()
    uni_a.get_by_label("完成说明").fill("方案设计完成，通过专家评审。")
    uni_a.get_by_role("button", name="报告完成").click()
    expect(uni_a.get_by_text("已报告完成，发榜方会收到通知并验收。")).to_be_visible()
    ent.goto(f"/challenges/{challenge.pk}/manage/")
    ent.get_by_role("link", name="查看并验收").first.click()
    ent.get_by_role("button", name="验收通过").click()
    ent.goto(f"/challenges/{challenge.pk}/manage/#cooperation")
    expect(ent.locator("#cooperation").get_by_text("已验收").first).to_be_visible()
    screenshot(ent, "journey-2-console")

    # The declined bidder sees the structured reason.
    uni_b.goto("/challenges/bids/")
    expect(uni_b.get_by_text("报价或预算不合适、周期不满足").first).to_be_visible()

    # 6. The cooperation list shows the project (进行时), and its page the completed milestone.
    ent.goto("/cooperation/")
    card = ent.get_by_role("link", name="储能电池包热失控早期预警")
    expect(card.first).to_be_visible()
    card.first.click()
    expect(ent.get_by_text("进行时").first).to_be_visible()
    expect(ent.locator(".milestone-done")).to_have_count(1)
    screenshot(ent, "journey-3-cooperation")
