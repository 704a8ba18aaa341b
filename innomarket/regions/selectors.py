"""Reads about cities: the figures behind the alliance map, the city pages and their recent listings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.db.models import Count, QuerySet
from django.http import Http404

from innomarket.catalog import LISTING_TYPES, SECTIONS, ListingType, Section
from innomarket.verification.selectors import public

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
