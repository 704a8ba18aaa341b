"""Every request's changes are recorded as made by ``request.user`` (resolved only if something is written)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import actor

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class AuditActorMiddleware:
    """Put the request's user, a request id and the client address in the audit context.

    Must come after ``AuthenticationMiddleware``. A well-formed ``X-Request-ID`` header (from the reverse
    proxy) is kept so log lines and audit entries can be matched; otherwise a new id is made.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.headers.get("X-Request-ID", "")
        request_id = header if _REQUEST_ID.match(header) else uuid.uuid4().hex
        with actor(None, request=request, request_id=request_id, ip=request.META.get("REMOTE_ADDR") or None):
            return self.get_response(request)
