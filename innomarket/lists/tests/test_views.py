"""Public list and detail pages of lists: the shared catalogue checks, then what is particular here."""

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
TYPES = pytest.mark.parametrize("type_key", ["cooperation"])


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


def test_phase_filter_and_partner_cities(client):
    from innomarket.common.tests.factories import city

    done = make_listing("cooperation", city="nanjing", title="已完成的产业链合作", phase="past")
    done.partner_cities.add(city("suzhou"))
    make_listing("cooperation", city="nanjing", title="规划中的联合攻关", phase="future")

    past = client.get("/cooperation/", {"phase": "past"}).content.decode()
    detail = client.get(f"/cooperation/{done.pk}/").content.decode()

    assert "已完成的产业链合作" in past and "规划中的联合攻关" not in past
    assert "过去时" in past  # the phase chips
    assert "苏州市" in detail and "/cities/suzhou/" in detail
