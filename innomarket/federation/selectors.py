"""Reads of the federation app: one page of a city's public feed (records and deletion markers), the
feeds due for harvesting, and the harvest runs the back office shows."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from innomarket.backoffice.models import Feed
from innomarket.regions.models import City
from innomarket.verification.selectors import public, scope_for_administrator

from .schema import listing_type, many_to_many_names


@dataclass(frozen=True)
class Cursor:
    """Where the previous page ended: the last item's ``updated_at`` and primary key, or, once the
    items are all read (``deleted``), the last deletion marker's ``deleted_at`` and key (``None`` and
    0: before the first marker)."""

    updated_at: dt.datetime | None
    pk: int
    deleted: bool = False

    def encode(self) -> str:
        when = self.updated_at.isoformat() if self.updated_at else ""
        text = f"d|{when}|{self.pk}" if self.deleted else f"{when}|{self.pk}"
        return base64.urlsafe_b64encode(text.encode()).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        """Raise ``ValueError`` on anything that is not a cursor this site wrote."""
        padded = token + "=" * (-len(token) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
        deleted = text.startswith("d|")
        when, _, pk = text.removeprefix("d|").partition("|")
        if not pk.isascii() or not pk.isdigit():
            raise ValueError(token)
        if deleted and when == "":
            return cls(None, int(pk), deleted=True)
        updated_at = parse_datetime(when)
        if updated_at is None or updated_at.tzinfo is None:
            raise ValueError(token)
        return cls(updated_at, int(pk), deleted=deleted)


@dataclass(frozen=True)
class Tombstone:
    """A record of the feed's city and kind that stopped being public at ``deleted_at``."""

    pk: int
    deleted_at: dt.datetime


@dataclass(frozen=True)
class FeedPage:
    records: list[Any]
    next_cursor: Cursor | None
    tombstones: list[Tombstone] = field(default_factory=list)


def feed_queryset(*, city: City, kind: str) -> QuerySet[Any]:
    """The public records of ``kind`` in ``city``, oldest change first, with owner and tags joined."""
    listing = listing_type(kind)
    assert listing is not None, kind
    qs = public(listing.model).filter(city=city)
    if any(f.name == "owner" for f in listing.model._meta.get_fields()):
        qs = qs.select_related("owner")
    return qs.prefetch_related(*many_to_many_names(kind)).order_by("updated_at", "id")


def tombstones(*, city: City, kind: str, since: dt.datetime | None) -> list[Tombstone]:
    """Records of ``kind`` in ``city`` that stopped being public after ``since`` (all when ``None``),
    ordered by ``(deleted_at, pk)``.

    - A record that still exists but is not public now, and whose status once left a public state
      (its ``StatusEvent``s say so): ``deleted_at`` is the last time it left.
    - A record deleted from the database whose deletion the audit log recorded in this city, if it
      was public when deleted or had been public before: ``deleted_at`` is the deletion.

    A record made public again is an item, not a marker. Only keys and times: nothing else about a
    record that is no longer public.
    """
    from innomarket.audit.models import AuditEntry
    from innomarket.verification.models import StatusEvent

    listing = listing_type(kind)
    assert listing is not None, kind
    model = listing.model
    public_states = sorted(model.WORKFLOW.public)
    content_type = ContentType.objects.get_for_model(model)
    events = StatusEvent.objects.filter(content_type=content_type, from_status__in=public_states).exclude(
        to_status__in=public_states
    )
    hidden = model._default_manager.filter(city=city).exclude(status__in=public_states)
    left: dict[int, dt.datetime] = dict(
        events.filter(object_id__in=hidden.values("pk"))
        .values("object_id")
        .annotate(at=Max("created_at"))
        .values_list("object_id", "at")
    )

    deletions = AuditEntry.objects.filter(
        content_type=content_type, city=city, action=AuditEntry.Action.DELETE
    ).exclude(object_id__in=model._default_manager.values("pk"))
    if since is not None:
        deletions = deletions.filter(created_at__gt=since)
    rows = list(deletions.values_list("object_id", "created_at", "changes"))
    once_public = set(
        events.filter(object_id__in=[pk for pk, _at, _c in rows]).values_list("object_id", flat=True)
    )
    for pk, at, changes in rows:
        status = (changes or {}).get("status") or [None]
        if status[0] in public_states or pk in once_public:
            left[pk] = max(at, left.get(pk, at))

    markers = [Tombstone(pk, at) for pk, at in left.items() if since is None or at > since]
    return sorted(markers, key=lambda t: (t.deleted_at, t.pk))


def feed_page(
    *, city: City, kind: str, since: dt.datetime | None, cursor: Cursor | None, limit: int
) -> FeedPage:
    """One page of the feed: records changed after ``since`` (strictly), continuing after ``cursor``;
    once they are all read, the deletion markers after ``since`` (``tombstones``) fill the pages.
    ``limit`` counts both."""
    records: list[Any] = []
    if cursor is None or not cursor.deleted:
        qs = feed_queryset(city=city, kind=kind)
        if since is not None:
            qs = qs.filter(updated_at__gt=since)
        if cursor is not None:
            qs = qs.filter(
                Q(updated_at__gt=cursor.updated_at) | Q(updated_at=cursor.updated_at, id__gt=cursor.pk)
            )
        records = list(qs[: limit + 1])
        if len(records) > limit:
            records = records[:limit]
            return FeedPage(records, Cursor(records[-1].updated_at, records[-1].pk))
    markers = tombstones(city=city, kind=kind, since=since)
    if cursor is not None and cursor.deleted and cursor.updated_at is not None:
        after = (cursor.updated_at, cursor.pk)
        markers = [t for t in markers if (t.deleted_at, t.pk) > after]
    room = limit - len(records)
    if len(markers) > room:
        shown = markers[:room]
        last = Cursor(shown[-1].deleted_at, shown[-1].pk, deleted=True) if shown else Cursor(None, 0, True)
        return FeedPage(records, last, shown)
    return FeedPage(records, None, markers)


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


# --------------------------------------------------------------------------- the back office


def feeds_for_administrator(user: Any) -> list[Feed]:
    """The feeds ``user`` administers (an alliance administrator every one, a city administrator their
    city's), by city and name, each with ``last_run`` (its newest ``HarvestRun`` or ``None``)."""
    from .models import HarvestRun

    latest = HarvestRun.objects.filter(feed=OuterRef("pk")).order_by("-started_at", "-id").values("pk")[:1]
    feeds = list(
        scope_for_administrator(Feed.objects.all(), user)
        .select_related("city")
        .annotate(last_run_id=Subquery(latest))
        .order_by("city__sort_order", "city__pk", "name", "pk")
    )
    runs = HarvestRun.objects.in_bulk([f.last_run_id for f in feeds if f.last_run_id])
    for feed in feeds:
        feed.last_run = runs.get(feed.last_run_id)
    return feeds


def feed_for_administrator(user: Any, pk: int) -> Feed | None:
    """One feed if ``user`` administers it, else ``None`` (the page answers 404 either way)."""
    return scope_for_administrator(Feed.objects.all(), user).select_related("city").filter(pk=pk).first()


def harvest_runs(feed: Feed) -> QuerySet[Any]:
    """Every run of ``feed``, newest first, with who asked for it."""
    from .models import HarvestRun

    return HarvestRun.objects.filter(feed=feed).select_related("requested_by").order_by("-started_at", "-id")
