"""django-axes, configured for innomarket (settings ``AXES_*`` and ``INNOMARKET_LOGIN_*``).

Two limits on every login form (the site's and the back office's, both go through ``authenticate``):

- an account is locked after ``INNOMARKET_LOGIN_FAILURE_LIMIT`` failures, from whatever address;
- an address is locked after ``INNOMARKET_LOGIN_IP_FAILURE_LIMIT`` failures, whatever names it tried.

Failures count within the cool-off period (``AXES_COOLOFF_TIME``). A successful login clears the
account's failures only: an address that guesses other people's passwords stays counted.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet, Sum
from django.http import HttpRequest


def login_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account a login attempt is about (``AXES_USERNAME_CALLABLE``).

    The sign-in form takes a user name or an e-mail address: an address that belongs to an account
    counts as that account's user name, so switching between the two (or the address's case) does
    not earn more guesses.
    """
    value = credentials.get("username") if credentials else getattr(request, "POST", {}).get("username")
    if value is None:
        return None
    value = str(value).strip()[:150]
    if "@" in value:
        user_model = get_user_model()
        match = user_model._default_manager.filter(email__iexact=value).order_by("id").first()
        if match is not None:
            return match.get_username()
    return value


def client_ip(request: HttpRequest) -> str | None:
    """The client's address (``AXES_CLIENT_IP_CALLABLE``).

    ``REMOTE_ADDR``, unless ``INNOMARKET_TRUSTED_PROXY_COUNT`` proxies stand in front of the server:
    then the address the outermost trusted proxy saw, counted from the right of X-Forwarded-For (the
    entries to its left are whatever the client claimed). Never anything that is not an IP address.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.INNOMARKET_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            remote = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(remote)) if remote else None
    except ValueError:
        return None


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def recent_attempts(request: HttpRequest) -> QuerySet[AccessAttempt]:
    """Attempt rows still within the cool-off period at this request's time."""
    return AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))


class LoginProtectionHandler(AxesDatabaseHandler):
    """Axes' database handler (shared by every process) with one limit per account and one per address.

    Axes compares a single failure count with ``AXES_FAILURE_LIMIT`` (the account limit). The address's
    failures enter that comparison less the difference of the two limits, so the comparison holds
    exactly when the account has reached its limit or the address has reached its own.
    """

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        recent = recent_attempts(request)
        username = get_client_username(request, credentials)
        account = _failures(recent.filter(username=username)) if username is not None else 0
        address = _failures(recent.filter(ip_address=request.axes_ip_address))  # type: ignore[attr-defined]
        handicap = settings.INNOMARKET_LOGIN_IP_FAILURE_LIMIT - settings.INNOMARKET_LOGIN_FAILURE_LIMIT
        return max(account, address - handicap)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """After a successful login: the account's failures go, the address's others stay."""
        username = get_client_username(request, credentials)
        if username is None:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
