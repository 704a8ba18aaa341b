"""The public catalogue: which listing types exist, which of the six service sections they belong to,
and where their pages live. Views, the site-wide search, city figures and the demo loader all read
this one table instead of repeating the list of models.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ListingType:
    key: str  # stable identifier used in URLs of the workspace and in search facets
    model_label: str  # "app_label.ModelName"
    section: str
    list_url: str  # URL name of the public list page
    detail_url: str  # URL name of the public detail page
    selector: str  # dotted path of the app's selector returning the public queryset, relations joined
    filterset: str  # dotted path of the app's FilterSet (a site.catalogue.CatalogueFilterSet)
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
        ListingType(
            "policy",
            "policies.Policy",
            section="policy",
            list_url="policies:list",
            detail_url="policies:detail",
            selector="innomarket.policies.selectors.policy_queryset",
            filterset="innomarket.policies.filters.PolicyFilterSet",
        ),
        ListingType(
            "space",
            "resources.Space",
            section="resources",
            list_url="resources:space-list",
            detail_url="resources:space-detail",
            selector="innomarket.resources.selectors.space_queryset",
            filterset="innomarket.resources.filters.SpaceFilterSet",
        ),
        ListingType(
            "instrument",
            "resources.Instrument",
            section="resources",
            list_url="resources:instrument-list",
            detail_url="resources:instrument-detail",
            selector="innomarket.resources.selectors.instrument_queryset",
            filterset="innomarket.resources.filters.InstrumentFilterSet",
        ),
        ListingType(
            "organisation",
            "organisations.Organisation",
            section="resources",
            list_url="organisations:list",
            detail_url="organisations:detail",
            selector="innomarket.organisations.selectors.organisation_queryset",
            filterset="innomarket.organisations.filters.OrganisationFilterSet",
            member_creatable=False,
        ),
        ListingType(
            "challenge",
            "challenges.Challenge",
            section="tech",
            list_url="challenges:list",
            detail_url="challenges:detail",
            selector="innomarket.challenges.selectors.challenge_queryset",
            filterset="innomarket.challenges.filters.ChallengeFilterSet",
        ),
        ListingType(
            "expert",
            "talent.Expert",
            section="tech",
            list_url="talent:expert-list",
            detail_url="talent:expert-detail",
            selector="innomarket.talent.selectors.expert_queryset",
            filterset="innomarket.talent.filters.ExpertFilterSet",
        ),
        ListingType(
            "techmanager",
            "talent.TechManager",
            section="tech",
            list_url="talent:techmanager-list",
            detail_url="talent:techmanager-detail",
            selector="innomarket.talent.selectors.techmanager_queryset",
            filterset="innomarket.talent.filters.TechManagerFilterSet",
        ),
        ListingType(
            "product",
            "finance.FinancialProduct",
            section="finance",
            list_url="finance:product-list",
            detail_url="finance:product-detail",
            selector="innomarket.finance.selectors.product_queryset",
            filterset="innomarket.finance.filters.ProductFilterSet",
        ),
        ListingType(
            "fund",
            "finance.Fund",
            section="finance",
            list_url="finance:fund-list",
            detail_url="finance:fund-detail",
            selector="innomarket.finance.selectors.fund_queryset",
            filterset="innomarket.finance.filters.FundFilterSet",
        ),
        ListingType(
            "financing",
            "finance.FinancingRequest",
            section="finance",
            list_url="finance:request-list",
            detail_url="finance:request-detail",
            selector="innomarket.finance.selectors.financing_queryset",
            filterset="innomarket.finance.filters.FinancingRequestFilterSet",
        ),
        ListingType(
            "talentpost",
            "talent.TalentPost",
            section="talent",
            list_url="talent:post-list",
            detail_url="talent:post-detail",
            selector="innomarket.talent.selectors.talentpost_queryset",
            filterset="innomarket.talent.filters.TalentPostFilterSet",
        ),
        ListingType(
            "station",
            "talent.TalentStation",
            section="talent",
            list_url="talent:station-list",
            detail_url="talent:station-detail",
            selector="innomarket.talent.selectors.station_queryset",
            filterset="innomarket.talent.filters.TalentStationFilterSet",
        ),
        ListingType(
            "event",
            "events.Event",
            section="talent",
            list_url="events:list",
            detail_url="events:detail",
            selector="innomarket.events.selectors.event_queryset",
            filterset="innomarket.events.filters.EventFilterSet",
        ),
        ListingType(
            "achievement",
            "achievements.Achievement",
            section="achievements",
            list_url="achievements:list",
            detail_url="achievements:detail",
            selector="innomarket.achievements.selectors.achievement_queryset",
            filterset="innomarket.achievements.filters.AchievementFilterSet",
        ),
        ListingType(
            "cooperation",
            "lists.Cooperation",
            section="achievements",
            list_url="lists:cooperation-list",
            detail_url="lists:cooperation-detail",
            selector="innomarket.lists.selectors.cooperation_queryset",
            filterset="innomarket.lists.filters.CooperationFilterSet",
        ),
    ]
}

SECTIONS: dict[str, Section] = {
    s.key: s
    for s in [
        Section("policy", _("政策发布"), _("各城市科创政策、行动方案与申报指南"), "policy", ("policy",)),
        Section(
            "resources",
            _("资源共享"),
            _("载体空间、仪器设备与高校院所、平台资源"),
            "resources",
            ("space", "instrument", "organisation"),
        ),
        Section(
            "tech",
            _("技术对接"),
            _("揭榜挂帅：企业发榜、团队揭榜，专家与技术经理人全程服务"),
            "tech",
            ("challenge", "expert", "techmanager"),
        ),
        Section(
            "finance",
            _("金融服务"),
            _("金融产品、基金与企业融资需求"),
            "finance",
            ("product", "fund", "financing"),
        ),
        Section(
            "talent",
            _("人才交流"),
            _("人才需求、人才服务站与交流活动"),
            "talent",
            ("talentpost", "station", "event"),
        ),
        Section(
            "achievements",
            _("成果展示"),
            _("可转化的科技成果与跨城合作项目"),
            "achievements",
            ("achievement", "cooperation"),
        ),
    ]
}


def listing_type_for_model(model: type[Model]) -> ListingType | None:
    label = model._meta.label
    return next((t for t in LISTING_TYPES.values() if t.model_label == label), None)
