"""Sign-up, the lockout page and the second factor (两步验证). Sign-in, sign-out and password change are
Django's views configured in ``urls.py``."""

from __future__ import annotations

import math
from base64 import b32encode
from datetime import timedelta

import segno
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from innomarket.common.exceptions import ApplicationError

from . import roles, selectors, services
from .forms import CodeForm, SignupForm
from .login_protection import login_username
from .services import user_register


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@sensitive_post_parameters("password1", "password2")
def signup(request):
    """注册: create the account, sign in, continue to the workspace (or ``next``)."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_register(
                username=data["username"],
                name=data["name"],
                email=data["email"],
                phone=data.get("phone", ""),
                password=data["password1"],
            )
        except ApplicationError as exc:
            form.add_error(exc.extra.get("field"), str(exc))
        else:
            login(request, user, backend="innomarket.accounts.backends.UsernameOrEmailBackend")
            messages.success(request, _("注册成功，欢迎 %(name)s！") % {"name": user.display_name})
            return redirect(_safe_next(request) or settings.LOGIN_REDIRECT_URL)
    return render(request, "registration/signup.html", {"form": form, "next": _safe_next(request)})


# --- Login protection ---------------------------------------------------------------------------------


def locked_out(request, original_response=None, credentials=None):
    """The page a refused login gets (``AXES_LOCKOUT_CALLABLE``): what happened and when to try again."""
    username = login_username(request, credentials)
    lock = selectors.lockout_for(username=username, ip_address=getattr(request, "axes_ip_address", None))
    until = lock.until or timezone.now() + (get_cool_off(request) or timedelta(0))
    wait_minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    context = {
        "account_locked": lock.account_until is not None,
        "address_locked": lock.address_until is not None,
        "until": until,
        "wait_minutes": wait_minutes,
        "account_limit": settings.INNOMARKET_LOGIN_FAILURE_LIMIT,
        "address_limit": settings.INNOMARKET_LOGIN_IP_FAILURE_LIMIT,
    }
    response = render(request, "accounts/locked_out.html", context, status=429)
    response["Retry-After"] = str(max(1, int((until - timezone.now()).total_seconds())))
    return response


def _next_or(request, default: str) -> str:
    return _safe_next(request) or default


def _default_after_login(user) -> str:
    return reverse("admin:index") if roles.is_administrator(user) else reverse(settings.LOGIN_REDIRECT_URL)


def _qr_svg(device) -> str:
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=2, omitsize=True, title=_("扫码添加到验证器")
    )


def _grouped_secret(device) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _show_recovery_codes(request, codes: list[str]):
    return render(
        request,
        "accounts/two_factor_codes.html",
        {"codes": codes, "continue_url": _next_or(request, _default_after_login(request.user))},
    )


@login_required
@sensitive_post_parameters("code")
def two_factor_setup(request):
    """两步验证: turn it on (QR code, secret, first code), or see its state, new recovery codes, turn it off."""
    user = request.user
    if selectors.has_second_factor(user):
        return render(
            request,
            "accounts/two_factor_manage.html",
            {
                "codes_left": selectors.recovery_codes_left(user),
                "codes_form": CodeForm(prefix="codes", recovery=True),
                "disable_form": CodeForm(prefix="disable", recovery=True),
                "can_disable": not (settings.INNOMARKET_ADMIN_2FA_REQUIRED and roles.is_administrator(user)),
            },
        )
    device = services.totp_device_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.totp_device_confirm(user=user, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            form.add_error("code", str(exc))
        else:
            otp_login(request, device)
            messages.success(request, _("两步验证已开启。以后登录时，输入密码后还需输入验证器上的验证码。"))
            return _show_recovery_codes(request, codes)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": mark_safe(_qr_svg(device)),  # noqa: S308 — generated by segno from our own data
            "secret": _grouped_secret(device),
            "required": settings.INNOMARKET_ADMIN_2FA_REQUIRED and roles.is_administrator(user),
            "next": _safe_next(request),
        },
    )


@login_required
@require_POST
@sensitive_post_parameters("codes-code")
def two_factor_recovery_codes(request):
    """重新生成备用码 (with a current code): the old ones stop working."""
    form = CodeForm(request.POST, prefix="codes", recovery=True)
    if form.is_valid():
        try:
            services.second_factor_verify(user=request.user, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            return _show_recovery_codes(request, services.recovery_codes_issue(user=request.user))
    return redirect("accounts:2fa_setup")


@login_required
@require_POST
@sensitive_post_parameters("disable-code")
def two_factor_disable(request):
    """关闭两步验证 (with a current code)."""
    form = CodeForm(request.POST, prefix="disable", recovery=True)
    if form.is_valid():
        try:
            services.second_factor_disable(user=request.user, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("两步验证已关闭。"))
    return redirect("accounts:2fa_setup")


@login_required
@sensitive_post_parameters("code")
def two_factor_verify(request):
    """输入验证码: the second step of signing in for someone with an authenticator."""
    user = request.user
    if user.is_verified() or not selectors.has_second_factor(user):
        return redirect(_next_or(request, _default_after_login(user)))
    form = CodeForm(request.POST or None, recovery=True)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_verify(user=user, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            form.add_error("code", str(exc))
        else:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _("已使用一个备用码，还剩 %(n)d 个。用完前请在“两步验证”页面重新生成。")
                    % {"n": selectors.recovery_codes_left(user)},
                )
            return redirect(_next_or(request, _default_after_login(user)))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request)})
