"""Forms of the finance workspace. They parse and type-check input; the rules (额度 range, who may act,
which state allows what) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from innomarket.common.forms import MultipleFileField
from innomarket.organisations.models import Organisation

from .models import FinancialProduct, FinancingInterest, LoanApplication

AMOUNT = {"max_digits": 12, "decimal_places": 2}


def _files_field(label: Any) -> MultipleFileField:
    return MultipleFileField(label=label, required=False)


class _Form(forms.Form):
    """Says what files the ``attachments`` field takes (in the language of the request)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "attachments" in self.fields:
            config = settings.INNOMARKET_CHALLENGES
            self.fields["attachments"].help_text = _(
                "可多选；支持 %(types)s，单个文件不超过 %(mb)d MB，仅申请双方可见。"
            ) % {"types": "、".join(config["ATTACHMENT_TYPES"]), "mb": config["ATTACHMENT_MAX_MB"]}


class _OrganisationChoice(_Form):
    """Shows the organisation select only when the user has more than one to act for."""

    organisation_field = "applicant"

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

    def add_error(self, field: str | None, error: Any) -> None:
        # A hidden field's errors would not be shown: with one organisation they go above the form.
        if field == self.organisation_field and self.only_organisation is not None:
            field = None
        super().add_error(field, error)


class LoanApplicationForm(_OrganisationChoice):
    applicant = forms.ModelChoiceField(
        label=_("申请企业"), queryset=Organisation.objects.none(), empty_label=None
    )
    amount_wan = forms.DecimalField(label=_("申请金额（万元）"), **AMOUNT)
    term_months = forms.IntegerField(label=_("申请期限（月）"), required=False, min_value=1, max_value=600)
    purpose = forms.CharField(
        label=_("资金用途"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("例如：研发投入、设备采购、流动资金、业务拓展，及各自的大致比例。"),
    )
    company_profile = forms.CharField(
        label=_("经营情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("主营业务、近一年营业收入与研发投入、知识产权、已有授信等，便于金融机构初审。"),
    )
    attachments = _files_field(_("申请材料"))
    share_score = forms.BooleanField(label=_("同意向该机构授权查看本企业创新积分"), required=False)

    def __init__(self, *args: Any, product: FinancialProduct, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        share = self.fields["share_score"]
        if not product.uses_innovation_score:
            del self.fields["share_score"]
        elif product.min_tier:
            share.help_text = _(
                "本产品要求创新积分 %(tier)s 级及以上，须授权后申请。授权后%(institution)s可查看本企业的创新积分、"
                "等级与排名；可随时在创新积分页面撤回。"
            ) % {"tier": product.min_tier, "institution": product.owner.name if product.owner else ""}
        else:
            share.help_text = _(
                "本产品参考创新积分（可选）。授权后%(institution)s可查看本企业的创新积分、等级与排名；可随时撤回。"
            ) % {"institution": product.owner.name if product.owner else ""}
        from .services import product_range_text

        range_text = product_range_text(product)
        if range_text:
            self.fields["amount_wan"].help_text = _("本产品额度：%(range)s。") % {"range": range_text}
        if product.term_months:
            self.fields["term_months"].help_text = _("本产品期限最长 %(months)d 个月。") % {
                "months": product.term_months
            }


class AcceptForm(forms.Form):
    note = forms.CharField(
        label=_("受理说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("可写明客户经理、预计审批时间等。"),
    )


class InfoRequestForm(forms.Form):
    info_request = forms.CharField(
        label=_("需补充的材料"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("逐项写明需要企业补充的材料，企业补充后将重新提交给您。"),
    )


class GrantForm(_Form):
    amount_wan = forms.DecimalField(label=_("授信金额（万元）"), **AMOUNT)
    term_months = forms.IntegerField(label=_("授信期限（月）"), required=False, min_value=1, max_value=600)
    note = forms.CharField(
        label=_("授信条件"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("利率、担保方式、放款条件等。"),
    )
    attachments = _files_field(_("批复文件"))


class LoanDeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("婉拒原因"), choices=[("", _("请选择")), *LoanApplication.DeclineReason.choices]
    )
    note = forms.CharField(
        label=_("具体说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("企业将看到原因与说明；选择“其他”时必填。"),
    )


class ResubmitForm(_Form):
    note = forms.CharField(label=_("补充说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    attachments = _files_field(_("补充材料"))


class WithdrawForm(forms.Form):
    note = forms.CharField(label=_("撤回说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InterestForm(_OrganisationChoice):
    organisation_field = "institution"

    institution = forms.ModelChoiceField(
        label=_("意向机构"), queryset=Organisation.objects.none(), empty_label=None
    )
    amount_min_wan = forms.DecimalField(label=_("意向金额下限（万元）"), **AMOUNT)
    amount_max_wan = forms.DecimalField(label=_("意向金额上限（万元）"), **AMOUNT)
    note = forms.CharField(
        label=_("意向说明"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("投资或授信方式、关注要点、希望了解的材料、下一步安排。"),
    )


class InterestAcceptForm(forms.Form):
    note = forms.CharField(
        label=_("回复说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("同意后双方可看到对方联系人，可约定洽谈时间与方式。"),
    )


class InterestDeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("婉拒原因"), choices=[("", _("请选择")), *FinancingInterest.DeclineReason.choices]
    )
    note = forms.CharField(
        label=_("具体说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("意向机构将看到原因与说明；选择“其他”时必填。"),
    )
