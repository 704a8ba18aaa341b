"""URL patterns of the 创新券 back-office pages on the admin site (``admin:vouchers_…``), mounted by
``backoffice.admin_site`` with one line, before the admin's catch-all patterns."""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.urls import path

from . import views_backoffice as views


def urls(site: AdminSite) -> list[Any]:
    def page(view: Any) -> Any:
        return site.admin_view(lambda request, **kwargs: view(request, site, **kwargs))

    return [
        path("voucher-ledger/", page(views.overview_view), name="vouchers_overview"),
        path("voucher-ledger/programme/<int:pk>/", page(views.journal_view), name="vouchers_journal"),
        path("voucher-ledger/settlement/", page(views.settlement_view), name="vouchers_settlement"),
        path(
            "voucher-ledger/settlement/xlsx/",
            page(views.settlement_xlsx_view),
            name="vouchers_settlement_xlsx",
        ),
        path("voucher-ledger/matrix/", page(views.matrix_view), name="vouchers_matrix"),
    ]
