"""Reads about people's sign-in: lockouts and second-factor devices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


@dataclass(frozen=True)
class Lockout:
    """Why sign-in is refused and until when (each ``None`` when that limit is not reached)."""

    account_until: datetime | None
    address_until: datetime | None

    @property
    def until(self) -> datetime | None:
        times = [t for t in (self.account_until, self.address_until) if t is not None]
        return max(times) if times else None


def _locked_until(attempts: QuerySet[AccessAttempt], limit: int, cool_off: timedelta) -> datetime | None:
    """When the failures within the cool-off period fall below ``limit`` (``None``: they already are).

    Each row's failures leave the count together, ``cool_off`` after the row's last failure; the
    lockout lasts until the row that brings the newest rows' sum to ``limit`` leaves.
    """
    total = 0
    for failures, at in attempts.order_by("-attempt_time").values_list(
        "failures_since_start", "attempt_time"
    ):
        total += failures
        if total >= limit:
            return at + cool_off
    return None


def lockout_for(*, username: str | None, ip_address: str | None, now: datetime | None = None) -> Lockout:
    """The lockout in force for this account and address at ``now`` (default: the current time)."""
    now = now or timezone.now()
    cool_off = get_cool_off() or timedelta(0)
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - cool_off)
    account = (
        _locked_until(recent.filter(username=username), settings.INNOMARKET_LOGIN_FAILURE_LIMIT, cool_off)
        if username
        else None
    )
    address = (
        _locked_until(
            recent.filter(ip_address=ip_address), settings.INNOMARKET_LOGIN_IP_FAILURE_LIMIT, cool_off
        )
        if ip_address
        else None
    )
    return Lockout(account_until=account, address_until=address)


def totp_device_of(user: Any, *, confirmed: bool | None = True) -> TOTPDevice | None:
    """The person's authenticator (one per person); ``confirmed=None`` for one still being set up too."""
    if not getattr(user, "is_authenticated", False):
        return None
    devices = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("-confirmed", "id").first()


def static_device_of(user: Any) -> StaticDevice | None:
    """The person's recovery codes (备用码)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def recovery_codes_left(user: Any) -> int:
    device = static_device_of(user)
    return device.token_set.count() if device is not None else 0


def has_second_factor(user: Any) -> bool:
    return totp_device_of(user) is not None
