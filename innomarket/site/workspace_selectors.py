"""Reads of the member workspace: a person's organisations, their members and their listings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from innomarket.accounts.models import User
from innomarket.catalog import LISTING_TYPES, ListingType
from innomarket.organisations.models import Membership, Organisation


def creatable_listing_types() -> list[ListingType]:
    """The listing types organisation members create from the workspace, in catalogue order."""
    return [t for t in LISTING_TYPES.values() if t.member_creatable]


def creatable_listing_type(key: str) -> ListingType | None:
    listing_type = LISTING_TYPES.get(key)
    return listing_type if listing_type is not None and listing_type.member_creatable else None


def memberships_for_user(user: User) -> QuerySet[Membership]:
    """The person's memberships with their organisation and its city, organisations by name."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation", "organisation__city")
        .order_by("organisation__name", "organisation_id")
    )


def organisations_for_user(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(membership__user=user).select_related("city").order_by("name", "id")


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "created_at", "id")
    )


def membership_of(user: User, organisation: Organisation) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


@dataclass(frozen=True)
class WorkspaceListing:
    listing_type: ListingType
    record: Any


def listings_of(organisation: Organisation) -> list[WorkspaceListing]:
    """Every listing the organisation owns, of every member-creatable type, most recently changed first.

    One query per listing type (fourteen), each with the city joined; challenges also with their field
    tags, which their 需求诊断 reads (one more query).
    """
    rows: list[WorkspaceListing] = []
    for listing_type in creatable_listing_types():
        qs = listing_type.model._default_manager.filter(owner=organisation).select_related("city")
        if hasattr(listing_type.model, "diagnosis_data"):
            qs = qs.prefetch_related("fields")
        rows.extend(WorkspaceListing(listing_type, record) for record in qs)
    rows.sort(key=lambda row: (row.record.updated_at, row.record.pk), reverse=True)
    return rows
