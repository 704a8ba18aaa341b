"""Whole-page cache for anonymous visitors of the public pages and the open API.

Most traffic of a government portal is people who are not signed in reading the same public pages:
the home page, a section's list, a policy, a search for 人工智能, the API's policy list. Rendering them
costs 8–80 ms of CPU each; serving a stored copy costs well under a millisecond. So a ``GET`` from a
visitor who carries **no session cookie, no message cookie and no API token**, to a view in one of
the public URL namespaces (``PUBLIC_NAMESPACES``), is answered from a per-process store when a copy
rendered for the same path, query string and language exists.

What keeps a shared copy right for everyone who receives it:

* **Only what every anonymous visitor would get is stored**: a ``200``, not streamed, that sets no
  cookie, writes nothing to the session, does not say ``Cache-Control: private/no-cache/no-store``
  (``never_cache`` opts a view out), and did not ask for a CSRF token outside the templates.
* **The CSRF token**: while a page that may be stored renders, ``csrf_token`` in templates is a
  placeholder (``context_processor``); every response, fresh or stored, then gets the requesting
  visitor's own token put in its place, and the CSRF middleware sends that visitor's cookie as usual.
  Forms on stored pages therefore work, and no two visitors share a token.
* **Freshness**: copies are keyed by a *generation* kept in the shared cache (``CACHES["default"]``,
  which every worker process sees). Saving or deleting a row of a model whose app shows on public
  pages (``CONTENT_APPS``) moves the generation once the transaction commits, so every worker's copies
  are stale (each process reads the generation at most once a second): a policy that a city
  publishes is on the anonymous home page within a second.
  Bulk ``update()`` calls send no signals; for those ``INNOMARKET_PAGE_CACHE_SECONDS`` bounds the age
  of a copy (60 s in production).
* **The API's per-address rate limit** still counts a stored answer: a namespace may name a guard
  (``GUARDS``) that runs before a stored copy is served.

Off (``INNOMARKET_PAGE_CACHE_SECONDS=0``) outside production, so that developers and most tests see
every change at once; ``test_pagecache`` turns it on. The response header ``X-Page-Cache`` says
``hit`` or ``miss`` (bench/web_load.py counts them).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

# URL namespaces whose pages an anonymous visitor may be served a stored copy of. Member-only views
# in them answer anonymous visitors with a redirect or 403, which is never stored.
PUBLIC_NAMESPACES = frozenset(
    {
        "site",
        "regions",
        "organisations",
        "policies",
        "resources",
        "challenges",
        "achievements",
        "lists",
        "finance",
        "vouchers",
        "talent",
        "events",
        "matching",
        "api-1",
    }
)

# Run before a stored copy is served in that namespace: returns a response to send instead, or None.
GUARDS: dict[str, str] = {"api-1": "innomarket.api.pagecache.guard"}

# Apps whose rows appear on public pages: a saved or deleted row moves the generation.
CONTENT_APPS = frozenset(
    {
        "regions",
        "taxonomy",
        "organisations",
        "verification",
        "resources",
        "policies",
        "achievements",
        "challenges",
        "lists",
        "finance",
        "talent",
        "events",
        "vouchers",
        "matching",
        "backoffice",
    }
)

# Rows written as a side effect of reading (a search outcome log, a disclosure record) change no page.
IGNORED_MODELS = frozenset({"matching.matchoutcome", "challenges.disclosureview"})

CSRF_PLACEHOLDER = "innomarket-page-cache-csrf-placeholder"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
logger = logging.getLogger(__name__)

GENERATION_KEY = "innomarket:page-cache:generation"
MAX_BODY_BYTES = 1_000_000
HEADER = "X-Page-Cache"
_SKIPPED_HEADERS = frozenset({"set-cookie", "content-length", HEADER.lower()})


def ttl() -> int:
    return int(getattr(settings, "INNOMARKET_PAGE_CACHE_SECONDS", 0) or 0)


def _store():
    return caches["pages"]


def _shared():
    return caches["default"]


# Each process reads the generation from the shared cache at most once a second: a round trip to the
# database cache per page would cost more than serving the page. A save in this process moves its own
# copy at once; other processes see it within GENERATION_READ_SECONDS.
GENERATION_READ_SECONDS = 1.0
_memo: dict[str, Any] = {"value": None, "read_at": 0.0}
_clock = time.monotonic


def forget_generation() -> None:
    """Read the generation from the shared cache at the next request (tests, after clearing it)."""
    _memo["value"], _memo["read_at"] = None, 0.0


def generation() -> str | None:
    """The current generation (created on first use, and again if the shared cache lost it); None when
    the shared cache cannot be read, and then pages are rendered, not served stored."""
    now = _clock()
    if _memo["value"] is not None and now - _memo["read_at"] < GENERATION_READ_SECONDS:
        return _memo["value"]
    shared = _shared()
    try:
        value = shared.get(GENERATION_KEY)
        if value is None:
            shared.add(GENERATION_KEY, f"{time.time_ns():x}", timeout=None)
            value = shared.get(GENERATION_KEY)
    except Exception:  # a broken shared cache must cost speed, not the pages
        logger.exception("page cache: the shared cache cannot be read; serving without stored copies")
        forget_generation()
        return None
    _memo["value"], _memo["read_at"] = (None if value is None else str(value)), now
    return _memo["value"]


def bump_generation() -> None:
    """Make every stored copy stale, in every process (if the shared cache is down, copies age out
    within ``INNOMARKET_PAGE_CACHE_SECONDS``; the write that called this has committed either way)."""
    value = f"{time.time_ns():x}"
    _memo["value"], _memo["read_at"] = value, _clock()
    try:
        _shared().set(GENERATION_KEY, value, timeout=None)
    except Exception:
        forget_generation()
        logger.exception("page cache: could not move the generation; stored pages age out instead")


# ---------------------------------------------------------------------------------------------------
# Invalidation: once per transaction, after it commits.

_local = threading.local()


class _BumpOnCommit:
    """One per transaction: the first content change registers it, later ones in the same transaction
    find it still waiting in the connection's on-commit list (a rollback removes it from there)."""

    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        self.done = True
        bump_generation()


def content_changed(sender: type | None = None, **_kwargs: Any) -> None:
    """Signal receiver: a row of a content model was saved or deleted."""
    if not ttl() or sender is None:
        return
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in CONTENT_APPS or meta.label_lower in IGNORED_MODELS:
        return
    connection = transaction.get_connection()
    waiting = getattr(_local, "waiting", None)
    if (
        connection.in_atomic_block
        and waiting is not None
        and not waiting.done
        and any(entry[1] is waiting for entry in connection.run_on_commit)
    ):
        return  # this transaction already has a bump waiting for its commit
    _local.waiting = _BumpOnCommit()
    transaction.on_commit(_local.waiting)


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(content_changed, dispatch_uid=f"innomarket-page-cache-{signal}")


# ---------------------------------------------------------------------------------------------------
# Rendering: the CSRF placeholder.


def context_processor(request: HttpRequest) -> dict[str, str]:
    """Listed after Django's built-in ``csrf`` processor, so it overrides ``csrf_token`` while a page
    that may be stored renders (and nowhere else)."""
    if getattr(request, "_page_cache_candidate", False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


def _personalise(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Put the visitor's own CSRF token where the placeholder is."""
    if _PLACEHOLDER_BYTES in response.content:
        response.content = response.content.replace(_PLACEHOLDER_BYTES, get_token(request).encode())
        patch_vary_headers(response, ("Cookie",))
    return response


# ---------------------------------------------------------------------------------------------------
# The middleware.


def _eligible(request: HttpRequest) -> bool:
    if request.method != "GET" or not ttl():
        return False
    cookies = request.COOKIES
    if (
        settings.SESSION_COOKIE_NAME in cookies
        or getattr(settings, "MESSAGE_COOKIE_NAME", "messages") in cookies
    ):
        return False
    headers = request.headers
    return "Authorization" not in headers and "HX-Request" not in headers


def _key(request: HttpRequest, gen: str) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"page:{gen}:{get_language() or ''}:{path}"


def _storable(request: HttpRequest, response: HttpResponse, csrf_before: bool) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if len(response.content) > MAX_BODY_BYTES:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-cache", "no-store", "max-age=0")):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    # A CSRF token asked for outside the templates is in the body unmarked: this copy is personal.
    return bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE")) == csrf_before


def exempt(view: Callable) -> Callable:
    """Never stored and never looked up: for views that must do their work on every request (the
    health check), and that should not pay even the generation look-up."""
    view.page_cache_exempt = True  # type: ignore[attr-defined]
    return view


def _guard(namespace: str) -> Callable[[HttpRequest], HttpResponse | None] | None:
    path = GUARDS.get(namespace)
    if path is None:
        return None
    module, _dot, name = path.rpartition(".")
    return getattr(import_module(module), name)


class AnonymousPageCacheMiddleware:
    """After the CSRF, session, locale and authentication middleware (they wrap what it answers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        if getattr(view_func, "page_cache_exempt", False) or not _eligible(request):
            return None
        match = request.resolver_match
        namespace = match.namespaces[0] if match and match.namespaces else ""
        if namespace not in PUBLIC_NAMESPACES:
            return None
        gen = generation()
        if gen is None:
            return None
        key = _key(request, gen)
        stored = _store().get(key)
        if stored is not None:
            guard = _guard(namespace)
            refused = guard(request) if guard else None
            if refused is not None:
                return refused
            status, headers, body = stored
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response[name] = value
            response[HEADER] = "hit"
            return _personalise(request, response)
        request._page_cache_candidate = True  # type: ignore[attr-defined]
        csrf_before = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
        response = view_func(request, *view_args, **view_kwargs)
        if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
            response = response.render()
        if _storable(request, response, csrf_before):
            headers = [(n, v) for n, v in response.items() if n.lower() not in _SKIPPED_HEADERS]
            _store().set(key, (response.status_code, headers, response.content), timeout=ttl())
            response[HEADER] = "miss"
        return _personalise(request, response)
