"""在线咨询 and 洽谈意向 in chromium: an enterprise asks about a published achievement and offers to
license it; the university that owns it answers the question, agrees to negotiate; each side sees the
other's words and the history. On a phone the form and the conversation fit the screen.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from innomarket.achievements.models import Achievement
from innomarket.common.tests.factories import OrganisationFactory, city, member_of
from innomarket.enquiries.models import Enquiry
from innomarket.organisations.models import Organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    university = OrganisationFactory(
        name="南京示例大学", kind=Organisation.Kind.UNIVERSITY, city=city("nanjing")
    )
    enterprise = OrganisationFactory(name="苏州示例生物科技有限公司", city=city("suzhou"))
    achievement = Achievement.objects.create(
        title="高通量单细胞测序微流控芯片",
        summary="可一次处理上万个细胞的微流控芯片。",
        owner=university,
        city=university.city,
        status="published",
        published_at=timezone.now(),
    )
    return {
        "owner": member_of(university, username="uni"),
        "asker": member_of(enterprise, username="ent"),
        "achievement": achievement,
    }


def test_intent_on_an_achievement_is_answered_by_its_owner(people, session, screenshot):
    achievement = people["achievement"]
    ent = session("ent", phone=True)
    ent.goto(achievement.get_absolute_url())
    ent.get_by_role("link", name="提交洽谈意向").click()
    # a missing subject is refused on its field, nothing sent
    ent.select_option("select[name=purpose]", "license")
    ent.fill("input[name=budget_wan]", "300")
    ent.fill("textarea[name=message]", "用于我司血液检测产品线，希望独占许可五年。")
    ent.get_by_role("button", name="发送").click()
    expect(ent.locator(".has-error")).to_contain_text("主题")
    assert not Enquiry.objects.exists()
    ent.fill("input[name=subject]", "独占许可洽谈")
    ent.get_by_role("button", name="发送").click()
    expect(ent.locator("#enquiry-status")).to_have_text("待答复")
    assert ent.evaluate("document.documentElement.scrollWidth") <= 375 + 1  # no sideways scrolling
    screenshot(ent, "enquiry-intent-sent-mobile")

    uni = session("uni")
    uni.goto("/inbox/")
    item = uni.locator(".inbox-item", has_text="独占许可洽谈").first
    expect(item).to_contain_text("新的洽谈意向")
    item.get_by_role("button", name="查看详情").click()
    expect(uni.locator(".enquiry-thread")).to_contain_text("血液检测产品线")
    expect(uni.locator(".facts")).to_contain_text("许可使用")
    uni.fill("#message-form textarea[name=message]", "同意洽谈，请约时间面谈。")
    uni.get_by_role("button", name="同意洽谈").click()
    expect(uni.locator("#enquiry-status")).to_have_text("同意洽谈")
    screenshot(uni, "enquiry-intent-accepted-owner")

    ent.goto("/workspace/enquiries/?box=sent")
    ent.get_by_role("link", name="独占许可洽谈").click()
    expect(ent.locator(".enquiry-thread")).to_contain_text("同意洽谈，请约时间面谈。")
    expect(ent.locator(".ws-history")).to_contain_text("同意洽谈")
    assert Enquiry.objects.get().status == "accepted"
