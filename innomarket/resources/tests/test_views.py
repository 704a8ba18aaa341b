"""Public list and detail pages of resources particular to this app (the shared checks are in site/tests/test_catalogue_pages.py)."""

import pytest

from innomarket.site.tests.catalogue_checks import make_listing

pytestmark = pytest.mark.django_db


def test_space_kind_and_level_filters_and_area_units(client):
    space = make_listing(
        "space",
        city="putuo",
        title="创新里",
        kind="innovation_centre",
        level="district",
        area_m2="3248.0",
        address="武宁路801号",
    )
    make_listing("space", city="putuo", title="某孵化器", kind="incubator", level="national")

    body = client.get(
        "/resources/spaces/", {"kind": "innovation_centre", "level": "district"}
    ).content.decode()
    detail = client.get(f"/resources/spaces/{space.pk}/").content.decode()

    assert "创新里" in body and "某孵化器" not in body
    assert "3,248 平方米" in detail and "武宁路801号" in detail


def test_instruments_accepting_vouchers(client):
    make_listing("instrument", city="suzhou", title="扫描电镜", accepts_vouchers=True)
    make_listing("instrument", city="suzhou", title="质谱仪", accepts_vouchers=False)

    body = client.get("/resources/instruments/", {"accepts_vouchers": "1"}).content.decode()

    assert "扫描电镜" in body and "质谱仪" not in body
