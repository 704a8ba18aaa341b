"""Public list and detail pages of achievements: the shared catalogue checks, then what is particular here."""

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
TYPES = pytest.mark.parametrize("type_key", ["achievement"])


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


def test_trl_filter_is_a_minimum_and_transfer_mode_filters(client):
    make_listing("achievement", city="nanjing", title="中试成果", trl=6, transfer_mode="licence")
    make_listing("achievement", city="nanjing", title="实验室成果", trl=3, transfer_mode="licence")
    make_listing("achievement", city="nanjing", title="转让成果", trl=8, transfer_mode="transfer")

    mature = client.get("/achievements/", {"trl": "6"}).content.decode()
    licences = client.get("/achievements/", {"transfer_mode": "licence"}).content.decode()

    assert "中试成果" in mature and "转让成果" in mature and "实验室成果" not in mature
    assert "中试成果" in licences and "转让成果" not in licences
