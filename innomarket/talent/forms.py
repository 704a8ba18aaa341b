"""Forms of 人才交流: they parse input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from innomarket.accounts import roles
from innomarket.organisations.models import Organisation
from innomarket.regions.models import City

from .models import ContactRequest, TalentApplication, TalentProfile
from .services import cv_max_mb


class ApplicationForm(forms.Form):
    cover_note = forms.CharField(
        label=_("求职说明"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("您的专业、主要经历和应聘理由（2000 字以内）。"),
        error_messages={"required": _("请填写求职说明：您的专业、经历和应聘理由。")},
    )
    cv = forms.FileField(
        label=_("简历"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx"}),
        error_messages={"required": _("请上传简历（PDF 或 Word 文件）。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cv"].help_text = _(
            "PDF、DOC 或 DOCX，不超过 %(mb)d MB。简历仅发布机构和您本人可以查看。"
        ) % {"mb": cv_max_mb()}


class ShortlistForm(forms.Form):
    note = forms.CharField(
        label=_("面谈安排"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("时间、地点或线上方式、联系人；申请人会收到通知。"),
        error_messages={"required": _("请写明面谈安排：时间、地点或线上方式、联系人。")},
    )


class HireForm(forms.Form):
    note = forms.CharField(
        label=_("录用说明（选填）"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ApplicationDeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("未通过原因"),
        choices=[("", _("请选择")), *TalentApplication.DeclineReason.choices],
        error_messages={"required": _("请选择未通过的原因。")},
    )
    note = forms.CharField(
        label=_("补充说明"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因（选填）"), max_length=300, required=False)


class TalentProfileForm(forms.ModelForm):
    class Meta:
        model = TalentProfile
        fields = ["display_name", "headline", "field", "skills", "city", "availability", "visibility"]
        widgets = {
            "skills": forms.Textarea(attrs={"rows": 5}),
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = City.objects.order_by("-is_member", "id")
        self.fields["field"].empty_label = _("请选择")
        self.fields["city"].empty_label = _("请选择")
        self.fields["skills"].help_text = _(
            "研究方向、掌握的技术、代表性项目等。请勿填写电话号码，对方可通过平台与您联系。"
        )


class ContactRequestForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("联系事由"),
        choices=[("", _("请选择")), *ContactRequest.Purpose.choices],
        error_messages={"required": _("请选择联系事由。")},
    )
    message = forms.CharField(
        label=_("留言"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("想咨询什么、希望怎样合作（10–2000 字）。"),
        error_messages={"required": _("请把需求写清楚（至少 10 个字）：想咨询什么、希望怎样合作。")},
    )
    requester_contact = forms.CharField(
        label=_("您的联系方式"),
        max_length=120,
        help_text=_("电子邮箱或电话，仅在对方接受后对其可见。"),
        error_messages={"required": _("请留下您的联系方式（电子邮箱或电话），对方接受后可见。")},
    )
    organisation = forms.ModelChoiceField(
        label=_("代表机构（选填）"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("以个人身份"),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=roles.member_organisation_ids(user)
        ).order_by("name")
        if user is not None and getattr(user, "email", "") and not self.is_bound:
            self.initial.setdefault("requester_contact", user.email)


class ContactAcceptForm(forms.Form):
    reply = forms.CharField(
        label=_("答复"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请写一句答复，如方便联系的时间。")},
    )
    shared_contact = forms.CharField(
        label=_("提供给对方的联系方式"),
        max_length=120,
        help_text=_("只有这位请求人可见。"),
        error_messages={"required": _("请填写您愿意提供给对方的联系方式。")},
    )


class ContactDeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("婉拒原因"),
        choices=[("", _("请选择")), *ContactRequest.DeclineReason.choices],
        error_messages={"required": _("请选择婉拒的原因。")},
    )
    note = forms.CharField(
        label=_("补充说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
