"""Reads of experts, technology managers, talent posts and talent stations for the public site."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from innomarket.site.catalogue import filter_listings, public_listings

from .filters import ExpertFilterSet, TalentPostFilterSet, TalentStationFilterSet, TechManagerFilterSet
from .models import Expert, TalentPost, TalentStation, TechManager


def expert_queryset() -> QuerySet[Expert]:
    return public_listings(Expert)


def expert_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Expert]:
    return filter_listings(ExpertFilterSet, expert_queryset(), filters).qs


def techmanager_queryset() -> QuerySet[TechManager]:
    return public_listings(TechManager)


def techmanager_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[TechManager]:
    return filter_listings(TechManagerFilterSet, techmanager_queryset(), filters).qs


def talentpost_queryset() -> QuerySet[TalentPost]:
    return public_listings(TalentPost)


def talentpost_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[TalentPost]:
    return filter_listings(TalentPostFilterSet, talentpost_queryset(), filters).qs


def station_queryset() -> QuerySet[TalentStation]:
    return public_listings(TalentStation)


def station_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[TalentStation]:
    return filter_listings(TalentStationFilterSet, station_queryset(), filters).qs
