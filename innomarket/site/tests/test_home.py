import json
import re

import pytest
from django.urls import reverse

from innomarket.catalog import SECTIONS
from innomarket.regions.tests.helpers import ensure_observer_cities, make_listing

pytestmark = pytest.mark.django_db


def _map_payload(html: str) -> dict:
    match = re.search(r'<script id="corridor-figures" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the map's json_script is missing"
    return json.loads(match.group(1))


def test_home_renders_for_anonymous_visitor(client):
    response = client.get(reverse("site:home"))
    assert response.status_code == 200
    html = response.content.decode()
    for section in SECTIONS.values():
        assert str(section.name) in html
        assert reverse("site:section", args=[section.key]) in html
    for function in ("资源导航一体化", "供需对接精准化", "服务集成便捷化"):
        assert function in html
    assert "我要发榜" in html
    assert "我要揭榜" in html
    # 我要发榜 leads to posting a challenge, 我要揭榜 to the challenges open for bids.
    assert f'id="cta-post" href="{reverse("site:workspace-challenge-new")}"' in html
    assert reverse("challenges:list") in html
    assert 'id="corridor-map"' in html
    assert "regions/corridor.geojson" in html
    assert "build/corridor-map.js" in html


def test_home_map_payload(client):
    ensure_observer_cities()
    make_listing("policy", city="nanjing")
    make_listing("challenge", city="nanjing")
    make_listing("challenge", city="nanjing", status="draft")
    make_listing("policy", city="changning")  # not a member: on the map, grey, not coloured

    payload = _map_payload(client.get("/").content.decode())

    observers = [m for m in payload["members"] if not m["member"]]
    assert {m["slug"] for m in observers} == {"changning", "yangpu"}
    members = [m for m in payload["members"] if m["member"]]
    assert len(members) == 8
    assert {m["slug"] for m in members} == {
        "putuo",
        "nanjing",
        "wuxi",
        "changzhou",
        "suzhou",
        "nantong",
        "zhenjiang",
        "taizhou",
    }
    nanjing = next(m for m in members if m["slug"] == "nanjing")
    assert nanjing["total"] == 2
    assert nanjing["url"] == "/cities/nanjing/"
    assert nanjing["map_name"] == "南京市"
    counts = {c["key"]: c["count"] for c in nanjing["counts"]}
    assert counts["policy"] == 1 and counts["challenge"] == 1


def test_home_member_list_is_the_no_script_fallback(client):
    html = client.get("/").content.decode()
    member_list = html.split('id="member-list"', 1)[1].split("</ul>", 1)[0]
    assert member_list.count('class="member-link"') == 8
    assert 'href="/cities/putuo/"' in member_list


def test_home_section_tiles_count_public_records(client):
    make_listing("space", city="wuxi")
    make_listing("instrument", city="wuxi")
    make_listing("space", city="wuxi", status="submitted")
    response = client.get("/")
    counts = {item["section"].key: item["count"] for item in response.context["sections"]}
    assert counts["resources"] == 2
    assert counts["tech"] == 0


def test_home_shows_latest_public_teasers_only(client):
    make_listing("challenge", city="suzhou", title="苏州公开榜单")
    make_listing("challenge", city="suzhou", title="苏州待核验榜单", status="submitted")
    make_listing("policy", city="putuo", title="普陀公开政策")
    make_listing("event", city="nantong", title="南通路演活动")
    html = client.get("/").content.decode()
    assert "苏州公开榜单" in html
    assert "苏州待核验榜单" not in html
    assert "普陀公开政策" in html
    assert "南通路演活动" in html


def test_home_query_count_is_bounded(client, django_assert_max_num_queries):
    ensure_observer_cities()
    for slug in ("nanjing", "wuxi", "suzhou", "putuo", "changning"):
        for key in ("policy", "challenge", "event", "space", "achievement"):
            make_listing(key, city=slug)
    # cities + one aggregate per listing type + three teaser lists + one aggregate per map layer and
    # the field list of the map's filter, whatever the data volume.
    with django_assert_max_num_queries(29):
        assert client.get("/").status_code == 200
