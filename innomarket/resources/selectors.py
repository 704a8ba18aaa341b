"""Reads of shared spaces and instruments for the public site."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from innomarket.site.catalogue import filter_listings, public_listings

from .filters import InstrumentFilterSet, SpaceFilterSet
from .models import Instrument, Space


def space_queryset() -> QuerySet[Space]:
    """Public spaces with city, owner and field tags joined."""
    return public_listings(Space)


def space_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Space]:
    return filter_listings(SpaceFilterSet, space_queryset(), filters).qs


def instrument_queryset() -> QuerySet[Instrument]:
    """Public instruments with city, owner and field tags joined."""
    return public_listings(Instrument)


def instrument_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Instrument]:
    return filter_listings(InstrumentFilterSet, instrument_queryset(), filters).qs
