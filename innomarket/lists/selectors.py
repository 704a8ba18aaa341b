"""Reads of the cooperation list (合作清单) for the public site."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from innomarket.site.catalogue import filter_listings, public_listings

from .filters import CooperationFilterSet
from .models import Cooperation


def cooperation_queryset() -> QuerySet[Cooperation]:
    """Public cooperation projects with partner cities and partner organisations prefetched."""
    return public_listings(Cooperation, select=("challenge",), prefetch=("partner_cities", "partners"))


def cooperation_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Cooperation]:
    return filter_listings(CooperationFilterSet, cooperation_queryset(), filters).qs
