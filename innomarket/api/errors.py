"""Every error of the API in one shape, ``{"code", "message", "field"}``, from one place.

``code`` is stable (clients branch on it), ``message`` is Chinese and says what to do, ``field`` names
the parameter or body field at fault, or is null.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from innomarket.common.exceptions import ApplicationError, ErrorCode

from .ratelimit import RateLimited
from .services import TokenRejected

logger = logging.getLogger(__name__)


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class ApiError(Exception):
    """An error raised by the API layer itself (scopes, filters, cursors)."""

    def __init__(self, status: int, code: str, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.status, self.code, self.message, self.field = status, code, str(message), field


# Service error codes that are not "your request is malformed" (400).
STATUS_BY_CODE = {
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.NOT_MEMBER: 403,
    "enquiry_already_open": 409,
    "enquiry_daily_limit": 429,
}

ERROR_RESPONSES: dict[int, type[ErrorOut]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


def _body(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: Any, field: Any = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": str(message), "field": field}, status=status
    )


def _validation_field(error: dict[str, Any]) -> str | None:
    loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "header", "payload")]
    return ".".join(loc) or None


def install(api: NinjaAPI) -> None:
    """Register the handlers on ``api``: the only place API errors become HTTP responses."""

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return _body(api, request, exc.status, exc.code, exc.message, exc.field)

    @api.exception_handler(TokenRejected)
    def token_rejected(request: HttpRequest, exc: TokenRejected) -> HttpResponse:
        response = _body(api, request, 401, exc.code, exc.message)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response

    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        status = STATUS_BY_CODE.get(exc.code, 400)
        return _body(api, request, status, exc.code, exc.message, exc.extra.get("field"))

    @api.exception_handler(AuthenticationError)
    def auth_required(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _body(
            api, request, 401, "auth_required", _("请在请求头 Authorization 中提供接口令牌（Bearer）。")
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(NinjaValidationError)
    def validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        field = _validation_field(first)
        if field:
            message = _("参数“%(field)s”无效：%(reason)s") % {"field": field, "reason": first.get("msg", "")}
        else:
            message = _("请求内容无效：%(reason)s") % {"reason": first.get("msg", "")}
        return _body(api, request, 422, "validation", message, field)

    @api.exception_handler(RateLimited)
    def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        response = _body(
            api,
            request,
            429,
            "rate_limited",
            _("请求过于频繁，请 %(n)d 秒后再试。") % {"n": exc.retry_after},
        )
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _body(api, request, 404, "not_found", _("记录不存在或未公开。"))

    @api.exception_handler(DjangoPermissionDenied)
    def forbidden(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
        return _body(api, request, 403, ErrorCode.PERMISSION_DENIED, str(exc) or _("没有权限。"))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja's own: an unparsable body (400) and the like.
        messages = {400: _("请求内容无法解析，请发送合法的 JSON。"), 405: _("不支持这个请求方法。")}
        code = {400: "bad_request", 405: "method_not_allowed"}.get(exc.status_code, "error")
        return _body(api, request, exc.status_code, code, messages.get(exc.status_code, str(exc)))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return _body(api, request, 500, "server_error", _("服务器内部错误，已记录，请稍后再试。"))
