"""How an entry's changes read on a page: the field's label and its before/after values in words."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext

EMPTY = "—"
MAX_CHARS = 300


def _label(model: type[models.Model] | None, name: str) -> tuple[str, Any]:
    if model is None:
        return name, None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name, None
    return capfirst(str(getattr(field, "verbose_name", name))), field


def display_value(field: Any, value: Any) -> str:
    """One stored value in words: choices by their label, records by name, lists joined, long text cut."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, dict) and "repr" in value:
        return str(value["repr"])
    if isinstance(value, list):
        return gettext("、").join(str(v) for v in value)
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if field is not None and getattr(field, "flatchoices", None) and not isinstance(value, dict):
        label = dict(field.flatchoices).get(value)
        if label is not None:
            return str(label)
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is not None:
            if timezone.is_aware(parsed):
                parsed = timezone.localtime(parsed)
            return date_format(parsed, "Y-m-d H:i")
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return Truncator(str(value)).chars(MAX_CHARS)


def change_rows(entry: Any) -> list[dict[str, Any]]:
    """``[{"name", "label", "before", "after"}]`` of an ``AuditEntry``, in the model's field order."""
    model = entry.content_type.model_class()
    order = {f.name: i for i, f in enumerate(model._meta.get_fields())} if model is not None else {}
    rows = []
    for name, pair in sorted((entry.changes or {}).items(), key=lambda item: order.get(item[0], len(order))):
        before, after = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        label, field = _label(model, name)
        rows.append(
            {
                "name": name,
                "label": label,
                "before": display_value(field, before),
                "after": display_value(field, after),
            }
        )
    return rows


def reason_display(reason: str) -> str:
    """System reasons are stored in the source language and translated when shown (see verification)."""
    from innomarket.verification.models import SYSTEM_REASONS

    return str(SYSTEM_REASONS.get(reason, reason))


__all__ = ["EMPTY", "change_rows", "display_value", "reason_display"]
