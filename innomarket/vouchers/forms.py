"""Forms of the 创新券 pages. They parse and type-check input; the rules (who may act, caps, budget,
states, the cross-city rule) are the services'."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from innomarket.organisations.models import Organisation

from .models import ProviderApplication, ServiceKind, VoucherApplication

WAN = {"max_digits": 10, "decimal_places": 2, "min_value": Decimal("0.01")}


class _OrganisationChoice(forms.Form):
    """Shows the organisation select only when the user acts for more than one."""

    organisation_field = "enterprise"

    def __init__(self, *args: Any, organisations: list[Organisation] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = organisations or []
        field = self.fields[self.organisation_field]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations]).order_by("name")
        self.only_organisation = organisations[0] if len(organisations) == 1 else None
        if self.only_organisation is not None:
            field.widget = forms.HiddenInput()
            field.initial = self.only_organisation.pk


class VoucherApplicationForm(_OrganisationChoice):
    enterprise = forms.ModelChoiceField(
        label=_("申领企业"), queryset=Organisation.objects.none(), empty_label=None
    )
    amount_wan = forms.DecimalField(label=_("申领金额（万元）"), **WAN)
    service_kind = forms.ChoiceField(
        label=_("所需服务类别"), choices=[("", _("请选择")), *ServiceKind.choices]
    )
    purpose = forms.CharField(
        label=_("服务需求说明"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("需要哪项服务、拟选择的服务机构（如已确定）、用于哪个研发项目、预计费用。"),
    )


class ApproveForm(forms.Form):
    amount_wan = forms.DecimalField(
        label=_("核定金额（万元）"), help_text=_("可低于申领金额，不能高于申领金额。"), **WAN
    )
    note = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(forms.Form):
    info_request = forms.CharField(
        label=_("需补充的内容"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("逐项写明需要企业补充或说明的内容，企业补充后会重新提交给您。"),
    )


class VoucherDeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("不予批准的原因"), choices=[("", _("请选择")), *VoucherApplication.DeclineReason.choices]
    )
    note = forms.CharField(
        label=_("具体说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("企业将看到原因与说明；选择“其他”时必填。"),
    )


class ResubmitForm(forms.Form):
    amount_wan = forms.DecimalField(label=_("申领金额（万元）"), required=False, **WAN)
    purpose = forms.CharField(
        label=_("服务需求说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    note = forms.CharField(
        label=_("补充说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("针对退回意见逐项说明。"),
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ProviderApplicationForm(_OrganisationChoice):
    organisation_field = "provider"

    provider = forms.ModelChoiceField(
        label=_("服务机构"), queryset=Organisation.objects.none(), empty_label=None
    )
    service_kinds = forms.MultipleChoiceField(
        label=_("服务类别"), choices=ServiceKind.choices, widget=forms.CheckboxSelectMultiple
    )
    services = forms.CharField(
        label=_("可提供的服务"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=ProviderApplication._meta.get_field("services").help_text,
    )
    qualifications = forms.CharField(
        label=_("资质与能力"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=ProviderApplication._meta.get_field("qualifications").help_text,
    )


class ProviderDeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("不予登记的原因"), choices=[("", _("请选择")), *ProviderApplication.DeclineReason.choices]
    )
    note = forms.CharField(
        label=_("具体说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("申请机构将看到原因与说明；选择“其他”时必填。"),
    )


class RedeemForm(_OrganisationChoice):
    """兑付申请: the provider enters the code the enterprise shows, the service and the amount in 元."""

    organisation_field = "provider"

    provider = forms.ModelChoiceField(
        label=_("服务机构"), queryset=Organisation.objects.none(), empty_label=None
    )
    code = forms.CharField(
        label=_("券号"),
        max_length=40,
        help_text=_("企业出示的创新券券号，如 SZ2026-7KQ4M2XD（不区分大小写）。"),
    )
    service = forms.CharField(
        label=_("服务内容"), max_length=200, help_text=_("如“材料成分分析 3 项”“扫描电镜测试 4 机时”。")
    )
    amount_yuan = forms.DecimalField(
        label=_("兑付金额（元）"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_("可部分兑付；不能超过券的可用余额。"),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).upper()


class RedemptionDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("拒绝理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如服务尚未完成、金额与约定不符；服务机构将看到理由。"),
    )


class ReleaseForm(forms.Form):
    reason = forms.CharField(
        label=_("释放理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("释放后预留金额退回创新券（已过期的退回计划额度）；双方将看到理由。"),
    )


class SettleForm(forms.Form):
    memo = forms.CharField(
        label=_("结算备注"),
        required=False,
        max_length=200,
        help_text=_("如拨付凭证号。"),
    )


class ConfirmForm(forms.Form):
    """确认兑付: nothing to fill in; the button is the answer."""
