"""Reads of API tokens."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import ApiToken


def organisation_tokens(organisation: Any) -> QuerySet[ApiToken]:
    """An organisation's tokens, active ones first, newest first within each."""
    return (
        ApiToken.objects.filter(organisation=organisation)
        .select_related("created_by", "revoked_by")
        .order_by("revoked_at", "-created_at", "-id")
    )
