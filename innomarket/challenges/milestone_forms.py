"""Forms of 里程碑验收 (report, return, accept). They parse input only; the services in
``milestones.py`` check who may do it and whether the milestone's state allows it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from innomarket.common.forms import MultipleFileField

from .milestones import NOTE_MAX_LENGTH, REASON_MAX_LENGTH


class MilestoneReportForm(forms.Form):
    note = forms.CharField(
        label=_("完成说明"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_MAX_LENGTH,
        help_text=_("交付了什么、如何验证（如测试结果、交付清单），发榜方据此验收。"),
        error_messages={
            "required": _("请填写完成说明：交付了什么、如何验证，发榜方据此验收。"),
            "max_length": _("完成说明请控制在 %(limit_value)d 字以内（现有 %(show_value)d 字）。"),
        },
    )
    evidence = MultipleFileField(
        label=_("证明材料（选填）"),
        required=False,
        help_text=_("如测试报告、交付清单、现场照片；只有合作双方和本城市管理员可以查看。"),
    )


class MilestoneReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
        help_text=_("揭榜方会收到这条理由，补充或修改后重新报告完成。"),
        error_messages={
            "required": _("退回时必须填写理由，说明还需要补充或修改什么。"),
            "max_length": _("退回理由请控制在 %(limit_value)d 字以内（现有 %(show_value)d 字）。"),
        },
    )


class MilestoneAcceptForm(forms.Form):
    comment = forms.CharField(
        label=_("验收意见（选填）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_MAX_LENGTH,
        error_messages={
            "max_length": _("验收意见请控制在 %(limit_value)d 字以内（现有 %(show_value)d 字）。"),
        },
    )
