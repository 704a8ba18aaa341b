"""Reads of events for the public site."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from innomarket.site.catalogue import filter_listings, public_listings

from .filters import EventFilterSet
from .models import Event


def event_queryset() -> QuerySet[Event]:
    return public_listings(Event)


def event_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Event]:
    return filter_listings(EventFilterSet, event_queryset(), filters).qs
