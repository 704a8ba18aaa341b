"""Recording: the signal receivers that write ``AuditEntry`` rows for every tracked model.

Tracked: every concrete ``Verifiable`` (organisations and the listing kinds), ``challenges.Bid`` and
``lists.CooperationMilestone``. Cost per save: one read of the old row by key before an update (only the
fields in ``update_fields`` when given) and one insert after it; nothing when nothing changed.

- ``pre_save`` reads the stored values; ``post_save`` writes the create / update / status entry with the
  changed fields as ``{field: [before, after]}`` (a changed ``status`` makes it a status entry).
- ``m2m_changed`` records forward changes of the auto-created many-to-many fields (field tags, partner
  cities, partner organisations, organisation tags). Changes made through the same in-memory object in
  the same actor context right after its save (``listing_create``/``listing_update`` setting ``fields``,
  and ``set()``, which removes then adds) are merged into that entry. Changes from the reverse side
  (``tag.policies_set.add(policy)``) are not recorded.
- ``post_delete`` writes a delete entry with the record's last values.
- ``verification.signals.status_changed`` attaches the transition's reason (and its actor when no actor
  context was set) to the status entry just written.
- Bulk writes send no signals: callers use ``record_bulk_create`` (after ``bulk_create``) and
  ``record_change`` (after ``QuerySet.update``).

Raw saves (fixtures, ``loaddata``) are not recorded.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, signals

from ..context import AuditContext, current
from ..models import AuditEntry
from .values import (
    dump,
    fk_reprs,
    instance_repr,
    is_empty,
    json_safe,
    normalise,
    snapshot,
    tracked_fields,
)

Action = AuditEntry.Action
# How long after an entry further many-to-many changes of the same object merge into it.
MERGE_SECONDS = 5.0
# Attribute names on the saved instances (never model fields).
OLD_ATTR = "_audit_old"
LAST_ATTR = "_audit_last"
M2M_BEFORE_ATTR = "_audit_m2m_before"


@dataclass(frozen=True)
class Tracked:
    city_path: str = "city"  # lookup from the record to its city: "city", "challenge__city" …
    m2m: tuple[str, ...] = ()


@dataclass
class _Last:
    """The entry just written for one in-memory object, so follow-up changes can join it."""

    entry: AuditEntry
    context: AuditContext | None
    at: float
    m2m_state: dict[str, set[Any]] = field(default_factory=dict)

    def joinable(self, instance: Model) -> bool:
        return (
            self.entry.object_id == instance.pk
            and self.context is current()
            and time.monotonic() - self.at < MERGE_SECONDS
        )


_tracked: dict[type[Model], Tracked] = {}
_through: dict[type[Model], tuple[type[Model], Any]] = {}  # through model → (tracked model, m2m field)


def _discover() -> dict[type[Model], Tracked]:
    from innomarket.verification.models import Verifiable

    extra = {"challenges.Bid": "challenge__city", "lists.CooperationMilestone": "cooperation__city"}
    found: dict[type[Model], Tracked] = {}
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.proxy or not (issubclass(model, Verifiable) or label in extra):
            continue
        m2m = tuple(
            f.name
            for f in model._meta.many_to_many
            if f.remote_field.through._meta.auto_created  # type: ignore[union-attr]
        )
        found[model] = Tracked(city_path=extra.get(label, "city"), m2m=m2m)
    return found


def tracked_models() -> dict[type[Model], Tracked]:
    """Every model whose changes are recorded, with how to reach its city."""
    return _tracked


def connect() -> None:
    """Connect the receivers (``AuditConfig.ready``). Idempotent."""
    from innomarket.verification.signals import status_changed

    _tracked.clear()
    _tracked.update(_discover())
    _through.clear()
    for model, spec in _tracked.items():
        uid = f"audit:{model._meta.label}"
        signals.pre_save.connect(_pre_save, sender=model, dispatch_uid=uid)
        signals.post_save.connect(_post_save, sender=model, dispatch_uid=uid)
        signals.post_delete.connect(_post_delete, sender=model, dispatch_uid=uid)
        for name in spec.m2m:
            m2m_field: Any = model._meta.get_field(name)
            through = m2m_field.remote_field.through
            _through[through] = (model, m2m_field)
            signals.m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"{uid}.{name}")
    status_changed.connect(_status_changed, dispatch_uid="audit:status_changed")


# ------------------------------------------------------------------------------------------ context


def city_id_of(instance: Model, path: str) -> int | None:
    """Follow ``path`` from ``instance`` to a city id, using loaded relations, else one query."""
    if "__" not in path:
        return getattr(instance, f"{path}_id", None)
    first, rest = path.split("__", 1)
    fk: Any = type(instance)._meta.get_field(first)
    if fk.is_cached(instance):
        target = fk.get_cached_value(instance)
        return city_id_of(target, rest) if target is not None else None
    pk = getattr(instance, fk.attname)
    if pk is None:
        return None
    return fk.related_model._base_manager.filter(pk=pk).values_list(rest, flat=True).first()


def _actor_fields(context: AuditContext | None, actor: Any = None) -> dict[str, Any]:
    user = actor if actor is not None else (context.resolved_user() if context else None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    user = getattr(user, "_wrapped", user)
    display = ""
    if user is not None:
        display = (getattr(user, "display_name", "") or str(user))[:150]
    return {"actor": user, "actor_display": display}


def changes_text(changes: dict[str, Any], reason: str = "") -> str:
    text = json.dumps(changes, ensure_ascii=False, sort_keys=True) if changes else ""
    return f"{text}\n{reason}".strip()


def _new_entry(
    instance: Model,
    action: str,
    changes: dict[str, Any],
    *,
    context: AuditContext | None,
    actor: Any = None,
    reason: str | None = None,
) -> AuditEntry:
    spec = _tracked.get(type(instance)) or Tracked()
    reason = (context.reason if context else "") if reason is None else reason
    return AuditEntry(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=instance.pk,
        object_repr=instance_repr(instance),
        action=action,
        city_id=city_id_of(instance, spec.city_path),
        changes=changes,
        changes_text=changes_text(changes, reason),
        reason=reason,
        request_id=context.request_id if context else "",
        ip=context.ip if context else None,
        **_actor_fields(context, actor),
    )


def _write(instance: Model, action: str, changes: dict[str, Any]) -> AuditEntry:
    context = current()
    entry = _new_entry(instance, action, changes, context=context)
    entry.save(force_insert=True)
    last = _Last(entry=entry, context=context, at=time.monotonic())
    if action == Action.CREATE:
        # A new row has no links yet: setting them right after needs no read of the old ones.
        last.m2m_state = {name: set() for name in (_tracked.get(type(instance)) or Tracked()).m2m}
    setattr(instance, LAST_ATTR, last)
    return entry


# ------------------------------------------------------------------------------------------ saves


def _pre_save(
    sender: type[Model], instance: Model, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    instance.__dict__.pop(OLD_ATTR, None)
    if raw or instance._state.adding or instance.pk is None:
        return
    fields = tracked_fields(sender)
    if update_fields is not None:
        named = set(update_fields)
        fields = tuple(f for f in fields if f.name in named or f.attname in named)
    if not fields:
        return
    old = sender._base_manager.filter(pk=instance.pk).values(*(f.attname for f in fields)).first()
    if old is not None:
        setattr(instance, OLD_ATTR, (fields, old))


def _post_save(
    sender: type[Model], instance: Model, created: bool = False, raw: bool = False, **kwargs: Any
) -> None:
    stored = instance.__dict__.pop(OLD_ATTR, None)
    if raw:
        return
    if created:
        changes = {name: [None, value] for name, value in snapshot(instance, tracked_fields(sender)).items()}
        _write(instance, Action.CREATE, changes)
        return
    if stored is None:
        return
    fields, old = stored
    changed: list[tuple[Any, Any, Any]] = []
    for f in fields:
        before = normalise(f, old[f.attname])
        after = normalise(f, getattr(instance, f.attname))
        if before != after:
            changed.append((f, before, after))
    if not changed:
        return
    changes = {}
    for f, before, after in changed:
        known = fk_reprs(f, [before]) if f.is_relation and before is not None else None
        changes[f.name] = [dump(f, before, None, known), dump(f, after, instance)]
    _write(instance, Action.STATUS if "status" in changes else Action.UPDATE, changes)


def _post_delete(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    changes = {name: [value, None] for name, value in snapshot(instance, tracked_fields(sender)).items()}
    _write(instance, Action.DELETE, changes)


def _status_changed(sender: Any, record: Model, actor: Any = None, reason: str = "", **kwargs: Any) -> None:
    """Attach the transition's reason, and its actor when no context named one, to the status entry."""
    last = record.__dict__.get(LAST_ATTR)
    if last is None or last.entry.action != Action.STATUS or last.entry.object_id != record.pk:
        return
    entry = last.entry
    updates: dict[str, Any] = {}
    if reason and reason != entry.reason:
        updates["reason"] = reason
        updates["changes_text"] = changes_text(entry.changes, reason)
    if entry.actor_id is None and getattr(actor, "is_authenticated", False):
        updates.update(_actor_fields(None, actor))
    if updates:
        for name, value in updates.items():
            setattr(entry, name, value)
        AuditEntry.objects.filter(pk=entry.pk).update(**updates)


# ------------------------------------------------------------------------------------------ many-to-many


def _linked_ids(instance: Model, m2m_field: Any) -> set[Any]:
    through = m2m_field.remote_field.through
    source = m2m_field.m2m_field_name()
    target = m2m_field.m2m_reverse_field_name()
    return set(
        through._base_manager.filter(**{f"{source}_id": instance.pk}).values_list(f"{target}_id", flat=True)
    )


def _m2m_changed(
    sender: type[Model],
    instance: Model,
    action: str,
    reverse: bool,
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    if reverse:
        return
    owner_model, m2m_field = _through.get(sender, (None, None))
    if owner_model is None or m2m_field is None or not isinstance(instance, owner_model):
        return
    name = m2m_field.name
    last: _Last | None = instance.__dict__.get(LAST_ATTR)
    join = last if last is not None and _joinable(last, instance) else None
    # Right after a save or an earlier change in the same operation, the links are known: no query.
    known = join.m2m_state.get(name) if join is not None else None
    pending: dict[str, set[Any]] = instance.__dict__.setdefault(M2M_BEFORE_ATTR, {})
    if action in ("pre_remove", "pre_clear"):
        pending[name] = set(known) if known is not None else _linked_ids(instance, m2m_field)
        return
    if action == "post_add":
        if known is not None:
            before = set(known)
            after = before | set(pk_set or ())
        else:
            after = _linked_ids(instance, m2m_field)
            before = after - set(pk_set or ())
    elif action == "post_remove":
        before = pending.pop(name, set())
        after = before - set(pk_set or ())
    elif action == "post_clear":
        before, after = pending.pop(name, set()), set()
    else:
        return
    if before != after:
        _record_m2m(instance, m2m_field, before, after, join)


def _joinable(last: _Last, instance: Model) -> bool:
    return last.joinable(instance) and last.entry.action in (Action.CREATE, Action.UPDATE)


def _record_m2m(
    instance: Model, m2m_field: Any, before: set[Any], after: set[Any], last: _Last | None
) -> None:
    names = fk_reprs(m2m_field, before | after)

    def listed(ids: Iterable[Any]) -> list[str]:
        return sorted(names.get(pk, f"#{pk}") for pk in ids)

    name = m2m_field.name
    if last is not None:
        entry = last.entry
        changes = dict(entry.changes)
        first_before = changes[name][0] if name in changes else listed(before)
        if first_before is None:
            first_before = []
        if first_before == listed(after):
            changes.pop(name, None)
        else:
            changes[name] = [first_before, listed(after)]
        entry.changes = changes
        entry.changes_text = changes_text(changes, entry.reason)
        AuditEntry.objects.filter(pk=entry.pk).update(changes=changes, changes_text=entry.changes_text)
        last.m2m_state[name] = set(after)
        return
    _write(instance, Action.UPDATE, {name: [listed(before), listed(after)]})
    instance.__dict__[LAST_ATTR].m2m_state[name] = set(after)


# ------------------------------------------------------------------------------------------ bulk


def record_bulk_create(
    model: type[Model],
    objs: Sequence[Model],
    actor: Any = None,
    *,
    reason: str | None = None,
    batch_size: int = 1000,
) -> list[AuditEntry]:
    """Write the create entries of rows saved with ``bulk_create`` (which sends no signals).

    ``objs`` must have their primary keys (``bulk_create`` sets them on SQLite and PostgreSQL).
    ``actor`` defaults to the current ``audit.actor`` context; ``reason`` to the context's reason.
    Foreign keys not loaded on the objects are named with one query per field; many-to-many values are
    not included (record them by setting them through the related manager, or not at all).
    """
    objs = [o for o in objs if o.pk is not None]
    if not objs:
        return []
    fields: tuple[Any, ...] = tracked_fields(model)
    known = {
        f.name: fk_reprs(f, {getattr(o, f.attname) for o in objs if not f.is_cached(o)})
        for f in fields
        if f.is_relation
    }
    context = current()
    entries = []
    for obj in objs:
        changes = {}
        for f in fields:
            value = normalise(f, getattr(obj, f.attname))
            if not is_empty(value):
                changes[f.name] = [None, dump(f, value, obj, known.get(f.name))]
        entries.append(_new_entry(obj, Action.CREATE, changes, context=context, actor=actor, reason=reason))
    return AuditEntry.objects.bulk_create(entries, batch_size=batch_size)


def record_change(
    obj: Model,
    changes: dict[str, Sequence[Any]],
    *,
    action: str = Action.UPDATE,
    actor: Any = None,
    reason: str | None = None,
) -> AuditEntry:
    """Record a change made without model signals (``QuerySet.update``, e.g. moving listings on a merge).

    ``changes`` maps field names to ``(before, after)`` in Python values (foreign keys by primary key);
    they are stored in the log's JSON-safe form. ``actor`` and ``reason`` default to the current context.
    """
    stored: dict[str, Any] = {}
    for name, (before, after) in changes.items():
        try:
            model_field: Any = type(obj)._meta.get_field(name)
        except FieldDoesNotExist:
            stored[name] = [json_safe(before), json_safe(after)]
            continue
        if model_field.many_to_many or not model_field.concrete:
            stored[name] = [json_safe(before), json_safe(after)]
            continue
        known = fk_reprs(model_field, [before, after]) if model_field.is_relation else None
        stored[name] = [
            dump(model_field, normalise(model_field, before), None, known),
            dump(model_field, normalise(model_field, after), None, known),
        ]
    entry = _new_entry(obj, action, stored, context=current(), actor=actor, reason=reason)
    entry.save(force_insert=True)
    return entry
