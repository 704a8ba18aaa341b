"""The alliance map: points from addresses, the markers endpoint, the home page's side panels, and
the 科创云平台 entry an administrator maintains."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from innomarket.backoffice.tests.helpers import admin_url, change_form_data
from innomarket.common.tests import factories as f
from innomarket.organisations.models import Organisation, OrganisationProfile
from innomarket.regions import gazetteer
from innomarket.regions.models import City, Located
from innomarket.regions.services import record_locate, records_geocode
from innomarket.resources.models import Instrument, Space
from innomarket.talent.models import TalentStation
from innomarket.verification import services as verification

from .helpers import ensure_observer_cities, make_listing

pytestmark = pytest.mark.django_db

MARKERS = "/cities/map/markers.json"


def _point(record):
    record.refresh_from_db()
    return (record.geo_lng, record.geo_lat, record.geo_precision)


def _at(place):
    p = gazetteer.place(place)
    return (p.lng, p.lat)


# ------------------------------------------------------------------------ points on records


def test_record_locate_uses_the_address_then_the_city():
    space = make_listing("space", city="suzhou", address="苏州工业园区星湖街328号")
    assert record_locate(space) is True
    assert (space.geo_lng, space.geo_lat) == _at("苏州工业园区")
    assert space.geo_precision == Located.Precision.AREA
    assert record_locate(space) is False  # nothing changes the second time

    bare = make_listing("space", city="wuxi")
    record_locate(bare)
    assert (bare.geo_lng, bare.geo_lat, bare.geo_precision) == (*_at("无锡市"), "city")


def test_an_instrument_falls_back_to_its_owners_address():
    owner = f.OrganisationFactory(city=f.city("nanjing"), address="南京市江宁区秣周东路12号")
    instrument = make_listing("instrument", city="nanjing", owner=owner, location="3号楼201室")
    record_locate(instrument)
    assert (instrument.geo_lng, instrument.geo_lat) == _at("江宁区")
    instrument.location = "南京市鼓楼区汉口路22号"
    record_locate(instrument)
    assert (instrument.geo_lng, instrument.geo_lat) == _at("鼓楼区")  # its own place comes first


def test_an_organisation_falls_back_to_its_profiles_district():
    org = f.OrganisationFactory(city=f.city("changzhou"))
    OrganisationProfile.objects.create(organisation=org, district="武进区")
    record_locate(org)
    assert (org.geo_lng, org.geo_lat) == _at("武进区")


def test_a_point_set_by_hand_is_never_overwritten():
    space = make_listing(
        "space", city="nanjing", address="南京市江宁区", geo_lng=118.9, geo_lat=32.1, geo_precision="manual"
    )
    assert record_locate(space) is False
    records_geocode()
    assert _point(space) == (118.9, 32.1, "manual")


def test_a_city_the_gazetteer_does_not_know_gets_no_point():
    jiaxing = City.objects.create(name="嘉兴市", short_name="嘉兴", slug="jiaxing", province="浙江省")
    space = make_listing(
        "space", city=jiaxing, address="嘉兴市南湖区", geo_lng=1.0, geo_lat=1.0, geo_precision="city"
    )
    record_locate(space)
    assert (space.geo_lng, space.geo_lat, space.geo_precision) == (None, None, "")


def test_records_geocode_fills_every_layer_model_and_is_idempotent():
    space = make_listing("space", city="putuo", address="上海市普陀区武宁路801号4-6楼")
    station = make_listing("station", city="taizhou")
    org = f.OrganisationFactory(city=f.city("nantong"), address="南通市通州区")
    owner = f.OrganisationFactory(city=f.city("wuxi"), address="无锡市新吴区")
    instrument = make_listing("instrument", city="wuxi", owner=owner)
    report = records_geocode()
    assert _point(space)[:2] == _at("普陀区")
    assert _point(station) == (*_at("泰州市"), "city")
    assert _point(org)[:2] == _at("通州区")
    assert _point(instrument)[:2] == _at("新吴区")
    assert sum(report.changed.values()) >= 5
    again = records_geocode()
    assert sum(again.changed.values()) == 0


def test_geocode_records_command_reports_per_model(capsys):
    make_listing("space", city="suzhou", address="昆山市")
    call_command("geocode_records")
    out = capsys.readouterr().out
    assert "载体空间" in out and "区县" in out


def test_publishing_places_the_record_and_an_edit_moves_it():
    owner = f.OrganisationFactory(city=f.city("nanjing"))
    member = f.member_of(owner)
    space = Space(
        owner=owner, city=owner.city, title="江北新区创新载体", kind="incubator", address="南京江北新区研创园"
    )
    space = verification.listing_create(actor=member, record=space, submit=True)
    space = verification.listing_verify(actor=f.city_admin("nanjing"), record=space)
    assert _point(space) == (*_at("江北新区"), "area")

    space = verification.listing_update(
        actor=member, record=space, changed={"address": "南京市栖霞区仙林大道"}
    )
    assert _point(space)[:2] == _at("栖霞区")


def test_editing_an_address_in_the_back_office_moves_the_point(client):
    admin = f.city_admin("nanjing")
    space = make_listing("space", city="nanjing", address="南京市鼓楼区", is_sample=False)
    record_locate(space)
    space.save()
    client.force_login(admin)
    page = client.get(admin_url(space))
    assert page.status_code == 200
    data = {**change_form_data(page), "address": "南京市江宁区"}
    response = client.post(admin_url(space), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _point(space)[:2] == _at("江宁区")


def test_a_point_typed_in_the_back_office_is_kept_as_set_by_hand(client):
    space = make_listing("space", city="nanjing", address="南京市鼓楼区", is_sample=False)
    client.force_login(f.city_admin("nanjing"))
    page = client.get(admin_url(space))
    data = {**change_form_data(page), "geo_lng": "118.8", "geo_lat": "32.05", "address": "南京市江宁区"}
    assert client.post(admin_url(space), data).status_code == 302
    assert _point(space) == (118.8, 32.05, "manual")


# ------------------------------------------------------------------------ the markers endpoint


@pytest.fixture
def mapped():
    """Public and non-public records of every layer, placed."""
    ensure_observer_cities()
    ai = f.field_tag("ai")
    rows = {
        "space": make_listing(
            "space", city="putuo", title="公开载体", is_sample=False, address="上海市普陀区"
        ),
        "space_sample": make_listing("space", city="putuo", title="示例载体", address="上海市普陀区"),
        "space_draft": make_listing("space", city="putuo", title="草稿载体", status="draft"),
        "space_submitted": make_listing("space", city="nanjing", title="待核验载体", status="submitted"),
        "instrument": make_listing("instrument", city="suzhou", title="示例仪器"),
        "station": make_listing("station", city="changning", title="公开人才站", is_sample=False),
        "university": f.OrganisationFactory(name="某大学", kind="university", city=f.city("nanjing")),
        "enterprise": f.OrganisationFactory(name="某企业", kind="enterprise", city=f.city("wuxi")),
        "enterprise_pending": f.OrganisationFactory(
            name="待核验企业", kind="enterprise", city=f.city("wuxi"), status="submitted"
        ),
        "platform": f.OrganisationFactory(name="某平台", kind="platform", city=f.city("changzhou")),
        "bank": f.OrganisationFactory(name="某银行", kind="bank", city=f.city("wuxi")),
    }
    rows["space"].fields.add(ai)
    rows["enterprise"].fields.add(ai)
    records_geocode()
    return rows


def _titles(body, layer=None):
    return {i["title"] for p in body["points"] if layer in (None, p["layer"]) for i in p["items"]}


def test_markers_are_public_records_only(client, mapped):
    body = client.get(MARKERS).json()
    titles = _titles(body)
    assert {"公开载体", "示例载体", "示例仪器", "公开人才站", "某大学", "某企业", "某平台"} <= titles
    assert not {"草稿载体", "待核验载体", "待核验企业", "某银行"} & titles  # banks are no layer
    layers = {layer["key"]: layer for layer in body["layers"]}
    assert list(layers) == ["space", "platform", "instrument", "academia", "enterprise", "station"]
    assert layers["space"]["placed"] == 2 and layers["academia"]["placed"] == 1


def test_markers_group_records_at_one_point_and_flag_samples(client, mapped):
    body = client.get(MARKERS, {"layer": "space"}).json()
    (putuo,) = [p for p in body["points"] if p["city"] == "putuo"]
    assert putuo["count"] == 2 and putuo["samples"] == 1
    assert (
        putuo["place"] == "普陀区" and putuo["precision"] == "district" and putuo["precision_label"] == "区县"
    )
    items = {i["title"]: i for i in putuo["items"]}
    assert items["示例载体"]["sample"] is True and items["公开载体"]["sample"] is False
    assert items["公开载体"]["url"] == reverse("resources:space-detail", kwargs={"pk": mapped["space"].pk})
    assert putuo["items"][0]["title"] == "公开载体"  # real records first


def test_markers_carry_no_private_data(client, mapped):
    Space.objects.filter(pk=mapped["space"].pk).update(contact="13800000000", address="上海市普陀区某路1号")
    text = client.get(MARKERS).content.decode()
    assert "13800000000" not in text and "某路1号" not in text
    point_keys = set(client.get(MARKERS).json()["points"][0])
    assert point_keys == {
        "layer", "lng", "lat", "precision", "precision_label", "place", "city", "count", "samples", "items", "more_url"
    }  # fmt: skip


def test_markers_filter_by_layer_and_field(client, mapped):
    body = client.get(MARKERS, {"layer": ["enterprise", "station"]}).json()
    assert {p["layer"] for p in body["points"]} == {"enterprise", "station"}
    body = client.get(MARKERS, {"field": "ai"}).json()
    assert _titles(body) == {"公开载体", "某企业"}
    assert body["field"] == "ai"


def test_markers_link_to_the_list_when_a_point_has_more_than_it_shows(client, mapped):
    for i in range(9):
        make_listing("instrument", city="suzhou", title=f"仪器{i}")
    records_geocode()
    body = client.get(MARKERS, {"layer": "instrument"}).json()
    (point,) = body["points"]
    assert point["count"] == 10 and len(point["items"]) == 8
    assert point["more_url"] == reverse("resources:instrument-list") + "?city=suzhou"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"layer": "tanks"}, "参数 layer：没有“tanks”这一图层"),
        ({"field": "alchemy"}, "参数 field：没有“alchemy”这一领域"),
    ],
)
def test_markers_refuse_unknown_parameters_with_a_located_message(client, params, message):
    response = client.get(MARKERS, params)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


def test_markers_query_count_does_not_grow_with_records(client, mapped, django_assert_max_num_queries):
    for i in range(20):
        make_listing("space", city="nanjing", title=f"载体{i}")
    records_geocode()
    with django_assert_max_num_queries(14):
        client.get(MARKERS)


def test_markers_only_answer_reads(client):
    assert client.post(MARKERS).status_code == 405


# ------------------------------------------------------------------------ the home page's side panels


def test_home_renders_a_side_panel_per_city_on_the_map(client, mapped):
    City.objects.filter(slug="suzhou").update(
        cloud_platform_name="苏州科创云",
        cloud_platform_url="https://kc.example.cn/",
        cloud_platform_unconfirmed=False,
    )
    City.objects.filter(slug="nanjing").update(
        cloud_platform_name="南京市科创云平台", cloud_platform_unconfirmed=True
    )
    html = client.get("/").content.decode()
    for slug in ("putuo", "nanjing", "suzhou", "changning"):
        assert f'data-city-panel="{slug}"' in html
    assert (
        'id="map-cloud-link-suzhou" href="https://kc.example.cn/" rel="noopener noreferrer" target="_blank"'
        in html
    )
    nanjing = html[html.index('data-city-panel="nanjing"') :]
    nanjing = nanjing[: nanjing.index("</section>")]
    assert "南京市科创云平台" in nanjing and "待核实" in nanjing and "网址待核实" in nanjing
    assert '<a class="btn btn-blue' not in nanjing  # no link without an address
    assert f'href="{reverse("resources:space-list")}?city=nanjing"' in nanjing


def test_home_panel_counts_layers_per_city(client, mapped):
    response = client.get("/")
    panels = {p.city.slug: p for p in response.context["city_panels"]}
    counts = {lc.layer.key: lc.count for lc in panels["putuo"].layers}
    assert counts["space"] == 2  # the draft is not counted
    assert {lc.layer.key: lc.count for lc in panels["wuxi"].layers}["enterprise"] == 1


# ------------------------------------------------------------------------ 科创云平台 on the city page and in the back office


def test_city_page_shows_the_unconfirmed_name_without_a_link(client):
    City.objects.filter(slug="nantong").update(
        cloud_platform_name="南通市科创云平台",
        cloud_platform_unconfirmed=True,
        cloud_platform_note="通称，待核实",
    )
    html = client.get("/cities/nantong/").content.decode()
    assert "南通市科创云平台" in html and "网址待核实" in html and "通称，待核实" in html
    assert 'id="cloud-platform-link"' not in html


def test_city_admin_confirms_their_own_citys_platform(client):
    client.force_login(f.city_admin("nanjing"))
    nanjing = City.objects.get(slug="nanjing")
    nanjing.cloud_platform_unconfirmed = True
    nanjing.save()
    page = client.get(admin_url(nanjing))
    data = {**change_form_data(page), "cloud_platform_url": "https://kjj.nanjing.example.cn/"}
    data.pop("cloud_platform_unconfirmed", None)  # unticked
    assert client.post(admin_url(nanjing), data).status_code == 302
    nanjing.refresh_from_db()
    assert nanjing.cloud_platform_url == "https://kjj.nanjing.example.cn/"
    assert nanjing.cloud_platform_unconfirmed is False
    assert client.get(admin_url(City.objects.get(slug="suzhou"))).status_code == 404


def test_layer_models_all_carry_a_point():
    for model in (Space, Instrument, Organisation, TalentStation):
        assert issubclass(model, Located)
