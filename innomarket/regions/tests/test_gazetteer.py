"""The offline gazetteer: pure Python, no database, no network."""

import json
from pathlib import Path

import pytest

from innomarket.demo import seed_facts
from innomarket.regions import gazetteer
from innomarket.regions.gazetteer import AREA, CITY, DISTRICT, geocode

GEOJSON = Path(gazetteer.__file__).parent / "static" / "regions" / "corridor.geojson"
JIANGSU = ["南京市", "无锡市", "常州市", "苏州市", "南通市", "镇江市", "泰州市"]


def _polygons() -> dict[str, list]:
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    out = {}
    for f in data["features"]:
        geom = f["geometry"]
        out[f["properties"]["name"]] = (
            geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        )
    return out


def _inside(point, ring) -> bool:
    x, y = point
    hit = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < (x1 - x0) * (y - y0) / (y1 - y0) + x0:
            hit = not hit
    return hit


# ------------------------------------------------------------------------ the real demo addresses


def _demo_addresses():
    """Every non-empty address the seed facts give, with the record's city."""
    rows = [(o["address"], o["city"]) for o in seed_facts.ORGANISATIONS if o["address"]]
    rows += [(s["address"], s["city"]) for s in seed_facts.SPACES if s.get("address")]
    rows += [
        (c["office_address"], slug) for slug, c in seed_facts.CITY_FACTS.items() if c.get("office_address")
    ]
    return rows


CITY_NAMES = {"putuo": "普陀区", "changning": "长宁区", "yangpu": "杨浦区"}


def test_every_real_address_in_the_demo_data_is_placed_in_its_district():
    rows = _demo_addresses()
    assert len(rows) >= 5
    for address, slug in rows:
        found = geocode(address, CITY_NAMES[slug])
        assert found is not None, address
        assert found.precision == DISTRICT, address
        assert found.place == CITY_NAMES[slug], address


def test_chuangxinli_at_wuning_road_801_is_in_putuo():
    found = geocode("上海市普陀区武宁路801号4-6楼", "普陀区")
    assert found == (121.3925, 31.2583, DISTRICT, "普陀区")
    lng, lat, precision, _place = found  # unpacks as (lng, lat, precision, place)
    assert precision == "district" and 121 < lng < 122 and 31 < lat < 32


# ------------------------------------------------------------------------ matching rules


def test_a_sub_area_wins_over_its_district():
    assert geocode("江苏省苏州市苏州工业园区星湖街328号", "苏州市").place == "苏州工业园区"
    assert geocode("上海市浦东新区张江高科技园区", "普陀区").precision == AREA
    assert geocode("上海市浦东新区张江高科技园区", "普陀区").place == "张江科学城"


def test_a_county_level_city_is_a_district():
    found = geocode("昆山市玉山镇", "苏州市")
    assert (found.place, found.precision) == ("昆山市", DISTRICT)


def test_short_names_and_old_names_are_recognised():
    assert geocode("南京江宁开发区", "南京市").place == "江宁区"
    assert geocode("南通市港闸区", "南通市").place == "崇川区"
    assert geocode("苏州高新区狮山路", "苏州市").place == "虎丘区"


def test_a_place_name_that_starts_a_street_name_does_not_count():
    # 宝山路 is in 虹口区, 黄浦路 too: the district named first is where the address is.
    assert geocode("上海市虹口区宝山路", "普陀区").place == "虹口区"
    assert geocode("上海市宝山路100号", "普陀区").place == "普陀区"  # nothing else: the record's own district


def test_a_shanghai_districts_record_may_sit_in_another_district():
    assert geocode("上海市长宁区安西路35号", "普陀区").place == "长宁区"


def test_a_jiangsu_city_only_looks_at_its_own_districts():
    # 江宁 belongs to 南京: for a 苏州 record it is not a place of the city.
    found = geocode("江宁路", "苏州市")
    assert (found.place, found.precision) == ("苏州市", CITY)


def test_without_a_known_place_the_city_point_is_used():
    for address in ("", "   ", "【示例】泰州某研究院实验楼（示例）"):
        found = geocode(address, "泰州市")
        assert (found.place, found.precision) == ("泰州市", CITY)
    assert geocode("", "普陀区").precision == DISTRICT


def test_an_unknown_city_gives_no_point():
    assert geocode("嘉兴市南湖区", "嘉兴市") is None


def test_ambiguous_short_names_are_not_aliases():
    # 黄浦江 flows through many districts; 秦淮河 too; 姑苏 is an old name of the whole city.
    assert geocode("黄浦江畔", "普陀区").place == "普陀区"
    assert geocode("秦淮河畔", "南京市").place == "南京市"
    assert geocode("姑苏实验室", "苏州市").place == "苏州市"


def test_geocode_never_touches_the_network(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("network used")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert geocode("无锡市新吴区", "无锡市").place == "新吴区"


# ------------------------------------------------------------------------ the data file


def test_the_data_covers_every_member_city_and_every_shanghai_district():
    places = gazetteer.places()
    names = [p.name for p in places]
    assert len(names) == len(set(names))
    for city in JIANGSU:
        districts = [p for p in places if p.scope == city and p.kind == DISTRICT]
        assert len(districts) >= 5, city
    shanghai = {p.name for p in places if p.scope == "上海市" and p.kind == DISTRICT}
    assert shanghai == {n for n, polys in _polygons().items() if n.endswith("区")}
    assert len(shanghai) == 16


def test_no_alias_is_shared_between_places_of_one_city():
    seen: dict[tuple[str, str], str] = {}
    for p in gazetteer.places():
        for name in p.names:
            key = (p.scope, name)
            assert key not in seen, f"{name} names both {seen[key]} and {p.name}"
            seen[key] = p.name


def test_every_point_lies_in_its_own_polygon_and_in_no_other():
    polygons = _polygons()
    for p in gazetteer.places():
        own = (
            p.name
            if p.scope == "上海市" and p.kind == DISTRICT
            else (p.parent if p.scope == "上海市" else p.scope)
        )
        containing = [
            name for name, polys in polygons.items() if any(_inside((p.lng, p.lat), q[0]) for q in polys)
        ]
        assert containing == [own], (p.name, containing)


@pytest.mark.parametrize("name", ["黄浦区", "普陀区", "浦东新区", "崇明区"])
def test_shanghai_points_are_the_geojson_centroids(name):
    polys = _polygons()[name]

    def area_centroid(ring):
        a = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            c = x0 * y1 - x1 * y0
            a += c
            cx += (x0 + x1) * c
            cy += (y0 + y1) * c
        return abs(a / 2), cx / (3 * a), cy / (3 * a)

    _area, cx, cy = max((area_centroid(q[0]) for q in polys), key=lambda t: t[0])
    entry = gazetteer.place(name)
    assert entry.source == "geojson-centroid"
    assert abs(entry.lng - cx) < 1e-3 and abs(entry.lat - cy) < 1e-3
