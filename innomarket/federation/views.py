"""The public JSON feed, version 1: ``GET /feeds/v1/<city>/<kind>.json[?since=…&limit=…&cursor=…]``.

Errors are JSON too: ``{"error": {"code": …, "message": …}}`` with 404 for an unknown city or kind,
400 for a parameter that does not parse and 405 (with ``Allow``) for any method but GET and HEAD.
Records that stopped being public come as deletion markers in ``deleted``. See docs/feeds.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import http_date, parse_etags
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from innomarket.regions.models import City

from .schema import DEFAULT_LIMIT, FEED_VERSION, MAX_LIMIT, feed_kinds, item_for, tombstone_for
from .selectors import Cursor, feed_page

CACHE_CONTROL = "public, max-age=60"
ALLOWED_METHODS = ("GET", "HEAD")


def _error(status: int, code: str, message: str) -> JsonResponse:
    response = JsonResponse(
        {"version": FEED_VERSION, "error": {"code": code, "message": message}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "no-store"
    return response


def parse_since(raw: str) -> dt.datetime:
    """An ISO 8601 date or date-time; a naive one is read in the site's time zone. ``ValueError`` if not."""
    text = raw.strip()
    value = parse_datetime(text) or parse_datetime(text.replace(" ", "+"))
    if value is None:
        day = parse_date(text)
        if day is None:
            raise ValueError(raw)
        value = dt.datetime.combine(day, dt.time.min)
    if value.tzinfo is None:
        value = timezone.make_aware(value)
    return value


# The feed is read-only and takes no cookies' authority, so there is nothing for CSRF to protect:
# exempt, so that a POST gets the documented JSON 405 rather than the CSRF middleware's HTML 403.
@csrf_exempt
def feed(request: HttpRequest, city: str, kind: str) -> HttpResponse:
    if request.method not in ALLOWED_METHODS:
        response = _error(
            405,
            "method_not_allowed",
            _("数据源只读，只接受 GET 和 HEAD 请求，收到的是 %(method)s。")
            % {"method": (request.method or "")[:20]},
        )
        response["Allow"] = ", ".join(ALLOWED_METHODS)
        return response
    city_obj = City.objects.filter(slug=city).first()
    if city_obj is None:
        return _error(404, "unknown_city", _("没有网址标识为“%(city)s”的城市。") % {"city": city})
    if kind not in feed_kinds():
        return _error(
            404,
            "unknown_kind",
            _("不支持的数据类型“%(kind)s”，可用：%(kinds)s。")
            % {"kind": kind, "kinds": "、".join(feed_kinds())},
        )

    since = None
    if request.GET.get("since"):
        try:
            since = parse_since(request.GET["since"])
        except ValueError:
            return _error(
                400,
                "bad_since",
                _("参数 since 的值“%(value)s”不是有效的 ISO 8601 时间，应如 2025-05-01T00:00:00+08:00。")
                % {"value": request.GET["since"]},
            )
    limit = DEFAULT_LIMIT
    if request.GET.get("limit"):
        raw_limit = request.GET["limit"]
        if not raw_limit.isdigit() or int(raw_limit) < 1:
            return _error(
                400,
                "bad_limit",
                _("参数 limit 的值“%(value)s”无效，应为 1 到 %(max)d 之间的整数。")
                % {"value": raw_limit, "max": MAX_LIMIT},
            )
        limit = min(int(raw_limit), MAX_LIMIT)
    cursor = None
    if request.GET.get("cursor"):
        try:
            cursor = Cursor.decode(request.GET["cursor"])
        except (ValueError, UnicodeError):
            return _error(400, "bad_cursor", _("参数 cursor 无效，请使用上一页返回的 next 地址。"))

    page = feed_page(city=city_obj, kind=kind, since=since, cursor=cursor, limit=limit)
    items = [
        item_for(
            record, kind, city_slug=city_obj.slug, url=request.build_absolute_uri(record.get_absolute_url())
        )
        for record in page.records
    ]
    deleted = [
        tombstone_for(kind, city_slug=city_obj.slug, pk=marker.pk, deleted_at=marker.deleted_at)
        for marker in page.tombstones
    ]
    next_url = None
    if page.next_cursor is not None:
        params: dict[str, Any] = {"limit": limit, "cursor": page.next_cursor.encode()}
        if since is not None:
            params["since"] = since.isoformat()
        next_url = request.build_absolute_uri(f"{request.path}?{urlencode(params)}")

    # The validator covers what the page says, not when it was generated.
    digest = hashlib.sha256(
        json.dumps([items, deleted, next_url], ensure_ascii=False, sort_keys=True).encode("utf-8")
    ).hexdigest()
    etag = f'"{digest[:32]}"'
    last_modified = max(
        [*(r.updated_at for r in page.records), *(t.deleted_at for t in page.tombstones)], default=None
    )
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        not_modified["Cache-Control"] = CACHE_CONTROL
        return not_modified

    body = {
        "version": FEED_VERSION,
        "city": city_obj.slug,
        "kind": kind,
        "generated_at": timezone.now().isoformat(),
        "since": since.isoformat() if since else None,
        "items": items,
        "deleted": deleted,
        "next": next_url,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return response
