"""What the anonymous page cache (``innomarket.common.pagecache``) runs before it serves a stored API
answer: the per-address rate limit counts stored answers as it counts fresh ones."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from . import ratelimit


def guard(request: HttpRequest) -> HttpResponse | None:
    from .apis import api

    try:
        ratelimit.check(request, token_id=None)
    except ratelimit.RateLimited as exc:
        return api.on_exception(request, exc)
    return None
