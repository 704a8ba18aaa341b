"""Who to notify: the groups of people the workflows address. Reads only; pass them to ``services.notify``.

Each returns active users ordered by primary key, so callers can narrow them further
(``.exclude(pk=actor.pk)``) before notifying.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from innomarket.accounts.models import User


def _active() -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("pk")


def organisation_members(organisation_id: int) -> QuerySet[User]:
    """Everyone with a membership of the organisation (机构成员, admins included)."""
    return _active().filter(membership__organisation_id=organisation_id)


def city_admins(city_id: int) -> QuerySet[User]:
    """The administrators of one city (城市管理员)."""
    return _active().filter(administered_city_id=city_id)


def alliance_admins() -> QuerySet[User]:
    """The alliance administrators (联盟管理员); superusers count as such, as in ``accounts.roles``."""
    return _active().filter(Q(is_alliance_admin=True) | Q(is_superuser=True))
