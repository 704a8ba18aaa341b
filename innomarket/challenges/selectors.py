"""Reads of challenges (榜单) for the public site: only the public teaser is ever exposed here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from innomarket.site.catalogue import filter_listings, public_listings

from .filters import ChallengeFilterSet
from .models import Challenge

# What a visitor may read of a challenge (the tiered disclosure's first tier).
TEASER_FIELDS = ("title", "summary", "kind", "budget_min", "budget_max", "deadline", "status")


def challenge_queryset() -> QuerySet[Challenge]:
    """Public challenges (published through completed) with city, owner and field tags joined."""
    return public_listings(Challenge)


def challenge_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Challenge]:
    return filter_listings(ChallengeFilterSet, challenge_queryset(), filters).qs
