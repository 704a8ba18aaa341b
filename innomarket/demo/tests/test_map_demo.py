"""What the demo gives the alliance map: a point for every mapped record, and 科创云平台 entries that
say they are unconfirmed instead of inventing an address."""

import pytest

from innomarket.demo.loader import DemoLoader
from innomarket.demo.map import CLOUD_PLATFORM_NOTE
from innomarket.regions.models import City
from innomarket.regions.services import located_models
from innomarket.resources.models import Space

pytestmark = pytest.mark.django_db


def _load() -> DemoLoader:
    return DemoLoader(achievements=0).run()


def test_every_member_gets_an_unconfirmed_cloud_platform_name_and_no_url():
    _load()
    for city in City.objects.filter(is_member=True):
        assert city.cloud_platform_name == f"{city.name}科创云平台"
        assert city.cloud_platform_unconfirmed is True
        assert city.cloud_platform_url == ""
        assert city.cloud_platform_note == CLOUD_PLATFORM_NOTE
    assert not City.objects.filter(is_member=False).exclude(cloud_platform_name="").exists()


def test_an_administrators_entry_is_kept():
    City.objects.filter(slug="suzhou").update(
        cloud_platform_name="管理员填写的平台", cloud_platform_url="https://kc.example.cn/"
    )
    _load()
    suzhou = City.objects.get(slug="suzhou")
    assert suzhou.cloud_platform_name == "管理员填写的平台"
    assert suzhou.cloud_platform_unconfirmed is False


def test_every_mapped_record_has_a_point_and_the_real_address_its_district():
    _load()
    for model in located_models():
        assert model.objects.exists()
        assert not model.objects.filter(geo_lng__isnull=True).exists(), model
    chuangxinli = Space.objects.get(address__contains="武宁路801号")
    assert chuangxinli.geo_precision == "district"
    assert (chuangxinli.geo_lng, chuangxinli.geo_lat) == (121.3925, 31.2583)


def test_loading_again_changes_no_point():
    _load()
    before = {
        m._meta.label: list(
            m.objects.order_by("pk").values_list("geo_lng", "geo_lat", "geo_precision", "updated_at")
        )
        for m in located_models()
    }
    second = _load()
    assert second.updated["regions.City"] == 0
    after = {
        m._meta.label: list(
            m.objects.order_by("pk").values_list("geo_lng", "geo_lat", "geo_precision", "updated_at")
        )
        for m in located_models()
    }
    assert after == before
