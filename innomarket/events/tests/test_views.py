"""Public list and detail pages of events particular to this app (the shared checks are in site/tests/test_catalogue_pages.py)."""

import pytest

from innomarket.site.tests.catalogue_checks import make_listing

pytestmark = pytest.mark.django_db


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
