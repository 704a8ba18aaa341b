"""Reads of policies for the public site."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from innomarket.site.catalogue import filter_listings, public_listings

from .filters import PolicyFilterSet
from .models import Policy


def policy_queryset() -> QuerySet[Policy]:
    """Public policies with city, owner and field tags joined."""
    return public_listings(Policy)


def policy_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Policy]:
    """Public policies filtered by ``PolicyFilterSet`` (invalid filter values are ignored)."""
    return filter_listings(PolicyFilterSet, policy_queryset(), filters).qs
