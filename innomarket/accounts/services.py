"""Writes about people and their roles."""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_otp import verify_token as otp_verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from innomarket.common.exceptions import ApplicationError, PermissionDenied
from innomarket.regions.models import City

from . import roles, selectors
from .models import User

logger = logging.getLogger(__name__)

CITY_ADMIN_GROUP = "城市管理员"
ALLIANCE_ADMIN_GROUP = "联盟管理员"

# Apps whose records city administrators maintain in the back office (scoped to their city there).
CITY_ADMIN_APPS = (
    "organisations",
    "resources",
    "policies",
    "achievements",
    "challenges",
    "lists",
    "finance",
    "talent",
    "events",
    "vouchers",
    "backoffice",
    "enquiries",
    "points",
    "api",
)


@transaction.atomic
def admin_groups_ensure() -> tuple[Group, Group]:
    """Create or refresh the two back-office groups and their model permissions."""
    city_group, _ = Group.objects.get_or_create(name=CITY_ADMIN_GROUP)
    alliance_group, _ = Group.objects.get_or_create(name=ALLIANCE_ADMIN_GROUP)
    city_perms = Permission.objects.filter(content_type__app_label__in=CITY_ADMIN_APPS)
    city_group.permissions.set(
        list(city_perms)
        + list(
            Permission.objects.filter(
                content_type__app_label="regions", codename__in=["view_city", "change_city"]
            )
        )
        + list(Permission.objects.filter(content_type__app_label="verification", codename="view_statusevent"))
    )
    alliance_group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=(
                *CITY_ADMIN_APPS,
                "regions",
                "taxonomy",
                "accounts",
                "verification",
                "matching",
            )
        )
    )
    return city_group, alliance_group


def admin_groups_refresh(*, using: str = "default") -> None:
    """Bring existing back-office groups up to date with the models there are now (run after each
    migrate); a database without them is left alone."""
    if Group.objects.using(using).filter(name__in=(CITY_ADMIN_GROUP, ALLIANCE_ADMIN_GROUP)).exists():
        admin_groups_ensure()


@transaction.atomic
def user_make_city_admin(*, user: User, city: City) -> User:
    """设为城市管理员: staff access to the back office, scoped to ``city``."""
    city_group, _ = admin_groups_ensure()
    user.administered_city = city
    user.is_staff = True
    user.full_clean(exclude=["password"])
    user.save(update_fields=["administered_city", "is_staff"])
    user.groups.add(city_group)
    return user


@transaction.atomic
def user_make_alliance_admin(*, user: User) -> User:
    """设为联盟管理员: sees and configures every city."""
    _, alliance_group = admin_groups_ensure()
    user.is_alliance_admin = True
    user.is_staff = True
    user.save(update_fields=["is_alliance_admin", "is_staff"])
    user.groups.add(alliance_group)
    return user


@transaction.atomic
def user_register(*, username: str, name: str, email: str, password: str, phone: str = "") -> User:
    """注册: create a person's account. The e-mail address is unique regardless of case.

    The caller has validated the password against ``AUTH_PASSWORD_VALIDATORS`` (the sign-up form does).
    """
    from django.utils.translation import gettext as _

    from innomarket.common.exceptions import ApplicationError

    email = User.objects.normalize_email((email or "").strip())
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(_("该电子邮箱已注册，请直接登录或使用其他邮箱。"), extra={"field": "email"})
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(_("该用户名已被使用，请换一个。"), extra={"field": "username"})
    user = User(username=username.strip(), name=name.strip(), email=email, phone=(phone or "").strip())
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_revoke_admin(*, user: User) -> User:
    """撤销管理员: removes both administrator roles and their groups; a superuser keeps staff access."""
    user.administered_city = None
    user.is_alliance_admin = False
    if not user.is_superuser:
        user.is_staff = False
    user.save(update_fields=["administered_city", "is_alliance_admin", "is_staff"])
    user.groups.remove(*Group.objects.filter(name__in=[CITY_ADMIN_GROUP, ALLIANCE_ADMIN_GROUP]))
    return user


# --- Login protection: unlocking, the second factor (两步验证) ----------------------------------------

RECOVERY_CODE_COUNT = 10


class LoginErrorCode(StrEnum):
    CODE_INVALID = "otp_invalid"
    CODE_THROTTLED = "otp_throttled"
    NO_DEVICE = "otp_no_device"
    ALREADY_ENABLED = "otp_already_enabled"
    REQUIRED = "otp_required"


def _require_alliance(actor: Any) -> None:
    if not roles.is_alliance_admin(actor):
        raise PermissionDenied(gettext("只有联盟管理员可以执行此操作。"))


def login_unlock(*, actor: Any, username: str | None = None, ip_address: str | None = None) -> int:
    """解除锁定: forget the recorded login failures of an account and/or an address (alliance only).

    Returns the number of failure records removed. The login log (successes and failures) is kept.
    """
    _require_alliance(actor)
    if not username and not ip_address:
        raise ApplicationError(gettext("请指定要解除锁定的账号或 IP 地址。"))
    removed = 0
    if username:
        removed += AxesProxyHandler.reset_attempts(username=username)
    if ip_address:
        removed += AxesProxyHandler.reset_attempts(ip_address=ip_address)
    logger.info(
        "Login lock lifted by %s: username=%s ip=%s (%d records)", actor, username, ip_address, removed
    )
    return removed


def _normalise_code(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _check_code(*, user: User, device: Device, code: str) -> None:
    """Raise unless ``device`` accepts ``code``. Committed before raising: a wrong code counts towards
    the device's throttling (1, 2, 4 … seconds' wait after successive failures) even though the caller
    shows an error."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        until = (info or {}).get("locked_until")
        raise ApplicationError(
            gettext("验证码错误次数过多，请于 %(time)s 后再试。")
            % {"time": timezone.localtime(until).strftime("%H:%M:%S") if until else gettext("稍后")},
            code=LoginErrorCode.CODE_THROTTLED,
            extra={"field": "code", "until": until},
        )
    if otp_verify_token(user, device.persistent_id, code) is None:
        raise ApplicationError(
            gettext("验证码不正确或已使用过，请输入验证器上当前显示的 6 位数字。"),
            code=LoginErrorCode.CODE_INVALID,
            extra={"field": "code"},
        )


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """开启两步验证, step 1: the person's authenticator, not yet confirmed. The same one (and secret) on
    every visit until it is confirmed, so a code scanned earlier still works."""
    if selectors.has_second_factor(user):
        raise ApplicationError(gettext("两步验证已开启。"), code=LoginErrorCode.ALREADY_ENABLED)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice(
            user=user, name=gettext("身份验证器"), confirmed=False, step=30, digits=6, tolerance=1
        )
        device.full_clean()
        device.save()
    return device


def totp_device_confirm(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """开启两步验证, step 2: the first code from the authenticator confirms it. Returns the device and
    the new recovery codes (shown once: only they leave the server in clear)."""
    device = selectors.totp_device_of(user, confirmed=False)
    if device is None:
        raise ApplicationError(gettext("请先扫描二维码添加验证器。"), code=LoginErrorCode.NO_DEVICE)
    _check_code(user=user, device=device, code=_normalise_code(code))
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = recovery_codes_issue(user=user)
    return device, codes


@transaction.atomic
def recovery_codes_issue(*, user: User) -> list[str]:
    """备用码: ten single-use codes for when the authenticator is not at hand; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=gettext("备用码"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=token) for token in codes)
    return codes


def second_factor_verify(*, user: User, code: str) -> Device:
    """输入验证码 after the password: a 6-digit code from the authenticator, or a recovery code (used up).

    Returns the device that accepted the code (the caller records it in the session).
    """
    code = _normalise_code(code)
    totp = selectors.totp_device_of(user)
    if totp is None:
        raise ApplicationError(gettext("该账号未开启两步验证。"), code=LoginErrorCode.NO_DEVICE)
    device: Device | None = (
        totp if (code.isdigit() and len(code) == totp.digits) else selectors.static_device_of(user)
    )
    if device is None:
        raise ApplicationError(
            gettext("验证码不正确，请输入验证器上当前显示的 6 位数字或一个备用码。"),
            code=LoginErrorCode.CODE_INVALID,
            extra={"field": "code"},
        )
    _check_code(user=user, device=device, code=code)
    return device


def second_factor_disable(*, user: User, code: str) -> None:
    """关闭两步验证 (with a current code). Administrators cannot while it is required for them."""
    if settings.INNOMARKET_ADMIN_2FA_REQUIRED and roles.is_administrator(user):
        raise ApplicationError(gettext("管理员必须使用两步验证，不能关闭。"), code=LoginErrorCode.REQUIRED)
    second_factor_verify(user=user, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def second_factor_reset(*, user: User, actor: Any = None) -> int:
    """重置两步验证 for someone who lost their authenticator and recovery codes: removes their devices so
    they set up a new one at their next sign-in. By an alliance administrator in the back office
    (``actor``), or on the server's command line (``actor=None``, ``manage.py reset_2fa``)."""
    if actor is not None:
        _require_alliance(actor)
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    logger.info("Second factor of %s reset by %s", user.get_username(), actor or "the command line")
    return removed
