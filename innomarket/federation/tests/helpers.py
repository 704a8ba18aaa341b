from __future__ import annotations

import json
from typing import Any

from innomarket.backoffice.models import Feed
from innomarket.regions.models import City


def make_feed(url: str, *, city: str = "suzhou", target: str = Feed.Target.POLICY, **kwargs: Any) -> Feed:
    values: dict[str, Any] = {
        "city": City.objects.get(slug=city),
        "name": f"{city} 政策数据源",
        "kind": Feed.Kind.JSON_API,
        "target": target,
        "url": url,
        "enabled": True,
        **kwargs,
    }
    return Feed.objects.create(**values)


def policy_item(n: int, *, title: str = "", updated_at: str = "", **data: Any) -> dict[str, Any]:
    return {
        "id": f"wuxi:policy:{n}",
        "kind": "policy",
        "city": "wuxi",
        "url": f"https://wuxi.example.org/policies/{n}/",
        "status": "published",
        "updated_at": updated_at or f"2025-03-{n:02d}T10:00:00+08:00",
        "published_at": None,
        "last_verified_at": None,
        "owner": None,
        "data": {
            "title": title or f"无锡政策{n}",
            "summary": "支持企业研发",
            "fields": ["ai"],
            "issuer": "无锡市科技局",
            "document_number": f"锡科发〔2025〕{n}号",
            "level": "",
            "support_type": "funding",
            "issued_on": "2025-03-01",
            "effective_from": None,
            "effective_to": "2026-12-31",
            "full_text": "全文……",
            "original_url": "https://wuxi.example.org/doc.html",
            **data,
        },
    }


def envelope(
    items: list[dict[str, Any]], *, next: str | None = None, kind: str = "policy", **over: Any
) -> bytes:
    body = {
        "version": "1",
        "city": "wuxi",
        "kind": kind,
        "generated_at": "2025-04-01T00:00:00+08:00",
        "items": items,
        "next": next,
        **over,
    }
    return json.dumps(body, ensure_ascii=False).encode("utf-8")
