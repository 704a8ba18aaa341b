"""Who is acting: the actor of the changes the audit log records, held in a context variable.

The middleware sets it from ``request.user`` for every request; services and commands that run outside
a request (the importer, the feed harvester, management commands) name it with ``actor(user, reason)``.
Without either, changes are recorded as made by the system.

This module imports no models, so ``innomarket.audit`` can re-export ``actor`` safely.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, eq=False)
class AuditContext:
    # A user or None for the system; or the request, whose ``user`` is read only when an entry is
    # written (so a log-in during the request counts, and requests that write nothing cost nothing).
    user: Any = None
    reason: str = ""
    request_id: str = ""
    ip: str | None = None
    request: Any = None

    def resolved_user(self) -> Any:
        """The acting user if authenticated, else ``None`` (anonymous visitors and the system)."""
        user = getattr(self.request, "user", None) if self.request is not None else self.user
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        # ``request.user`` is a lazy proxy: hand the real instance to the foreign key.
        return getattr(user, "_wrapped", user)


_current: ContextVar[AuditContext | None] = ContextVar("innomarket_audit_context", default=None)


def current() -> AuditContext | None:
    return _current.get()


@contextmanager
def actor(
    user: Any, reason: str = "", *, request_id: str = "", ip: str | None = None, request: Any = None
) -> Iterator[AuditContext]:
    """Record every change made inside the block as made by ``user`` (``None``: the system), with ``reason``.

    ``request`` (used by the middleware) stands for ``request.user``, read when an entry is written.
    Blocks nest: the innermost wins, and the outer actor is back when the block ends. A nested block
    without a request id keeps the enclosing request's id and address.
    """
    outer = _current.get()
    if outer is not None and not request_id:
        request_id, ip = outer.request_id, ip or outer.ip
    token = _current.set(
        AuditContext(user=user, reason=reason, request_id=request_id, ip=ip, request=request)
    )
    try:
        yield _current.get()  # type: ignore[misc]
    finally:
        _current.reset(token)
