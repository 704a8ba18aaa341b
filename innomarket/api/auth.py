"""Who is calling: ``Authorization: Bearer <key>`` or nobody, then the rate limit for that caller.

``TokenAuth(required=False)`` lets visitors through (public reads) but refuses a key that is present
and wrong, so a client never silently reads as a visitor with a revoked key. Scopes are checked per
operation with ``require_scope``; the person's rights on each object are checked by the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security.http import HttpAuthBase

from . import ratelimit
from .errors import ApiError
from .models import ApiToken, Scope
from .services import TokenError, TokenRejected, api_token_authenticate


@dataclass(frozen=True)
class Caller:
    """``request.auth`` of every operation: the token (or None for a visitor) and its person."""

    token: ApiToken | None
    user: Any

    def __bool__(self) -> bool:  # ninja treats a falsy result as "not authenticated"
        return True


class TokenAuth(HttpAuthBase):
    openapi_scheme = "bearer"
    openapi_bearerFormat = "imk_…"  # noqa: N815 - the OpenAPI attribute name

    def __init__(self, *, required: bool) -> None:
        self.required = required
        super().__init__()

    def __call__(self, request: HttpRequest) -> Caller | None:
        header = request.headers.get("Authorization", "")
        if not header:
            if self.required:
                return None  # ninja answers AuthenticationError → 401 auth_required
            ratelimit.check(request, token_id=None)
            return Caller(token=None, user=AnonymousUser())
        scheme, _space, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise TokenRejected(_("请求头 Authorization 应为“Bearer <令牌>”。"), TokenError.INVALID)
        token = api_token_authenticate(key=key.strip())
        ratelimit.check(request, token_id=token.pk)
        return Caller(token=token, user=token.created_by)


def require_scope(caller: Caller, scope: Scope) -> ApiToken:
    """The caller's token if it carries ``scope``; 401 without a token, 403 with one lacking it."""
    if caller.token is None:
        raise ApiError(401, "auth_required", _("请在请求头 Authorization 中提供接口令牌（Bearer）。"))
    if not caller.token.has_scope(scope):
        raise ApiError(
            403,
            "scope_required",
            _("此令牌没有“%(scope)s”权限（%(label)s），请创建带有该权限的令牌。")
            % {"scope": scope.value, "label": scope.label},
        )
    return caller.token


optional_auth = TokenAuth(required=False)
required_auth = TokenAuth(required=True)
