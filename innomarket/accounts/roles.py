"""Role predicates. Every permission decision on the server goes through these, per object.

They take the user and the object (or its city/organisation id) and answer yes or no; services call
them before writing, selectors use the ``*_ids`` helpers to scope querysets.
"""

from __future__ import annotations

from typing import Any


def is_alliance_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or user.is_alliance_admin))


def administered_city_id(user: Any) -> int | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return user.administered_city_id


def is_city_admin(user: Any) -> bool:
    return administered_city_id(user) is not None


def can_administer_city(user: Any, city_id: int | None) -> bool:
    """Alliance administrators administer every city; a city administrator only their own."""
    if is_alliance_admin(user):
        return True
    own = administered_city_id(user)
    return own is not None and city_id is not None and own == city_id


def member_organisation_ids(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_member_org_ids", None)
    if cached is None:
        from innomarket.organisations.models import Membership

        cached = set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
        user._member_org_ids = cached
    return cached


def is_member_of(user: Any, organisation_id: int | None) -> bool:
    return organisation_id is not None and organisation_id in member_organisation_ids(user)


def can_edit_listing(user: Any, listing: Any) -> bool:
    """Members edit their own organisation's listings; administrators those of the cities they run."""
    return is_member_of(user, getattr(listing, "owner_id", None)) or can_administer_city(
        user, listing.city_id
    )


def is_administrator(user: Any) -> bool:
    """Anyone with back-office reach (city or alliance administrator, staff, superuser): the people a
    second factor and the back office's idle timeout are for."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_staff or user.is_superuser or user.is_alliance_admin or user.administered_city_id)
    )
