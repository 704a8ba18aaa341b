"""The site search in a real browser: a Chinese query, ranked hits with marks, the explanation
disclosure, a type facet, and the phone layout."""

import re

import pytest
from playwright.sync_api import expect

from innomarket.matching.services import rebuild_index
from innomarket.regions.tests.helpers import make_listing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def records():
    make_listing(
        "achievement",
        city="nanjing",
        title="可穿戴脉搏波血压监测技术",
        summary="基于光电容积脉搏波的无袖带连续血压监测算法，已完成小批量试产。",
    )
    make_listing(
        "policy",
        city="wuxi",
        title="无锡市医疗器械产业扶持政策",
        summary="支持脉搏波监测等智能穿戴设备研发。",
    )
    make_listing("space", city="suzhou", title="集成电路设计孵化器", summary="面向芯片设计企业的孵化空间。")
    make_listing("policy", city="nanjing", title="脉搏波草稿政策", status="draft")
    rebuild_index()


def test_search_ranks_marks_explains_and_filters(page, screenshot, records):
    response = page.goto("/search/")
    assert response and response.status == 200

    box = page.locator("form[role=search] #search-q")
    box.fill("脉搏波 血压")
    box.press("Enter")
    page.wait_for_url(re.compile(r"[?&]q="))

    hits = page.locator("ol.hits > li")
    first = hits.first
    expect(first.locator(".hit-title")).to_have_text("可穿戴脉搏波血压监测技术")
    expect(first.locator(".hit-title mark").first).to_be_visible()
    expect(page.get_by_text("脉搏波草稿政策")).to_have_count(0)
    expect(page.locator(".result-count")).to_contain_text("共找到")
    assert hits.count() >= 2  # the policy mentions 脉搏波 in its summary

    why = first.locator("details.why")
    expect(why.locator("dl")).not_to_be_visible()
    why.locator("summary").click()
    expect(why).to_have_attribute("open", "")
    expect(why.locator("summary")).to_have_text("匹配原因")
    expect(why.locator("dd mark").first).to_be_visible()
    # Only checkable reasons: the query's words found in the record, no raw score bars.
    expect(why.locator("dt", has_text="匹配关键词")).to_be_visible()
    expect(why.locator("dd mark", has_text="血压")).to_be_visible()
    expect(why.locator(".why-bar")).to_have_count(0)
    screenshot(page, "search-explanation")

    page.locator("[aria-labelledby=facet-type] a", has_text="政策").click()
    page.wait_for_url(re.compile(r"[?&]type=policy"))
    expect(hits).to_have_count(1)
    expect(hits.first.locator(".badge-type")).to_have_text("政策")
    expect(hits.first.locator(".hit-title")).to_have_text("无锡市医疗器械产业扶持政策")
    expect(page.locator("[aria-labelledby=facet-type] a[aria-current=true]")).to_contain_text("政策")
    assert page.js_errors == []


def test_search_on_a_phone_does_not_scroll_sideways(mobile_page, screenshot, records):
    page = mobile_page
    page.goto("/search/?q=脉搏波")

    expect(page.locator("ol.hits > li").first.locator(".hit-title")).to_contain_text("脉搏波")
    page.locator("details.why summary").first.click()
    expect(page.locator("details.why[open] .why-facts")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls {overflow}px sideways at 375px"
    screenshot(page, "search-mobile")
