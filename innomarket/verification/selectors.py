from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from innomarket.accounts import roles

from .models import StatusEvent, Verifiable


def status_events_for(record: Model) -> QuerySet[StatusEvent]:
    """The audit history of one record, newest first, with the actor joined."""
    return StatusEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
    ).select_related("actor", "content_type")


def public(model: type[Verifiable]) -> QuerySet[Any]:
    """Only records in a public state of the model's workflow: what a visitor may ever see."""
    return model._default_manager.filter(status__in=model.WORKFLOW.public)


def scope_for_administrator(qs: QuerySet[Any], user: Any, city_field: str = "city") -> QuerySet[Any]:
    """Alliance administrators see everything; a city administrator only their city's rows; others nothing."""
    if roles.is_alliance_admin(user):
        return qs
    city_id = roles.administered_city_id(user)
    if city_id is None:
        return qs.none()
    return qs.filter(**{f"{city_field}_id": city_id})
