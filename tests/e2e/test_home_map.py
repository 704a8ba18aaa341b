"""The home page, the alliance map and the city pages in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from innomarket.regions.models import City
from innomarket.regions.tests.helpers import ensure_observer_cities, make_listing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NANJING_CP = [118.767413, 32.041544]
PUDONG_CP = [121.567706, 31.245944]  # a Shanghai district that is not a member


@pytest.fixture
def corridor_data():
    ensure_observer_cities()
    City.objects.filter(slug="suzhou").update(
        cloud_platform_name="苏州科创云（示例）", cloud_platform_url="https://example.org/"
    )
    for slug, n in (("nanjing", 5), ("suzhou", 3), ("putuo", 2), ("wuxi", 1)):
        for i in range(n):
            make_listing(("policy", "challenge", "space", "event", "achievement")[i % 5], city=slug)
    make_listing("policy", city="changning")
    make_listing("policy", city="nanjing", status="submitted")  # not public: counted nowhere


def _wait_for_map(page):
    page.wait_for_selector("#corridor-map[data-map-ready='true'] canvas")


def _pixel(page, lnglat):
    return page.evaluate(
        """(lnglat) => {
            const el = document.getElementById('corridor-map');
            const chart = window.innomarketEcharts.getInstanceByDom(el);
            const [x, y] = chart.convertToPixel({seriesIndex: 0}, lnglat);
            const box = el.getBoundingClientRect();
            return {x: box.left + x, y: box.top + y};
        }""",
        lnglat,
    )


def test_home_map_draws_the_eight_members(page, corridor_data, screenshot):
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("沿沪宁协同创新集市")
    _wait_for_map(page)

    canvas = page.locator("#corridor-map canvas").first
    box = canvas.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300

    series = page.evaluate(
        """() => {
            const chart = window.innomarketEcharts.getInstanceByDom(document.getElementById('corridor-map'));
            const s = chart.getOption().series[0];
            // ECharts completes the data with the geojson's other regions (no value, silent).
            const members = s.data.filter(d => d.member);
            return {
                type: s.type,
                names: members.map(d => d.name),
                values: members.map(d => d.value),
                others: s.data.filter(d => !d.member).map(d => ({name: d.name, silent: d.silent === true})),
            };
        }"""
    )
    assert series["type"] == "map"
    assert len(series["names"]) == 8
    assert set(series["names"]) == {
        "普陀区",
        "南京市",
        "无锡市",
        "常州市",
        "苏州市",
        "南通市",
        "镇江市",
        "泰州市",
    }
    assert dict(zip(series["names"], series["values"], strict=True))["南京市"] == 5
    assert len(series["others"]) == 15 and all(o["silent"] for o in series["others"])
    assert "长宁区" in {o["name"] for o in series["others"]}

    expect(page.locator("#member-list .member-link")).to_have_count(8)
    expect(page.locator("#member-list")).to_contain_text("南京市")
    screenshot(page, "home-desktop")
    assert page.js_errors == []


def test_hovering_a_member_shows_its_counts(page, corridor_data, screenshot):
    page.goto("/")
    _wait_for_map(page)
    point = _pixel(page, NANJING_CP)
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator("#corridor-map div", has_text="公开信息合计")
    expect(tooltip.last).to_be_visible()
    expect(tooltip.last).to_contain_text("南京市")
    screenshot(page, "home-map-tooltip", full_page=False)


def test_clicking_a_member_on_the_map_opens_its_city_page(page, corridor_data, screenshot):
    page.goto("/")
    _wait_for_map(page)

    # A non-member district is inert: clicking it stays on the home page.
    point = _pixel(page, PUDONG_CP)
    page.mouse.click(point["x"], point["y"])
    page.wait_for_timeout(300)
    assert page.url.rstrip("/") == page.context.pages[0].url.rstrip("/")
    assert "/cities/" not in page.url

    point = _pixel(page, NANJING_CP)
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(re.compile(r"/cities/nanjing/$"))
    expect(page.locator("h1")).to_have_text("南京市")
    expect(page.locator(".badge-member")).to_be_visible()
    screenshot(page, "city-nanjing")


def test_member_list_link_opens_city_page_with_cloud_platform_link(page, corridor_data, screenshot):
    page.goto("/")
    page.locator("#member-list a[data-slug='suzhou']").click()
    page.wait_for_url(re.compile(r"/cities/suzhou/$"))
    link = page.locator("#cloud-platform-link")
    expect(link).to_have_attribute("href", "https://example.org/")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    screenshot(page, "city-suzhou")

    # The city's figures link to the list pages filtered by the city.
    page.locator(".section-figure a[href^='/policies/?city=suzhou']").click()
    page.wait_for_url(re.compile(r"/policies/\?city=suzhou$"))
    expect(page.locator("select[name='city']").first).to_have_value("suzhou")


def test_non_member_city_page(page, corridor_data):
    page.goto("/cities/changning/")
    expect(page.locator("h1")).to_have_text("长宁区")
    expect(page.locator(".badge-observer")).to_contain_text("非联盟成员")
    expect(page.get_by_text("该城市科创云平台地址待城市管理员维护")).to_be_visible()


def test_home_is_usable_at_375px(mobile_page, corridor_data, screenshot):
    page = mobile_page
    page.goto("/")
    _wait_for_map(page)

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375, f"horizontal scroll: scrollWidth={scroll_width}"
    expect(page.locator("#cta-post")).to_be_visible()
    expect(page.locator("#cta-post")).to_contain_text("我要发榜")
    expect(page.locator("#cta-bid")).to_be_visible()
    screenshot(page, "home-375-top", full_page=False)

    nav = page.locator(".main-nav")
    expect(nav).to_be_hidden()
    page.locator(".nav-menu > summary").click()
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="政策发布")).to_be_visible()
    screenshot(page, "home-375-menu", full_page=False)
    page.locator(".nav-menu > summary").click()
    expect(nav).to_be_hidden()

    screenshot(page, "home-375")
    page.locator("#corridor-map").scroll_into_view_if_needed()
    screenshot(page, "home-375-map", full_page=False)
    # The map fits the screen and stays inside the page.
    box = page.locator("#corridor-map canvas").first.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375
