"""Reads about cities: the figures behind the alliance map, the city pages and their recent listings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.db.models import Count, QuerySet
from django.http import Http404

from innomarket.catalog import LISTING_TYPES, SECTIONS, ListingType, Section
from innomarket.taxonomy.models import FieldTag
from innomarket.verification.selectors import public

from .layers import LAYERS, MapLayer
from .models import City


@dataclass(frozen=True)
class TypeCount:
    type: ListingType
    count: int

    @property
    def key(self) -> str:
        return self.type.key

    @property
    def label(self) -> Any:
        return self.type.label


@dataclass
class CityFigures:
    """The public records of one city, counted per listing type (every type of the catalogue present)."""

    city: City
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def by_type(self) -> list[TypeCount]:
        return [TypeCount(t, self.counts.get(key, 0)) for key, t in LISTING_TYPES.items()]

    @property
    def nonzero(self) -> list[TypeCount]:
        return [tc for tc in self.by_type if tc.count]

    @property
    def by_section(self) -> list[tuple[Section, list[TypeCount], int]]:
        """(section, its types with counts, section total) for the six service sections."""
        rows = []
        for section in SECTIONS.values():
            counts = [TypeCount(t, self.counts.get(t.key, 0)) for t in section.types]
            rows.append((section, counts, sum(tc.count for tc in counts)))
        return rows


def city_list() -> QuerySet[City]:
    """All cities, members first, in the alliance's order."""
    return City.objects.order_by("-is_member", "sort_order", "id")


def city_get(*, slug: str) -> City:
    try:
        return City.objects.get(slug=slug)
    except City.DoesNotExist:
        raise Http404(slug) from None


def city_figures(*, cities: Iterable[City] | None = None) -> list[CityFigures]:
    """Public records per city and listing type, for the given cities (default: all, members first).

    Counts only what a visitor may see (``verification.selectors.public``). One query for the
    cities (when not given) and one grouped aggregate per listing type, whatever the number of cities.
    """
    city_rows = list(cities) if cities is not None else list(city_list())
    figures = {c.pk: CityFigures(city=c, counts=dict.fromkeys(LISTING_TYPES, 0)) for c in city_rows}
    if not figures:
        return []
    restrict = cities is not None
    for key, listing_type in LISTING_TYPES.items():
        qs = public(listing_type.model)
        if restrict:
            qs = qs.filter(city_id__in=list(figures))
        for row in qs.order_by().values("city_id").annotate(n=Count("pk")):
            if row["city_id"] in figures:
                figures[row["city_id"]].counts[key] = row["n"]
    return list(figures.values())


def section_totals(figures: Iterable[CityFigures]) -> dict[str, int]:
    """Public records per service section, summed from city figures (every record belongs to a city)."""
    type_totals = dict.fromkeys(LISTING_TYPES, 0)
    for f in figures:
        for key, n in f.counts.items():
            type_totals[key] += n
    return {s.key: sum(type_totals[k] for k in s.type_keys) for s in SECTIONS.values()}


@dataclass(frozen=True)
class RecentListing:
    type: ListingType
    record: Any
    date: Any

    @property
    def type_name(self) -> Any:
        return self.record._meta.verbose_name


def _date_field(model: Any) -> str:
    names = {f.name for f in model._meta.get_fields()}
    return "published_at" if "published_at" in names else "created_at"


def city_recent_listings(
    *, city: City, figures: CityFigures | None = None, limit: int = 8
) -> list[RecentListing]:
    """The newest public records of one city across listing types, newest first.

    Queries only the types the city has records of (when ``figures`` is given), at most one query each.
    """
    found: list[RecentListing] = []
    for key, listing_type in LISTING_TYPES.items():
        if figures is not None and not figures.counts.get(key):
            continue
        model = listing_type.model
        date_field = _date_field(model)
        qs = public(model).filter(city=city).order_by(f"-{date_field}", "-pk")[:limit]
        found.extend(RecentListing(listing_type, r, getattr(r, date_field)) for r in qs)
    found.sort(key=lambda r: (r.date is not None, r.date), reverse=True)
    return found[:limit]


@dataclass(frozen=True)
class CityFreshnessPanel:
    """The city page's freshness figures: the share verified recently and the expired records."""

    verified_recently: int
    total_public: int
    share: float
    window_days: int
    expired_count: int
    expired: list[Any]  # verification.freshness.ExpiredRecord, for the city's administrators only

    @property
    def share_percent(self) -> int | None:
        return round(self.share * 100) if self.total_public else None


def city_freshness(*, city: City, with_expired_records: bool = False) -> CityFreshnessPanel:
    """Share of the city's public records verified within the share window, and its expired records
    (counted for everyone, listed only when ``with_expired_records``, i.e. for its administrators)."""
    from innomarket.verification import freshness

    window = freshness.share_window_days()
    figures = freshness.freshness_by_city(city_ids=[city.pk], window_days=window)[city.pk]
    return CityFreshnessPanel(
        verified_recently=figures.verified_recently,
        total_public=figures.total_public,
        share=figures.share,
        window_days=window,
        expired_count=figures.expired,
        expired=freshness.expired_records(city=city) if with_expired_records and figures.expired else [],
    )


def safe_http_url(url: str) -> str:
    """The URL if it is an absolute http(s) address, else "" (never render javascript: or data: links)."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in {"http", "https"} and parts.netloc else ""


# ---------------------------------------------------------------------------------------------------
# The alliance map (一图览全域): markers per layer
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapItem:
    title: str
    url: str
    is_sample: bool


@dataclass
class MapPoint:
    """The public records of one layer at one point (records placed only to their district or city share it)."""

    layer: str
    lng: float
    lat: float
    precision: str
    city_slug: str
    count: int = 0
    samples: int = 0
    items: list[MapItem] = field(default_factory=list)


@dataclass
class MapMarkers:
    points: list[MapPoint]
    placed: dict[str, int]  # layer key → public records on the map
    unplaced: dict[str, int]  # layer key → public records without a point (city unknown to the gazetteer)


def map_layer_queryset(layer: MapLayer, *, field_tag: FieldTag | None = None) -> QuerySet[Any]:
    """The public records a layer draws (optionally only those tagged with ``field_tag``)."""
    qs = public(layer.model)
    if layer.kinds:
        qs = qs.filter(kind__in=layer.kinds)
    if field_tag is not None:
        qs = qs.filter(fields=field_tag)
    return qs


def map_markers(
    *, layer_keys: Iterable[str] | None = None, field_tag: FieldTag | None = None, items_per_point: int = 8
) -> MapMarkers:
    """The map's markers: public records with a point, grouped per layer and point.

    Only public records (``verification.selectors.public``), and of them only the title, the link,
    the 示例 flag, the city and the approximate point. Two queries per layer, whatever the number of
    records; at most ``items_per_point`` titles per point (the count says how many there are).
    """
    keys = [k for k in (layer_keys or LAYERS) if k in LAYERS]
    points: list[MapPoint] = []
    placed: dict[str, int] = {}
    unplaced: dict[str, int] = {}
    for key in keys:
        layer = LAYERS[key]
        qs = map_layer_queryset(layer, field_tag=field_tag)
        unplaced[key] = qs.filter(geo_lng__isnull=True).count()
        rows = (
            qs.filter(geo_lng__isnull=False, geo_lat__isnull=False)
            .order_by("is_sample", layer.title_field, "pk")
            .values_list(
                "pk", layer.title_field, "geo_lng", "geo_lat", "geo_precision", "is_sample", "city__slug"
            )
        )
        groups: dict[tuple[float, float], MapPoint] = {}
        for pk, title, lng, lat, precision, is_sample, city_slug in rows:
            point = groups.get((lng, lat))
            if point is None:
                point = groups[(lng, lat)] = MapPoint(key, lng, lat, precision, city_slug)
            point.count += 1
            point.samples += bool(is_sample)
            if len(point.items) < items_per_point:
                point.items.append(MapItem(title, layer.detail_href(pk), bool(is_sample)))
        placed[key] = sum(p.count for p in groups.values())
        points.extend(groups.values())
    return MapMarkers(points=points, placed=placed, unplaced=unplaced)


def map_city_layer_counts(*, cities: Iterable[City]) -> dict[int, dict[str, int]]:
    """Public records per city and map layer (placed or not), one grouped query per layer."""
    ids = [c.pk for c in cities]
    counts: dict[int, dict[str, int]] = {pk: dict.fromkeys(LAYERS, 0) for pk in ids}
    for key, layer in LAYERS.items():
        qs = (
            map_layer_queryset(layer)
            .filter(city_id__in=ids)
            .order_by()
            .values("city_id")
            .annotate(n=Count("pk"))
        )
        for row in qs:
            counts[row["city_id"]][key] = row["n"]
    return counts
