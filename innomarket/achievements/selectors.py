"""Reads of technology achievements (科技成果) for the public site."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from innomarket.site.catalogue import filter_listings, public_listings

from .filters import AchievementFilterSet
from .models import Achievement


def achievement_queryset() -> QuerySet[Achievement]:
    return public_listings(Achievement)


def achievement_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Achievement]:
    return filter_listings(AchievementFilterSet, achievement_queryset(), filters).qs
