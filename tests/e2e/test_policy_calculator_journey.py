"""政策计算器 and 免申即享 in Debian's chromium, each person in their own browser session:

an enterprise member fills the organisation's 经营数据 in the workspace and sees the policy it meets
(with the amount and every condition met), the one it nearly meets (with what is missing) and, on
request, the ones it does not; saving the figures pushes the policy it now meets to its inbox; the
city administrator then publishes a new policy in the back office and the member is told of it too.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from innomarket.backoffice.tests.helpers import make_policy
from innomarket.common.tests.factories import OrganisationFactory, city, city_admin, member_of
from innomarket.notifications.models import Notification
from innomarket.policies.models import PolicyCondition, PolicyPush

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def condition(policy, kind, op, value):
    named = kind in PolicyCondition.NAMED_KINDS
    PolicyCondition.objects.create(
        policy=policy,
        kind=kind,
        op=op,
        number=None if named else Decimal(str(value)),
        name=value if named else "",
        is_confirmed=True,
    )


@pytest.fixture
def world():
    firm = OrganisationFactory(name="南京示例智造有限公司", city=city("nanjing"))
    member_of(firm, username="firm")
    city_admin("nanjing", username="njadmin")
    open_until = timezone.localdate() + dt.timedelta(days=60)
    reward = make_policy(
        "nanjing",
        status="published",
        title="南京市研发投入奖励（测试）",
        amount_max_wan=Decimal("50"),
        amount_note="按上年度研发费用的 10% 给予奖励",
        apply_until=open_until,
    )
    condition(reward, "registered_in", "==", "本市")
    condition(reward, "revenue", ">=", 1000)
    nurture = make_policy(
        "nanjing", status="published", title="南京市高企培育资助（测试）", apply_until=open_until
    )
    condition(nurture, "rd_ratio", ">=", 5)
    large = make_policy("nanjing", status="published", title="南京市规上企业研发机构补贴（测试）")
    condition(large, "revenue", ">=", 10000)
    pending = make_policy(
        "nanjing",
        status="submitted",
        title="南京市智能制造示范奖励（测试）",
        amount_min_wan=Decimal("20"),
        amount_max_wan=Decimal("20"),
    )
    condition(pending, "headcount", ">=", 50)
    return {"firm": firm, "reward": reward, "nurture": nurture, "large": large, "pending": pending}


def test_fill_the_figures_see_what_fits_and_be_told_once(session, world, screenshot):
    firm = world["firm"]
    member = session("firm", phone=True)

    # 1. From the organisation's page to the calculator: nothing fits before the figures are in.
    member.goto(f"/workspace/o/{firm.pk}/")
    member.get_by_role("link", name="打开政策计算器").click()
    expect(member.locator("#eligible")).to_contain_text("暂无完全符合的政策")

    # 2. The member fills the 经营数据 and saves.
    member.get_by_label("成立日期").fill("2019-05-01")
    member.get_by_label("职工总数（人）").fill("80")
    member.get_by_label("科技人员数（人）").fill("20")
    member.get_by_label("营业收入（万元）", exact=True).fill("1200")
    member.get_by_label("研发费用（万元）").fill("48")
    member.get_by_role("button", name="保存并计算").click()
    expect(member.get_by_text("经营数据已保存")).to_be_visible()

    # 3. Eligible with the amount and why; a near miss with what is missing; the rest on request.
    eligible = member.locator("#eligible")
    expect(eligible).to_contain_text("南京市研发投入奖励（测试）")
    expect(eligible).to_contain_text("最高 50 万元")
    expect(eligible).to_contain_text("营业收入 ≥ 1000万元，当前 1200万元")
    expect(eligible).to_contain_text("注册地符合（南京市）")
    near = member.locator("#near")
    expect(near).to_contain_text("南京市高企培育资助（测试）")
    expect(near).to_contain_text("研发费用占营业收入比例需 ≥ 5%，当前 4%")
    expect(member.locator("#other")).not_to_contain_text("南京市规上企业研发机构补贴（测试）")
    screenshot(member, "policy-calculator-1-result")
    member.get_by_role("link", name=re.compile("查看暂不符合或缺少数据的政策")).click()
    other = member.locator("#other")
    expect(other).to_contain_text("南京市规上企业研发机构补贴（测试）")
    expect(other).to_contain_text("营业收入需 ≥ 10000万元，当前 1200万元")
    screenshot(member, "policy-calculator-2-ineligible")

    # 4. Saving the figures made the organisation eligible: 免申即享 in the inbox, once.
    member.goto("/inbox/")
    pushed = member.locator(".inbox-title").filter(has_text="免申即享")
    expect(pushed).to_have_count(1)
    expect(pushed.first).to_contain_text("南京市研发投入奖励（测试）")
    expect(member.get_by_text("支持金额：最高 50 万元（按上年度研发费用的 10% 给予奖励）")).to_be_visible()

    # 5. The city administrator publishes a new policy the organisation meets.
    admin = session("njadmin")
    admin.goto(f"/admin/policies/policy/{world['pending'].pk}/change/")
    admin.get_by_role("link", name="核验通过").click()
    admin.get_by_role("button", name="核验通过").click()
    world["pending"].refresh_from_db()
    assert world["pending"].status == "published"

    member.goto("/inbox/")
    expect(member.locator(".inbox-title").filter(has_text="免申即享")).to_have_count(2)
    expect(member.locator(".inbox-title").filter(has_text="南京市智能制造示范奖励（测试）")).to_be_visible()
    screenshot(member, "policy-calculator-3-inbox")

    # 6. Saving the same figures again tells nobody twice.
    member.goto(f"/workspace/o/{firm.pk}/policies/")
    member.get_by_role("button", name="保存并计算").click()
    expect(member.get_by_text("经营数据已保存")).to_be_visible()
    assert Notification.objects.filter(kind="policy_push").count() == 2
    assert set(PolicyPush.objects.values_list("policy__title", "trigger")) == {
        ("南京市研发投入奖励（测试）", "profile"),
        ("南京市智能制造示范奖励（测试）", "published"),
    }
