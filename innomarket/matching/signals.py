"""Keep the search index in step with every write path (services, the back office, imports):
saving or deleting a listing or an organisation, or changing its field tags, schedules its
re-indexing after the commit (``services.schedule_reindex``)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from innomarket.catalog import LISTING_TYPES

from .services import schedule_reindex


def _on_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # fixtures
        return
    type_key = _type_keys.get(sender)
    if type_key is not None and instance.pk is not None:
        schedule_reindex(type_key, instance.pk)


def _on_fields_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _on_change(type(instance), instance)


_type_keys: dict[Any, str] = {}


def connect() -> None:
    for type_key, listing_type in LISTING_TYPES.items():
        model = listing_type.model
        _type_keys[model] = type_key
        uid = f"matching-{type_key}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid + "-delete")
        m2m_changed.connect(_on_fields_changed, sender=model.fields.through, dispatch_uid=uid + "-fields")
