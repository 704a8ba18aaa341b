"""The home page, the alliance map and the city pages in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from innomarket.common.tests.factories import field_tag
from innomarket.regions.models import City
from innomarket.regions.services import records_geocode
from innomarket.regions.tests.helpers import ensure_observer_cities, make_listing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Inside 南京市 but away from its label point, where the markers of records placed to the city sit.
NANJING_SOUTH = [118.95, 31.65]
PUDONG_CP = [121.567706, 31.245944]  # a Shanghai district that is not on record


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
    # Map layers: a carrier in 苏州工业园区 tagged 人工智能, an instrument, an enterprise, a talent station.
    space = make_listing("space", city="suzhou", title="园区人工智能载体", address="苏州工业园区星湖街328号")
    space.fields.add(field_tag("ai"))
    make_listing("instrument", city="nanjing", title="南京示例仪器", location="南京市江宁区")
    make_listing("organisation", city="wuxi", title="无锡示例企业", kind="enterprise")
    make_listing("station", city="changning", title="长宁人才站", is_sample=False)
    make_listing("space", city="nanjing", title="南京草稿载体", status="draft", address="南京市鼓楼区")
    records_geocode()


def _wait_for_map(page, markers="all"):
    page.wait_for_selector("#corridor-map[data-map-ready='true'] canvas")
    page.wait_for_selector(f"#corridor-map[data-markers-ready='{markers}']")


def _pixel(page, lnglat):
    return page.evaluate(
        """(lnglat) => {
            const el = document.getElementById('corridor-map');
            // The whole map in the viewport, so that the point is on screen.
            if (el.getBoundingClientRect().top < 0 || el.getBoundingClientRect().bottom > window.innerHeight) {
                el.scrollIntoView({block: 'center'});
            }
            const chart = window.innomarketEcharts.getInstanceByDom(el);
            const [x, y] = chart.convertToPixel({geoIndex: 0}, lnglat);
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
            const onRecord = s.data.filter(d => d.member);
            return {
                type: s.type,
                names: onRecord.filter(d => d.member.member).map(d => d.name),
                values: onRecord.filter(d => d.member.member).map(d => d.value),
                observers: onRecord.filter(d => !d.member.member).map(d => d.name),
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
    assert (
        dict(zip(series["names"], series["values"], strict=True))["南京市"] == 6
    )  # 5 listings + the instrument
    # The other cities on record answer a click (grey); the rest of Shanghai is inert.
    assert set(series["observers"]) == {"长宁区", "杨浦区"}
    assert len(series["others"]) == 13 and all(o["silent"] for o in series["others"])

    expect(page.locator("#member-list .member-link")).to_have_count(8)
    expect(page.locator("#member-list")).to_contain_text("南京市")
    screenshot(page, "home-desktop")
    assert page.js_errors == []


def test_hovering_a_member_shows_its_counts(page, corridor_data, screenshot):
    page.goto("/")
    _wait_for_map(page)
    point = _pixel(page, NANJING_SOUTH)
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator("#corridor-map div", has_text="公开信息合计")
    expect(tooltip.last).to_be_visible()
    expect(tooltip.last).to_contain_text("南京市")
    screenshot(page, "home-map-tooltip", full_page=False)


def test_clicking_a_member_opens_its_side_panel_and_the_city_page(page, corridor_data, screenshot):
    page.goto("/")
    _wait_for_map(page)
    panel = page.locator("#map-panel")

    # A district not on record is inert: clicking it opens nothing.
    point = _pixel(page, PUDONG_CP)
    page.mouse.click(point["x"], point["y"])
    page.wait_for_timeout(300)
    expect(panel).to_be_hidden()
    assert "/cities/" not in page.url

    point = _pixel(page, NANJING_SOUTH)
    page.mouse.click(point["x"], point["y"])
    expect(panel).to_be_visible()
    nanjing = panel.locator("[data-city-panel='nanjing']")
    expect(nanjing).to_be_visible()
    expect(panel.locator("[data-city-panel]:visible")).to_have_count(1)
    expect(nanjing.locator("h3")).to_have_text("南京市")
    expect(nanjing.locator(".map-city-sections")).to_contain_text("政策发布")
    # The panel links to the city's lists.
    expect(nanjing.locator("a[href='/policies/?city=nanjing']")).to_contain_text("政策")
    screenshot(page, "home-map-panel-nanjing", full_page=False)

    nanjing.get_by_role("link", name="进入城市页").click()
    page.wait_for_url(re.compile(r"/cities/nanjing/$"))
    expect(page.locator("h1")).to_have_text("南京市")
    expect(page.locator(".badge-member")).to_be_visible()
    screenshot(page, "city-nanjing")


def _marker_pixel(page, layer, lnglat):
    """Where a layer's marker at ``lnglat`` is drawn: the point plus the layer's pixel offset."""
    point = _pixel(page, lnglat)
    dx, dy = page.evaluate(
        """(id) => window.innomarketEcharts.getInstanceByDom(document.getElementById('corridor-map'))
            .getOption().series.find(s => s.id === id).symbolOffset""",
        f"layer-{layer}",
    )
    return {"x": point["x"] + dx, "y": point["y"] + dy}


def _visible_marker_titles(page):
    return page.evaluate(
        """() => {
            const chart = window.innomarketEcharts.getInstanceByDom(document.getElementById('corridor-map'));
            const out = {};
            for (const s of chart.getOption().series.slice(1)) {
                out[s.id] = s.data.flatMap(d => d.point.items.map(i => i.title));
            }
            return out;
        }"""
    )


def test_layers_toggle_fields_filter_and_a_city_panel_jumps_to_its_platform(page, corridor_data, screenshot):
    City.objects.filter(slug="suzhou").update(cloud_platform_unconfirmed=True)
    City.objects.filter(slug="nanjing").update(
        cloud_platform_name="南京市科创云平台", cloud_platform_url="", cloud_platform_unconfirmed=True
    )
    page.goto("/")
    _wait_for_map(page)

    markers = _visible_marker_titles(page)
    assert "园区人工智能载体" in markers["layer-space"]
    assert "南京草稿载体" not in markers["layer-space"]  # a draft is not on the map
    assert markers["layer-instrument"] == ["南京示例仪器"]
    assert markers["layer-enterprise"] == ["无锡示例企业"]
    assert markers["layer-station"] == ["长宁人才站"]
    expect(page.locator("[data-layer-count='space']")).to_have_text(str(len(markers["layer-space"])))

    # Toggle a layer off and on again (the legend's checkbox).
    toggle = page.locator(".map-layer", has_text="仪器").locator("input")
    toggle.uncheck()
    page.wait_for_function("!document.getElementById('corridor-map').dataset.layers.includes('instrument')")
    assert _visible_marker_titles(page)["layer-instrument"] == []
    assert "园区人工智能载体" in _visible_marker_titles(page)["layer-space"]
    screenshot(page, "home-map-layer-off", full_page=False)
    toggle.check()
    page.wait_for_function("document.getElementById('corridor-map').dataset.layers.includes('instrument')")
    assert _visible_marker_titles(page)["layer-instrument"] == ["南京示例仪器"]

    # Filter by field: only the 人工智能 carrier stays.
    page.select_option("#map-field", "ai")
    _wait_for_map(page, markers="ai")
    markers = _visible_marker_titles(page)
    assert markers["layer-space"] == ["园区人工智能载体"]
    assert all(not titles for key, titles in markers.items() if key != "layer-space")
    expect(page.locator("[data-layer-count='enterprise']")).to_have_text("0")

    # Click the carrier's marker: 苏州's panel opens with the marker's records and the portal link.
    point = _marker_pixel(page, "space", [120.723, 31.324])
    page.mouse.click(point["x"], point["y"])
    panel = page.locator("#map-panel")
    expect(panel.locator("#map-point")).to_contain_text("园区人工智能载体")
    expect(panel.locator("#map-point")).to_contain_text("苏州工业园区")
    expect(panel.locator("#map-point")).to_contain_text("示例")
    suzhou = panel.locator("[data-city-panel='suzhou']")
    expect(suzhou).to_be_visible()
    link = suzhou.locator("#map-cloud-link-suzhou")
    expect(link).to_have_attribute("href", "https://example.org/")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(suzhou.locator(".badge-unconfirmed")).to_have_text("待核实")
    screenshot(page, "home-map-panel-suzhou", full_page=False)
    # The jump opens the portal in a new tab (answered here: the tests never leave the machine).
    page.context.route(
        "https://example.org/**", lambda route: route.fulfill(body="portal", content_type="text/html")
    )
    with page.context.expect_page() as opened:
        link.click()
    opened.value.wait_for_load_state()
    assert opened.value.url == "https://example.org/"
    assert opened.value.evaluate("window.opener") is None  # rel=noopener
    opened.value.close()

    # A city whose portal address is not confirmed shows its name, 待核实 and no link.
    page.locator("[data-map-panel-close]").click()
    expect(panel).to_be_hidden()
    page.select_option("#map-field", "")
    _wait_for_map(page)
    point = _pixel(page, NANJING_SOUTH)
    page.mouse.click(point["x"], point["y"])
    nanjing = panel.locator("[data-city-panel='nanjing']")
    expect(nanjing).to_contain_text("南京市科创云平台")
    expect(nanjing).to_contain_text("网址待核实")
    expect(nanjing.locator("a[target='_blank']")).to_have_count(0)
    assert page.js_errors == []


def test_zoom_buttons_and_roam(page, corridor_data):
    page.goto("/")
    _wait_for_map(page)
    zoom = "() => window.innomarketEcharts.getInstanceByDom(document.getElementById('corridor-map')).getOption().geo[0].zoom"
    assert page.evaluate(zoom) == 1
    page.get_by_role("button", name="放大").click()
    assert page.evaluate(zoom) > 1.5
    page.get_by_role("button", name="缩小").click()
    page.get_by_role("button", name="放大").click()
    page.get_by_role("button", name="复位").click()
    assert page.evaluate(zoom) == 1


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
    _wait_for_map(page)
    screenshot(page, "home-375-map", full_page=False)
    # The map fits the screen and stays inside the page.
    box = page.locator("#corridor-map canvas").first.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375

    # On a phone the city panel opens below the map, full width, and the page does not scroll sideways.
    point = _pixel(page, NANJING_SOUTH)
    page.touchscreen.tap(point["x"], point["y"])
    panel = page.locator("#map-panel")
    expect(panel.locator("[data-city-panel='nanjing']")).to_be_visible()
    boxes = page.evaluate(
        """() => {
            const box = (id) => {
                const r = document.getElementById(id).getBoundingClientRect();
                return {top: r.top + window.scrollY, bottom: r.bottom + window.scrollY, left: r.left, right: r.right};
            };
            return {map: box('corridor-map'), panel: box('map-panel')};
        }"""
    )
    assert boxes["panel"]["top"] >= boxes["map"]["bottom"] - 1
    assert boxes["panel"]["left"] >= 0 and boxes["panel"]["right"] <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "home-375-map-panel", full_page=False)
