"""Reads of the audit log: one record's history, and the search of administrators (scoped by city)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from innomarket.accounts import roles

from .models import AuditEntry


def history_for(obj: Model) -> QuerySet[AuditEntry]:
    """Every entry of one record, newest first, with the actor and content type joined.

    Not scoped: callers show it where the user may already see the record (its back-office page).
    """
    return (
        AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk)
        .select_related("actor", "content_type")
        .order_by("-created_at", "-id")
    )


def scoped(user: Any) -> QuerySet[AuditEntry]:
    """Alliance administrators see every entry; a city administrator their city's; anyone else nothing."""
    qs = AuditEntry.objects.all()
    if roles.is_alliance_admin(user):
        return qs
    city_id = roles.administered_city_id(user)
    return qs.filter(city_id=city_id) if city_id is not None else qs.none()


def _content_type(model: Any) -> ContentType | None:
    if model is None or model == "":
        return None
    if isinstance(model, ContentType):
        return model
    if isinstance(model, str):
        app_label, _, name = model.partition(".")
        return ContentType.objects.get_by_natural_key(app_label, name.lower()) if name else None
    return ContentType.objects.get_for_model(model)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def search(
    user: Any,
    *,
    q: str | None = None,
    actor: Any = None,
    model: Any = None,
    city: Any = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """Entries visible to ``user`` (see ``scoped``), newest first, filtered by:

    - ``q``: text in the record's name, the actor's name, the changed values or the reason;
    - ``actor``: a user (or user id), or text matched against the actor's name;
    - ``model``: a model class, a ``ContentType`` or ``"app_label.ModelName"``;
    - ``city``: a city or city id (a city administrator asking for another city gets nothing);
    - ``date_from`` / ``date_to``: calendar days in the site's time zone, both included.
    """
    qs = scoped(user).select_related("actor", "content_type", "city")
    if q:
        qs = qs.filter(
            Q(object_repr__icontains=q) | Q(actor_display__icontains=q) | Q(changes_text__icontains=q)
        )
    if actor is not None and actor != "":
        if isinstance(actor, str):
            qs = qs.filter(actor_display__icontains=actor)
        else:
            qs = qs.filter(actor_id=getattr(actor, "pk", actor))
    if (content_type := _content_type(model)) is not None:
        qs = qs.filter(content_type=content_type)
    if city is not None and city != "":
        qs = qs.filter(city_id=getattr(city, "pk", city))
    if date_from is not None:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to is not None:
        qs = qs.filter(created_at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return qs.order_by("-created_at", "-id")
