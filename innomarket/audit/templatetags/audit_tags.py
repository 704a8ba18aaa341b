"""``{% audit_history obj %}``: a record's change history (审计日志) on its back-office page."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse

from innomarket.accounts import roles

from ..presentation import change_rows, reason_display
from ..selectors import history_for

register = template.Library()

DEFAULT_LIMIT = 50


@register.inclusion_tag("audit/history.html", takes_context=True)
def audit_history(context: template.Context, obj: Any, limit: int = DEFAULT_LIMIT) -> dict[str, Any]:
    """The newest ``limit`` entries of ``obj``: time, actor, action, reason and each field before → after.

    Shown only to back-office administrators of the record's city (the page it sits on checked that too);
    renders nothing for an unsaved object.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if obj is None or getattr(obj, "pk", None) is None or not _may_see(user, obj):
        return {"show": False}
    entries = list(history_for(obj)[: limit + 1])
    more = len(entries) > limit
    rows = [
        {
            "entry": entry,
            "actor": entry.actor_label,
            "action": entry.get_action_display(),
            "reason": reason_display(entry.reason),
            "changes": change_rows(entry),
        }
        for entry in entries[:limit]
    ]
    return {"show": True, "rows": rows, "more": more, "all_url": _all_url(obj) if more or rows else ""}


def _may_see(user: Any, obj: Any) -> bool:
    if roles.is_alliance_admin(user):
        return True
    city_id = getattr(obj, "city_id", None)
    return roles.is_city_admin(user) and roles.can_administer_city(user, city_id)


def _all_url(obj: Any) -> str:
    try:
        url = reverse("admin:audit_auditentry_changelist")
    except NoReverseMatch:
        return ""
    content_type = ContentType.objects.get_for_model(type(obj))
    return f"{url}?content_type={content_type.pk}&object_id={obj.pk}"
