"""Sign-up and sign-in forms. They validate input; ``services.user_register`` writes."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import User


class SignupForm(UserCreationForm):
    """用户名、姓名、电子邮箱、手机号（选填）和两次密码；密码按 AUTH_PASSWORD_VALIDATORS 校验。"""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "name", "email", "phone")
        labels = {"username": _("用户名"), "email": _("电子邮箱")}
        help_texts = {
            "username": _("登录用，150 个字符以内，只能包含字母、数字和 @/./+/-/_。"),
            "phone": _("选填，便于对接联系，不会公开显示。"),
        }
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["email"].required = True
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["password1"].label = _("密码")
        self.fields["password2"].label = _("确认密码")

    def clean_email(self) -> str:
        email = (self.cleaned_data.get("email") or "").strip()
        if email and User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("该电子邮箱已注册，请直接登录或使用其他邮箱。"), code="duplicate_email"
            )
        return email


class LoginForm(AuthenticationForm):
    """Sign in with the user name or the e-mail address (see ``backends.UsernameOrEmailBackend``)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名/电子邮箱或密码不正确。请注意密码区分大小写。"),
        "inactive": _("该账号已停用，请联系管理员。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名或电子邮箱")
        self.fields["password"].label = _("密码")


class CodeForm(forms.Form):
    """A code from the authenticator app (6 digits), or one of the recovery codes where allowed."""

    code = forms.CharField(
        label=_("验证码"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 10}
        ),
    )

    def __init__(self, *args, recovery: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if recovery:
            self.fields["code"].help_text = _(
                "输入手机验证器上当前显示的 6 位数字；验证器不在手边时，可输入一个备用码（每个只能用一次）。"
            )
            self.fields["code"].widget.attrs["inputmode"] = "text"
        else:
            self.fields["code"].help_text = _("输入手机验证器上当前显示的 6 位数字。")
