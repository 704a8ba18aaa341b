"""Fetching a feed page over HTTP(S) with the standard library: a total time budget per request,
retries with exponential backoff on what may pass (timeouts, refused connections, 5xx, 429), a size
limit, and no scheme but http and https (no file://, ftp:// or data:, not even through a redirect).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

ALLOWED_SCHEMES = ("http", "https")


class FetchError(Exception):
    """A page could not be fetched; ``message`` says why in words an administrator understands."""

    def __init__(self, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.message = message
        self.retryable = retryable


@dataclass
class FetchStats:
    attempts: int = 0
    retries: int = 0


def check_url(url: str) -> None:
    """Refuse anything but an absolute http(s) address (``FetchError``)."""
    parts = urlsplit(url or "")
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.netloc:
        raise FetchError(_("只允许 http:// 或 https:// 开头的完整地址，拒绝“%(url)s”。") % {"url": url})


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        check_url(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def build_opener() -> urllib.request.OpenerDirector:
    """An opener with the HTTP(S) handlers only (``urllib.request.build_opener`` adds file, ftp, data)."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _HttpOnlyRedirects(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _seconds(value: float) -> str:
    return f"{value:g}"


def _get_once(
    url: str, *, timeout: float, max_bytes: int, user_agent: str, opener: urllib.request.OpenerDirector
) -> bytes:
    # check_url() vetted the scheme; the opener has http(s) handlers only.
    request = urllib.request.Request(  # noqa: S310
        url, headers={"Accept": "application/json", "User-Agent": user_agent}
    )
    timed_out = FetchError(_("连接超时（%(s)s 秒）") % {"s": _seconds(timeout)}, retryable=True)
    too_big = FetchError(_("响应超过 %(mb)s MB 的上限") % {"mb": _seconds(max_bytes / 1024 / 1024)})
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise too_big
            chunks: list[bytes] = []
            size = 0
            while True:
                # A server that trickles bytes must not hold the harvester beyond its time budget.
                if time.monotonic() > deadline:
                    raise timed_out
                chunk = response.read1(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise too_big
                chunks.append(chunk)
            return b"".join(chunks)
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        retryable = exc.code >= 500 or exc.code == 429
        if 300 <= exc.code < 400:
            location = exc.headers.get("Location", "") if exc.headers else ""
            message = _("重定向到不允许的地址“%(location)s”（HTTP %(code)d）") % {
                "location": location,
                "code": exc.code,
            }
        elif exc.code == 404:
            message = _("地址不存在（HTTP 404）")
        elif retryable:
            message = _("对方服务器出错（HTTP %(code)d）") % {"code": exc.code}
        else:
            message = _("请求被拒绝（HTTP %(code)d）") % {"code": exc.code}
        raise FetchError(message, retryable=retryable) from exc
    except TimeoutError as exc:
        raise timed_out from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise timed_out from exc
        if isinstance(exc.reason, str) and "unknown url type" in exc.reason:
            raise FetchError(_("不支持的地址类型：%(url)s") % {"url": url}) from exc
        raise FetchError(_("无法连接：%(reason)s") % {"reason": exc.reason}, retryable=True) from exc
    except (ConnectionError, OSError) as exc:
        raise FetchError(_("连接中断：%(reason)s") % {"reason": exc}, retryable=True) from exc


def fetch(
    url: str,
    *,
    timeout: float,
    attempts: int,
    backoff: float,
    max_bytes: int,
    user_agent: str,
    stats: FetchStats,
    sleep: Callable[[float], None] = time.sleep,
    opener: urllib.request.OpenerDirector | None = None,
) -> bytes:
    """The body at ``url``, trying up to ``attempts`` times and sleeping ``backoff × 2ⁿ`` in between.

    Raises ``FetchError`` whose message names the cause, the number of attempts and the address.
    """
    check_url(url)
    opener = opener or build_opener()
    attempts = max(1, attempts)
    for attempt in range(1, attempts + 1):
        stats.attempts += 1
        try:
            return _get_once(url, timeout=timeout, max_bytes=max_bytes, user_agent=user_agent, opener=opener)
        except FetchError as exc:
            if not exc.retryable or attempt == attempts:
                raise FetchError(
                    _("%(reason)s，共尝试 %(n)d 次：%(url)s")
                    % {"reason": exc.message, "n": attempt, "url": url},
                    retryable=exc.retryable,
                ) from exc
            stats.retries += 1
            sleep(backoff * 2 ** (attempt - 1))
    raise AssertionError("unreachable")
