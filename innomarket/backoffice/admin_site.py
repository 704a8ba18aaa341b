from typing import Any

from django.contrib.admin import AdminSite
from django.urls import path
from django.utils.translation import gettext_lazy as _


def configure_admin_site(site: AdminSite) -> None:
    """Chinese titles for the back office (后台维护端) and an index that leads with what waits for verification."""
    site.site_header = _("沿沪宁协同创新集市 · 后台维护端")
    site.site_title = _("协同创新集市后台")
    site.index_title = _("数据维护与核验")
    site.index_template = "backoffice/index.html"
    if getattr(site, "_innomarket_pages", False):  # configured once, whoever calls it again
        return
    site._innomarket_pages = True  # type: ignore[attr-defined]
    _add_urls(site)
    _add_index_context(site)


def _extra_urls(site: AdminSite) -> list[Any]:
    """The back office's own pages besides the model admins (before the admin's catch-all URLs)."""
    from innomarket.federation import backoffice_urls as harvest_pages
    from innomarket.vouchers import backoffice_urls as voucher_pages

    from . import duplicates, queue_views

    return [
        path(
            "verification-queue/",
            site.admin_view(lambda request: queue_views.queue_view(request, site)),
            name="verification-queue",
        ),
        *duplicates.urls(site),
        *voucher_pages.urls(site),
        *harvest_pages.urls(site),
    ]


def _add_urls(site: AdminSite) -> None:
    default_urls = site.get_urls

    def get_urls() -> list[Any]:
        return [*_extra_urls(site), *default_urls()]

    site.get_urls = get_urls  # type: ignore[method-assign]


def _add_index_context(site: AdminSite) -> None:
    default_index = site.index

    def index(request: Any, extra_context: dict[str, Any] | None = None) -> Any:
        from .queue_views import dashboard_context

        return default_index(request, extra_context={**dashboard_context(request), **(extra_context or {})})

    site.index = index  # type: ignore[method-assign]
