"""榜单状态 on a phone: on the home page, the challenge list and a search hit, an open and a completed
challenge each carry their state as visible text (揭榜中 / 已完成), not as a colour alone."""

import pytest
from playwright.sync_api import expect

from innomarket.matching.services import rebuild_index
from innomarket.regions.tests.helpers import make_listing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OPEN, DONE = "浏览器状态检查榜单甲", "浏览器状态检查榜单乙"


def badge_of(page, container: str, title: str):
    return page.locator(container, has_text=title).locator(".badge-phase")


def test_open_and_completed_challenges_say_so_in_words(mobile_page, screenshot):
    make_listing("challenge", city="suzhou", title=OPEN, summary="机器视觉缺陷检测方案甲", status="bidding")
    make_listing("challenge", city="wuxi", title=DONE, summary="机器视觉缺陷检测方案乙", status="completed")
    rebuild_index()
    page = mobile_page

    page.goto("/")
    for title, text in ((OPEN, "揭榜中"), (DONE, "已完成")):
        badge = badge_of(page, ".teaser-list li", title)
        badge.scroll_into_view_if_needed()
        expect(badge).to_be_visible()
        expect(badge).to_have_text(text)
    page.locator(".teaser-list").first.scroll_into_view_if_needed()
    screenshot(page, "challenge-status-home-375", full_page=False)

    page.goto("/challenges/")
    for title, text in ((OPEN, "揭榜中"), (DONE, "已完成")):
        badge = badge_of(page, "article.listing-card", title)
        badge.scroll_into_view_if_needed()
        expect(badge).to_be_visible()
        expect(badge).to_have_text(text)
    page.locator("article.listing-card").first.scroll_into_view_if_needed()
    screenshot(page, "challenge-status-list-375", full_page=False)

    page.goto("/search/?q=浏览器状态检查榜单")
    for title, text in ((OPEN, "揭榜中"), (DONE, "已完成")):
        badge = badge_of(page, "article.hit", title)
        badge.scroll_into_view_if_needed()
        expect(badge).to_be_visible()
        expect(badge).to_have_text(text)
    font_size = badge.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert font_size >= 12
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "challenge-status-search-375", full_page=False)
