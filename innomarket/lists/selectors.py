"""Reads of the cooperation catalogue (合作清单) and of the three lists (三张清单) for the public site and the dashboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from innomarket.regions.models import City
from innomarket.site.catalogue import filter_listings, public_listings
from innomarket.verification.selectors import public

from .filters import CooperationFilterSet
from .models import Cooperation
from .three_lists import PHASES, THREE_LISTS, Source, ThreeList, row_values


def cooperation_queryset() -> QuerySet[Cooperation]:
    """Public cooperation projects with partner cities and partner organisations prefetched."""
    return public_listings(Cooperation, select=("challenge",), prefetch=("partner_cities", "partners"))


def cooperation_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Cooperation]:
    return filter_listings(CooperationFilterSet, cooperation_queryset(), filters).qs


# --------------------------------------------------------------------------------------------
# 三张清单: counts and rows per list, tense and city (rules in three_lists.py)
# --------------------------------------------------------------------------------------------


def member_cities() -> list[City]:
    """The alliance's member cities in their display order (the city filter's choices)."""
    return list(City.objects.filter(is_member=True).order_by("sort_order", "id"))


def resolve_city(city: City | str | None) -> City | None:
    """A City, a member city's slug, or None (alliance-wide). An unknown slug raises City.DoesNotExist."""
    if city is None or isinstance(city, City):
        return city
    return City.objects.get(slug=city, is_member=True)


def _city_q(source: Source, city: City | None) -> Q:
    if city is None:
        return Q()
    if source.partner_cities:
        through = source.model.partner_cities.through
        fk = f"{source.model._meta.model_name}_id"
        return Q(city_id=city.pk) | Q(pk__in=through.objects.filter(city_id=city.pk).values(fk))
    return Q(city_id=city.pk)


def _source_queryset(source: Source, *, city: City | None, public_only: bool) -> QuerySet[Any]:
    """The records of ``source`` that belong to its list in ``city``: public ones, or with
    ``public_only=False`` also those that were public once (expired, archived, cancelled)."""
    model = source.model
    if public_only:
        qs = public(model)
    else:
        qs = model._default_manager.filter(
            status__in=sorted(model.WORKFLOW.public | set(source.former_statuses))
        )
    return qs.filter(source.member()).filter(_city_q(source, city))


def list_counts(
    three_list: ThreeList,
    *,
    city: City | None = None,
    public_only: bool = True,
    today: dt.date | None = None,
) -> dict[str, int]:
    """{"past": n, "present": n, "future": n, "total": n} of one list. One query per source model."""
    today = today or timezone.localdate()
    counts = dict.fromkeys(PHASES, 0)
    for source in three_list.sources:
        rules = {phase: q for phase, q in source.phases(today).items() if q is not None}
        if not rules:
            continue
        qs = _source_queryset(source, city=city, public_only=public_only).order_by()
        result = qs.aggregate(**{phase: Count("pk", filter=q) for phase, q in rules.items()})
        for phase in rules:
            counts[phase] += result[phase] or 0
    counts["total"] = sum(counts[phase] for phase in PHASES)
    return counts


def dashboard_counts(
    city: City | str | None = None, *, public_only: bool = True
) -> dict[str, dict[str, int]]:
    """The 3×3 counts of the three lists for the dashboard, plus totals.

    ``{"resources": {"past", "present", "future", "total"}, "demands": {…}, "cooperation": {…},
    "all": {…}}`` — ``all`` sums the three lists per tense. ``city`` is a City, a member city's slug
    or None (alliance-wide). By default only public records count, so the numbers equal the public
    pages'; ``public_only=False`` adds records that were public once (已过期/已下架/已取消) to 过去时.
    Six queries (one per model), plus one to look up a slug.
    """
    city = resolve_city(city)
    today = timezone.localdate()
    result = {
        key: list_counts(three_list, city=city, public_only=public_only, today=today)
        for key, three_list in THREE_LISTS.items()
    }
    result["all"] = {name: sum(result[key][name] for key in THREE_LISTS) for name in (*PHASES, "total")}
    return result


def list_rows(
    three_list: ThreeList,
    phase: str,
    *,
    city: City | None = None,
    public_only: bool = True,
    today: dt.date | None = None,
) -> QuerySet[Any] | list[Any]:
    """The rows of one list in one tense as dicts of ``three_lists.ROW_COLUMNS``, every source
    in one UNION query, ordered by city, source and title. Paginate or iterate it; an empty list
    when no source can be in this tense."""
    today = today or timezone.localdate()
    parts = []
    for source in three_list.sources:
        rule = source.phases(today).get(phase)
        if rule is None:
            continue
        qs = _source_queryset(source, city=city, public_only=public_only).filter(rule)
        parts.append(qs.order_by().values(**row_values(source)))
    if not parts:
        return []
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return combined.order_by("r_city_order", "r_src", "r_title", "r_id")


@dataclass(frozen=True)
class ListRow:
    """One row of a list as shown on the pages and in the export."""

    source: Source
    pk: int
    title: str
    kind: str
    status: str
    city: str
    start: dt.date | None
    end: dt.date | None
    verified: dt.date | None
    is_sample: bool = False

    @property
    def category(self) -> str:
        return str(self.source.label)

    @property
    def url(self) -> str:
        return reverse(self.source.listing_type.detail_url, kwargs={"pk": self.pk})


def present_rows(three_list: ThreeList, rows: Iterable[dict[str, Any]]) -> list[ListRow]:
    """Turn ``list_rows`` dicts into ``ListRow`` with kind and status labels (no query)."""
    sources = {s.type_key: s for s in three_list.sources}
    status_labels = {s.type_key: dict(s.model._meta.get_field("status").choices) for s in three_list.sources}
    return [
        ListRow(
            source=sources[row["r_src"]],
            pk=row["r_id"],
            title=row["r_title"],
            kind=sources[row["r_src"]].kind_label(row["r_kind"]),
            status=str(status_labels[row["r_src"]].get(row["r_status"], row["r_status"])),
            city=row["r_city"] or "",
            start=_as_date(row["r_start"]),
            end=_as_date(row["r_end"]),
            verified=_as_date(row["r_verified"]),
            is_sample=bool(row["r_sample"]),
        )
        for row in rows
    ]


def _as_date(value: Any) -> dt.date | None:
    """Dates from a UNION come back as dates (PostgreSQL) or ISO strings (SQLite)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def partner_city_names(cooperation_ids: Iterable[int]) -> dict[int, list[str]]:
    """合作城市 of the given cooperation projects, in one query."""
    through = Cooperation.partner_cities.through
    names: dict[int, list[str]] = {}
    for coop_id, name in (
        through.objects.filter(cooperation_id__in=list(cooperation_ids))
        .order_by("city__sort_order", "city_id")
        .values_list("cooperation_id", "city__name")
    ):
        names.setdefault(coop_id, []).append(name)
    return names
