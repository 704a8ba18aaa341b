"""Reads of achievements (科技成果: technology and research results) for the public site."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import F, QuerySet

from innomarket.site.catalogue import filter_listings, public_listings
from innomarket.talent.models import Expert
from innomarket.verification.selectors import public

from .filters import AchievementFilterSet
from .models import Achievement


def achievement_queryset() -> QuerySet[Achievement]:
    """Public achievements with city, owner, field tags and the team's lead expert joined."""
    return public_listings(Achievement, select=("lead_expert",))


def achievement_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Achievement]:
    return filter_listings(AchievementFilterSet, achievement_queryset(), filters).qs


def expert_achievements(expert: Expert, *, limit: int = 20) -> tuple[list[Achievement], int]:
    """The newest ``limit`` public achievements an expert leads (their evidence), and how many there are.

    One query, or two when there are more than ``limit``.
    """
    qs = (
        public(Achievement)
        .filter(lead_expert=expert)
        .select_related("city")
        .order_by(F("published_at").desc(nulls_last=True), "-id")
    )
    items = list(qs[: limit + 1])
    count = len(items) if len(items) <= limit else qs.count()
    return items[:limit], count
