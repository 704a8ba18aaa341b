"""Forms of 活动报名: they parse input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from innomarket.accounts import roles
from innomarket.organisations.models import Organisation

from .models import Registration


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=40, error_messages={"required": _("请填写姓名。")})
    organisation = forms.ModelChoiceField(
        label=_("代表机构（选填）"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("以个人身份"),
    )
    affiliation = forms.CharField(
        label=_("单位"),
        max_length=120,
        required=False,
        help_text=_("选择代表机构时可不填，默认为该机构名称。"),
    )
    position = forms.CharField(label=_("职务"), max_length=60, required=False)
    phone = forms.CharField(
        label=_("手机号码（选填）"),
        max_length=20,
        required=False,
        help_text=_("仅主办方可见，用于活动变更时联系您。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=roles.member_organisation_ids(user)
        ).order_by("name")
        if user is not None and not self.is_bound:
            self.initial.setdefault("name", getattr(user, "name", "") or "")


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("签到码"),
        max_length=12,
        error_messages={"required": _("请输入签到码。")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "autofocus": True}
        ),
    )


class RegistrationDeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("未通过原因"),
        choices=[("", _("请选择")), *Registration.DeclineReason.choices],
        error_messages={"required": _("请选择未通过的原因。")},
    )
    note = forms.CharField(label=_("补充说明"), max_length=300, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因（选填）"), max_length=300, required=False)
