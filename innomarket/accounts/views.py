"""Sign-up. Sign-in, sign-out and password change are Django's views configured in ``urls.py``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from innomarket.common.exceptions import ApplicationError

from .forms import SignupForm
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
