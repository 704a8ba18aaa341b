"""Public list and detail pages of talent: the shared catalogue checks, then what is particular here."""

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
TYPES = pytest.mark.parametrize("type_key", ["expert", "techmanager", "talentpost", "station"])


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


def test_talent_post_kind_filter(client):
    make_listing("talentpost", city="nanjing", title="算法工程师", kind="full_time", headcount=3)
    make_listing("talentpost", city="nanjing", title="博士后研究员", kind="postdoc")

    body = client.get("/talent/posts/", {"kind": "postdoc"}).content.decode()

    assert "博士后研究员" in body and "算法工程师" not in body
    assert "招 3 人" in client.get("/talent/posts/").content.decode()
