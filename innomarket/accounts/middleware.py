"""Two checks on every request of a signed-in person, after authentication and django-otp's middleware.

- ``AdminIdleTimeoutMiddleware``: an administrator's session ends after
  ``INNOMARKET_ADMIN_IDLE_MINUTES`` without a request (members keep ``SESSION_COOKIE_AGE``).
- ``SecondFactorMiddleware``: someone with an authenticator has not finished signing in until they
  entered a code (两步验证); an administrator without one, while ``INNOMARKET_ADMIN_2FA_REQUIRED``
  is on, must set one up first. Until then only the second-factor pages and signing out are open.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import roles, selectors

LAST_SEEN_KEY = "innomarket_last_seen"
# The stored session outlives the idle limit by this much so that this middleware, not a silently
# vanished session, signs the person out and says why; after it the session is gone anyway.
EXPIRY_GRACE_SECONDS = 3600


def _redirect_with_next(url: str, request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{url}?{urlencode({'next': request.get_full_path()})}")


class AdminIdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if roles.is_administrator(user):
            idle = settings.INNOMARKET_ADMIN_IDLE_MINUTES * 60
            now = int(timezone.now().timestamp())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > idle:
                logout(request)
                messages.info(
                    request,
                    _("您已 %(minutes)d 分钟未操作，为保护后台安全已自动退出，请重新登录。")
                    % {"minutes": settings.INNOMARKET_ADMIN_IDLE_MINUTES},
                )
                return _redirect_with_next(reverse(settings.LOGIN_URL), request)
            request.session[LAST_SEEN_KEY] = now
            request.session.set_expiry(idle + EXPIRY_GRACE_SECONDS)
        return self.get_response(request)


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified():
            response = self._challenge(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _challenge(self, request: HttpRequest) -> HttpResponse | None:
        if self._always_open(request.path):
            return None
        user = request.user
        if selectors.has_second_factor(user):
            return _redirect_with_next(reverse("accounts:2fa_verify"), request)
        required = settings.INNOMARKET_ADMIN_2FA_REQUIRED and roles.is_administrator(user)
        if required and request.path != reverse("accounts:2fa_setup"):
            messages.warning(request, _("管理员账号须开启两步验证：请先用手机验证器扫码完成设置。"))
            return _redirect_with_next(reverse("accounts:2fa_setup"), request)
        return None

    @staticmethod
    def _always_open(path: str) -> bool:
        open_paths = (
            reverse("accounts:2fa_verify"),
            reverse("accounts:logout"),
            reverse("set_language"),
        )
        return path in open_paths or path.startswith(f"/{settings.STATIC_URL.lstrip('/')}")
