"""Site-wide search, simple for now: every term (icontains) in a type's search fields.

The matching-engine issue replaces the engine behind ``search_listings``; its contract (a query in,
``SearchResults`` grouped by listing type out, public records only) stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from innomarket.catalog import LISTING_TYPES, ListingType
from innomarket.regions.models import City
from innomarket.site.catalogue import filterset_for, keyword_q, latest_first, search_terms
from innomarket.verification.selectors import public


@dataclass(frozen=True)
class SearchGroup:
    listing_type: ListingType
    count: int
    items: list[Any]

    @property
    def has_more(self) -> bool:
        return self.count > len(self.items)


@dataclass(frozen=True)
class SearchResults:
    query: str
    terms: list[str]
    type_key: str | None = None
    city: City | None = None
    groups: list[SearchGroup] = field(default_factory=list)  # types with at least one hit, in catalogue order
    counts: dict[str, int] = field(default_factory=dict)  # hits per type key, before the type facet

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def search_listings(
    *, query: str, type_key: str | None = None, city: City | None = None, per_type: int = 5
) -> SearchResults:
    """Public listings of every type matching all terms of ``query``, grouped by type.

    ``type_key`` restricts the items returned (counts still cover every type, for the facet);
    ``city`` restricts everything to one city. An empty query returns no groups. Only a type's
    public search fields are searched (a challenge's confidential text never is).
    """
    terms = search_terms(query)
    if type_key not in LISTING_TYPES:
        type_key = None
    results = SearchResults(query=" ".join(terms), terms=terms, type_key=type_key, city=city)
    if not terms:
        return results
    for key, listing_type in LISTING_TYPES.items():
        qs = public(listing_type.model).filter(keyword_q(terms, filterset_for(key).search_fields))
        if city is not None:
            qs = qs.filter(city=city)
        count = qs.count()
        results.counts[key] = count
        if count and (type_key is None or type_key == key):
            items = list(latest_first(qs.select_related("city"))[:per_type])
            results.groups.append(SearchGroup(listing_type, count, items))
    return results
