"""Public list and detail pages of events: the shared catalogue checks, then what is particular here."""

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
TYPES = pytest.mark.parametrize("type_key", ["event"])


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


def test_upcoming_and_past_events(client):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    make_listing(
        "event", city="nanjing", title="下周的路演", starts_at=now + timedelta(days=7), kind="roadshow"
    )
    make_listing(
        "event", city="nanjing", title="去年的论坛", starts_at=now - timedelta(days=300), kind="forum"
    )
    make_listing(
        "event",
        city="nanjing",
        title="正在进行的活动周",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=2),
        kind="exhibition",
    )

    upcoming = client.get("/events/", {"when": "upcoming"}).content.decode()
    past = client.get("/events/", {"when": "past"}).content.decode()
    roadshows = client.get("/events/", {"kind": "roadshow"}).content.decode()

    assert "下周的路演" in upcoming and "正在进行的活动周" in upcoming and "去年的论坛" not in upcoming
    assert "去年的论坛" in past and "下周的路演" not in past
    assert "下周的路演" in roadshows and "去年的论坛" not in roadshows
