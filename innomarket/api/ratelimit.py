"""Rate limits of the API: a fixed window per token, or per client address without a token.

Counted in Django's cache (``INNOMARKET_API["CACHE"]``) with ``add`` + ``incr``, which are atomic in
the cache backends Django ships for several processes (database, Memcached, Redis); the rates are read
from settings at each request, so a changed setting applies without a restart of the API module.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


@dataclass(frozen=True)
class Rate:
    requests: int
    seconds: int


def parse_rate(text: str) -> Rate:
    """``"600/min"`` → Rate(600, 60); ``"10/5s"`` → Rate(10, 5)."""
    count, _slash, period = text.partition("/")
    period = period.strip()
    digits = "".join(c for c in period if c.isdigit())
    unit = period[len(digits) :]
    if unit not in PERIODS or not count.strip().isdigit():
        raise ValueError(f"Invalid API rate {text!r}: expected e.g. '600/min'")
    return Rate(int(count), (int(digits) if digits else 1) * PERIODS[unit])


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def client_address(request: HttpRequest) -> str:
    """The client's address as the login protection reads it: REMOTE_ADDR, or behind
    ``INNOMARKET_TRUSTED_PROXY_COUNT`` proxies the address they forwarded (never a hop the client
    could have written itself), so that visitors behind nginx do not share one bucket."""
    from innomarket.accounts.login_protection import client_ip

    return client_ip(request) or "unknown"


def check(request: HttpRequest, *, token_id: int | None, now: float | None = None) -> None:
    """Count this request; ``RateLimited`` (with the seconds to wait) when over the limit."""
    config = settings.INNOMARKET_API
    if token_id is not None:
        rate, ident = parse_rate(config["RATE_TOKEN"]), f"t{token_id}"
    else:
        rate, ident = parse_rate(config["RATE_ANONYMOUS"]), f"a{client_address(request)}"
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    key = f"innomarket:api-rate:{ident}:{rate.seconds}:{window}"
    cache = caches[config.get("CACHE", "default")]
    cache.add(key, 0, timeout=rate.seconds + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=rate.seconds + 1)
        used = 1
    if used > rate.requests:
        raise RateLimited(max(1, math.ceil((window + 1) * rate.seconds - now)))
