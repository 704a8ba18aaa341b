"""Reads of organisations for the public site."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from innomarket.catalog import LISTING_TYPES, ListingType
from innomarket.site.catalogue import filter_listings, latest_first, public_listings
from innomarket.verification.selectors import public

from .filters import OrganisationFilterSet
from .models import Organisation


def organisation_queryset() -> QuerySet[Organisation]:
    """Public organisations with city, parent, field tags and qualification tags joined."""
    return public_listings(Organisation, select=("parent",), prefetch=("tags",))


def organisation_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Organisation]:
    return filter_listings(OrganisationFilterSet, organisation_queryset(), filters).qs


@dataclass(frozen=True)
class OwnedListings:
    listing_type: ListingType
    items: list[Any]
    count: int


def organisation_listings(organisation: Organisation, *, per_type: int = 5) -> list[OwnedListings]:
    """The public listings an organisation owns, by type (types it has none of are left out).

    One query per listing type; the count query is only made when a type has more than ``per_type``.
    """
    groups = []
    for listing_type in LISTING_TYPES.values():
        model = listing_type.model
        if not any(f.name == "owner" for f in model._meta.get_fields()):
            continue
        qs = latest_first(public(model).filter(owner=organisation).select_related("city"))
        items = list(qs[: per_type + 1])
        if not items:
            continue
        count = len(items) if len(items) <= per_type else qs.count()
        groups.append(OwnedListings(listing_type, items[:per_type], count))
    return groups
