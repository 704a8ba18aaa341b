"""Reads of the federation app: one page of a city's public feed, and the feeds due for harvesting."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from innomarket.backoffice.models import Feed
from innomarket.regions.models import City
from innomarket.verification.selectors import public

from .schema import listing_type


@dataclass(frozen=True)
class Cursor:
    """Where the previous page ended: the last item's ``updated_at`` and primary key."""

    updated_at: dt.datetime
    pk: int

    def encode(self) -> str:
        raw = f"{self.updated_at.isoformat()}|{self.pk}".encode()
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        """Raise ``ValueError`` on anything that is not a cursor this site wrote."""
        padded = token + "=" * (-len(token) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
        when, _, pk = text.partition("|")
        updated_at = parse_datetime(when)
        if updated_at is None or updated_at.tzinfo is None or not pk.isdigit():
            raise ValueError(token)
        return cls(updated_at, int(pk))


@dataclass(frozen=True)
class FeedPage:
    records: list[Any]
    next_cursor: Cursor | None


def feed_queryset(*, city: City, kind: str) -> QuerySet[Any]:
    """The public records of ``kind`` in ``city``, oldest change first, with owner and tags joined."""
    listing = listing_type(kind)
    assert listing is not None, kind
    return (
        public(listing.model)
        .filter(city=city)
        .select_related("owner")
        .prefetch_related("fields")
        .order_by("updated_at", "id")
    )


def feed_page(
    *, city: City, kind: str, since: dt.datetime | None, cursor: Cursor | None, limit: int
) -> FeedPage:
    """One page of the feed: records changed after ``since`` (strictly), continuing after ``cursor``."""
    qs = feed_queryset(city=city, kind=kind)
    if since is not None:
        qs = qs.filter(updated_at__gt=since)
    if cursor is not None:
        qs = qs.filter(
            Q(updated_at__gt=cursor.updated_at) | Q(updated_at=cursor.updated_at, id__gt=cursor.pk)
        )
    rows = list(qs[: limit + 1])
    if len(rows) > limit:
        rows = rows[:limit]
        return FeedPage(rows, Cursor(rows[-1].updated_at, rows[-1].pk))
    return FeedPage(rows, None)


def feed_is_due(feed: Feed, now: dt.datetime) -> bool:
    if feed.last_harvested_at is None:
        return True
    return feed.last_harvested_at <= now - dt.timedelta(minutes=feed.schedule_minutes)


def due_feeds(*, now: dt.datetime | None = None) -> list[Feed]:
    """Enabled JSON feeds with an address whose last harvest is at least ``schedule_minutes`` old."""
    now = now or timezone.now()
    candidates = (
        Feed.objects.filter(enabled=True, kind=Feed.Kind.JSON_API)
        .exclude(url="")
        .select_related("city")
        .order_by("id")
    )
    return [feed for feed in candidates if feed_is_due(feed, now)]


def last_high_water_mark(feed: Feed) -> dt.datetime | None:
    """The newest ``updated_at`` a successful harvest of ``feed`` has seen (the next ``since``)."""
    from .models import HarvestRun

    run = (
        HarvestRun.objects.filter(
            feed=feed, status=HarvestRun.Status.SUCCEEDED, high_water_mark__isnull=False
        )
        .order_by("-high_water_mark")
        .first()
    )
    return run.high_water_mark if run else None
