from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Enquiry
from .services import MESSAGE_MAX_LENGTH


class EnquiryForm(forms.Form):
    subject = forms.CharField(label=_("主题"), max_length=120)
    message = forms.CharField(
        label=_("咨询内容"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请说明您想了解什么；联系方式不会公开，对方会在平台上答复您。"),
    )
    author_organisation = forms.ModelChoiceField(
        label=_("以哪个机构名义"), queryset=None, required=False, empty_label=_("以个人名义")
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["author_organisation"].queryset = organisations  # type: ignore[attr-defined]
        if not organisations.exists():
            del self.fields["author_organisation"]


class IntentForm(EnquiryForm):
    purpose = forms.ChoiceField(label=_("合作方式"), choices=Enquiry.Purpose.choices)
    budget_wan = forms.DecimalField(
        label=_("预算（万元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )

    field_order = ["author_organisation", "purpose", "budget_wan", "subject", "message"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["message"].label = _("洽谈意向说明")
        self.fields["message"].help_text = _("说明用途（用于什么产品或场景）、希望的合作方式和时间安排。")
        if "author_organisation" in self.fields:
            self.fields["author_organisation"].required = True
            self.fields["author_organisation"].empty_label = None  # type: ignore[attr-defined]


class MessageForm(forms.Form):
    message = forms.CharField(
        label=_("内容"), max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("婉拒原因"), choices=Enquiry.DeclineReason.choices)
    note = forms.CharField(
        label=_("补充说明"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
