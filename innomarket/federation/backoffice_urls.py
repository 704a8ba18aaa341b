"""URL patterns of the 联盟数据采集 back-office pages on the admin site (``admin:federation_…``), mounted
by ``backoffice.admin_site`` with one line, before the admin's catch-all patterns."""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.urls import path

from . import views_backoffice as views


def urls(site: AdminSite) -> list[Any]:
    def page(view: Any) -> Any:
        return site.admin_view(lambda request, **kwargs: view(request, site, **kwargs))

    return [
        path("harvest/", page(views.overview_view), name="federation_harvest"),
        path("harvest/<int:pk>/", page(views.history_view), name="federation_harvest_history"),
        path("harvest/<int:pk>/run/", page(views.run_now_view), name="federation_harvest_run"),
    ]
