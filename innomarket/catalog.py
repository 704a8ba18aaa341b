"""The public catalogue: which listing types exist, which of the six service sections they belong to,
and where their pages live. Views, the site-wide search, city figures and the demo loader all read
this one table instead of repeating the list of models.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ListingType:
    key: str  # stable identifier used in URLs of the workspace and in search facets
    model_label: str  # "app_label.ModelName"
    section: str
    list_url: str  # URL name of the public list page
    detail_url: str  # URL name of the public detail page
    # Whether organisation members create this type from the workspace (the others come from the
    # back office, imports or later workflows).
    member_creatable: bool = True

    @cached_property
    def model(self) -> Any:
        return apps.get_model(self.model_label)

    @property
    def label(self) -> Promise:
        return self.model._meta.verbose_name_plural


@dataclass(frozen=True)
class Section:
    key: str
    name: Promise
    blurb: Promise
    icon: str  # name of an inline SVG symbol in templates/site/_icons.html
    type_keys: tuple[str, ...]

    @property
    def types(self) -> list[ListingType]:
        return [LISTING_TYPES[k] for k in self.type_keys]


LISTING_TYPES: dict[str, ListingType] = {
    t.key: t
    for t in [
        ListingType("policy", "policies.Policy", "policy", "policies:list", "policies:detail"),
        ListingType("space", "resources.Space", "resources", "resources:space-list", "resources:space-detail"),
        ListingType(
            "instrument", "resources.Instrument", "resources", "resources:instrument-list", "resources:instrument-detail"
        ),
        ListingType(
            "organisation", "organisations.Organisation", "resources", "organisations:list", "organisations:detail",
            member_creatable=False,
        ),
        ListingType("challenge", "challenges.Challenge", "tech", "challenges:list", "challenges:detail"),
        ListingType("expert", "talent.Expert", "tech", "talent:expert-list", "talent:expert-detail"),
        ListingType(
            "techmanager", "talent.TechManager", "tech", "talent:techmanager-list", "talent:techmanager-detail"
        ),
        ListingType("product", "finance.FinancialProduct", "finance", "finance:product-list", "finance:product-detail"),
        ListingType("fund", "finance.Fund", "finance", "finance:fund-list", "finance:fund-detail"),
        ListingType(
            "financing", "finance.FinancingRequest", "finance", "finance:request-list", "finance:request-detail"
        ),
        ListingType("talentpost", "talent.TalentPost", "talent", "talent:post-list", "talent:post-detail"),
        ListingType("station", "talent.TalentStation", "talent", "talent:station-list", "talent:station-detail"),
        ListingType("event", "events.Event", "talent", "events:list", "events:detail"),
        ListingType("achievement", "achievements.Achievement", "achievements", "achievements:list", "achievements:detail"),
        ListingType(
            "cooperation", "lists.Cooperation", "achievements", "lists:cooperation-list", "lists:cooperation-detail"
        ),
    ]
}

SECTIONS: dict[str, Section] = {
    s.key: s
    for s in [
        Section("policy", _("政策发布"), _("各城市科创政策、行动方案与申报指南"), "policy", ("policy",)),
        Section(
            "resources", _("资源共享"), _("载体空间、仪器设备与高校院所、平台资源"), "resources",
            ("space", "instrument", "organisation"),
        ),
        Section(
            "tech", _("技术对接"), _("揭榜挂帅：企业发榜、团队揭榜，专家与技术经理人全程服务"), "tech",
            ("challenge", "expert", "techmanager"),
        ),
        Section(
            "finance", _("金融服务"), _("金融产品、基金与企业融资需求"), "finance", ("product", "fund", "financing")
        ),
        Section("talent", _("人才交流"), _("人才需求、人才服务站与交流活动"), "talent", ("talentpost", "station", "event")),
        Section(
            "achievements", _("成果展示"), _("可转化的科技成果与跨城合作项目"), "achievements",
            ("achievement", "cooperation"),
        ),
    ]
}


def listing_type_for_model(model: type) -> ListingType | None:
    label = model._meta.label
    return next((t for t in LISTING_TYPES.values() if t.model_label == label), None)
