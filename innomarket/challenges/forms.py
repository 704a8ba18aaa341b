"""Forms of the bidder's pages (揭榜). They parse and type-check input only; the rules (deadline, terms,
one live bid per organisation, what a submitted bid must contain) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from innomarket.common.forms import MultipleFileField
from innomarket.organisations.models import Organisation

from .selectors import public_tech_managers
from .services import BID_FIELDS, BidData


class BidForm(forms.Form):
    """揭榜方案. ``organisations``: the verified organisations the user may bid for; the select is only
    shown when there is more than one."""

    organisation = forms.ModelChoiceField(
        label=_("揭榜机构"), queryset=Organisation.objects.none(), empty_label=None
    )
    team = forms.CharField(
        label=_("团队"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("负责人、核心成员及分工。"),
    )
    approach = forms.CharField(
        label=_("技术方案"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("技术路线、关键指标如何达到、已有基础。"),
    )
    milestones = forms.CharField(
        label=_("里程碑与进度"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": _("2027-03-31 方案设计\n2027-09-30 样机验证")}
        ),
        help_text=_("每行一个：计划完成日期 里程碑名称。"),
    )
    price = forms.DecimalField(
        label=_("报价（万元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    credentials = forms.CharField(
        label=_("资质与业绩"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("相关项目、专利、获奖、检测报告等。"),
    )
    introduced_by = forms.ModelChoiceField(
        label=_("推荐的技术经理人"),
        queryset=public_tech_managers(),
        required=False,
        empty_label=_("（无）"),
        help_text=_("如有技术经理人促成本次揭榜，请选择。"),
    )
    attachments = MultipleFileField(label=_("附件"), required=False)

    def __init__(self, *args: Any, organisations: list[Organisation] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        config = settings.INNOMARKET_CHALLENGES
        self.fields["attachments"].help_text = _("可多选；支持 %(types)s，单个文件不超过 %(mb)d MB。") % {
            "types": "、".join(config["ATTACHMENT_TYPES"]),
            "mb": config["ATTACHMENT_MAX_MB"],
        }
        organisations = organisations or []
        if len(organisations) > 1:
            choice = self.fields["organisation"]
            assert isinstance(choice, forms.ModelChoiceField)
            choice.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        else:
            # One organisation (or editing an existing bid): nothing to choose.
            del self.fields["organisation"]
            self.only_organisation = organisations[0] if organisations else None

    def chosen_organisation(self) -> Organisation | None:
        if "organisation" in self.fields:
            return self.cleaned_data["organisation"]
        return self.only_organisation

    def bid_data(self) -> BidData:
        return BidData.from_mapping(self.cleaned_data)

    def files_list(self) -> list[Any]:
        return list(self.cleaned_data.get("attachments") or [])


def bid_initial(bid: Any) -> dict[str, Any]:
    return {name: getattr(bid, name) for name in BID_FIELDS}
