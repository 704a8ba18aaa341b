"""Template tags of the back office's own pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib import admin

from innomarket.accounts import roles

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_verification(context: dict[str, Any]) -> dict[str, Any]:
    """How many records wait for verification (待核验), per model, within the administrator's scope.

    ``rows`` is ``None`` for users without an administrator role (nothing to verify).
    """
    from innomarket.backoffice.admin_mixins import VerifiableAdminMixin, has_backoffice_role

    request = context["request"]
    if not has_backoffice_role(request.user):
        return {"rows": None, "city": None}
    rows = []
    for model_admin in admin.site._registry.values():
        if not isinstance(model_admin, VerifiableAdminMixin) or not model_admin.has_view_permission(request):
            continue
        count = model_admin.pending_queryset(request).count()
        if count:
            rows.append(
                {
                    "name": model_admin.opts.verbose_name_plural,
                    "count": count,
                    "url": model_admin.pending_url(),
                }
            )
    city = None if roles.is_alliance_admin(request.user) else request.user.administered_city
    return {"rows": rows, "city": city}
