"""Public list and detail pages of resources: the shared catalogue checks, then what is particular here."""

import pytest

from innomarket.site.tests.catalogue_checks import (
    assert_detail_hides_unpublished,
    assert_detail_renders,
    assert_invalid_filters_do_not_fail,
    assert_list_filters_by_city,
    assert_list_hides_unpublished,
    assert_list_renders,
    assert_pagination_keeps_filters,
    make_listing,
)

pytestmark = pytest.mark.django_db
TYPES = pytest.mark.parametrize("type_key", ["space", "instrument"])


@TYPES
def test_list_renders_for_anonymous_with_and_without_filters(client, type_key):
    assert_list_renders(client, type_key)


@TYPES
def test_list_filters_by_city(client, type_key):
    assert_list_filters_by_city(client, type_key)


@TYPES
def test_list_never_shows_unpublished_records(client, type_key):
    assert_list_hides_unpublished(client, type_key)


@TYPES
def test_detail_shows_facts_source_and_sample_notice(client, type_key):
    assert_detail_renders(client, type_key)


@TYPES
def test_detail_of_unpublished_record_is_404(client, type_key):
    assert_detail_hides_unpublished(client, type_key)


@TYPES
def test_invalid_filter_values_are_ignored_not_fatal(client, type_key):
    assert_invalid_filters_do_not_fail(client, type_key)


@TYPES
def test_pagination_keeps_filters(client, settings, type_key):
    assert_pagination_keeps_filters(client, settings, type_key)


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
