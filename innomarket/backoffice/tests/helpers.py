"""Helpers of the back-office tests: listings, admin URLs and the POST data the admin pages send."""

from __future__ import annotations

from typing import Any

from django.contrib.admin import helpers
from django.urls import reverse

from innomarket.common.tests.factories import OrganisationFactory, city
from innomarket.policies.models import Policy


def make_policy(slug: str = "nanjing", status: str = "submitted", owner: Any = None, **kwargs: Any) -> Policy:
    the_city = city(slug)
    owner = owner or OrganisationFactory(city=the_city)
    defaults = {
        "title": f"{the_city.short_name}政策",
        "issuer": f"{the_city.name}科学技术局",
        "support_type": "funding",
    }
    return Policy.objects.create(city=the_city, owner=owner, status=status, **{**defaults, **kwargs})


def admin_url(obj_or_model: Any, view: str = "change", *args: Any) -> str:
    opts = obj_or_model._meta
    if view in ("change", "delete", "history", "transition"):
        args = (obj_or_model.pk, *args)
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def action_data(action: str, *objs: Any, **extra: Any) -> dict[str, Any]:
    """POST data of a change-list action (the first submit, as from the change list's action bar)."""
    return {"action": action, helpers.ACTION_CHECKBOX_NAME: [o.pk for o in objs], "index": 0, **extra}


def intermediate_data(action: str, *objs: Any, **extra: Any) -> dict[str, Any]:
    """POST data of the action's intermediate page (no "index": the action runs again with the form)."""
    return {"action": action, helpers.ACTION_CHECKBOX_NAME: [o.pk for o in objs], "apply": "1", **extra}


def change_form_data(response: Any) -> dict[str, Any]:
    """The POST data a browser would send back from a rendered admin change form, unchanged."""
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is True:
            data[name] = "on"
        else:
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data
