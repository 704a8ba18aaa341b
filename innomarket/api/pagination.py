"""Cursor pagination: pages follow the ordering key and the id of the last record seen.

The cursor is opaque to clients (signed with the site's secret, so a forged one is refused rather than
turned into a query) and carries ``(order, updated_at, id)``. A record inserted while a client pages
never shifts the pages it has not read yet, unlike page numbers or offsets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .errors import ApiError

SALT = "innomarket.api.cursor"
ORDERINGS = {
    "-updated_at": ("-updated_at", "-id"),  # latest changes first
    "updated_at": ("updated_at", "id"),  # oldest first: for synchronising with updated_since
}


def page_size(limit: int | None) -> int:
    config = settings.INNOMARKET_API
    return min(limit or config["PAGE_SIZE"], config["MAX_PAGE_SIZE"])


def _encode(order: str, obj: Any) -> str:
    return signing.dumps([order, obj.updated_at.isoformat(), obj.pk], salt=SALT, compress=True)


def _decode(cursor: str, order: str) -> tuple[dt.datetime, int]:
    try:
        saved_order, stamp, pk = signing.loads(cursor, salt=SALT)
        when = dt.datetime.fromisoformat(stamp)
        pk = int(pk)
    except (signing.BadSignature, ValueError, TypeError):
        raise ApiError(400, "invalid_cursor", _("翻页游标无效，请从第一页重新开始。"), "cursor") from None
    if saved_order != order:
        raise ApiError(400, "invalid_cursor", _("翻页游标与排序方式不符，请从第一页重新开始。"), "cursor")
    return when, pk


def paginate(
    request: HttpRequest, queryset: QuerySet[Any], *, order: str, cursor: str | None, limit: int | None
) -> tuple[list[Any], str | None]:
    """One page of ``queryset`` in ``order`` after ``cursor``, and the absolute URL of the next page
    (None on the last)."""
    size = page_size(limit)
    qs = queryset.order_by(*ORDERINGS[order])
    if cursor:
        when, pk = _decode(cursor, order)
        if order.startswith("-"):
            qs = qs.filter(Q(updated_at__lt=when) | Q(updated_at=when, pk__lt=pk))
        else:
            qs = qs.filter(Q(updated_at__gt=when) | Q(updated_at=when, pk__gt=pk))
    rows: Sequence[Any] = list(qs[: size + 1])
    if len(rows) <= size:
        return list(rows), None
    rows = rows[:size]
    query = request.GET.copy()
    query["cursor"] = _encode(order, rows[-1])
    return list(rows), request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
