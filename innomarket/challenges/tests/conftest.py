"""A small 揭榜挂帅 world: an enterprise in 常州 posts, two universities bid, an expert evaluates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from innomarket.challenges import access, services
from innomarket.challenges.models import Bid, Challenge
from innomarket.common.tests.factories import (
    OrganisationFactory,
    UserFactory,
    city,
    city_admin,
    field_tag,
    member_of,
)
from innomarket.organisations.models import Organisation
from innomarket.regions.tests.helpers import make_listing

COMPLETE_CHALLENGE: dict[str, Any] = {
    "title": "动力电池包热失控早期预警",
    "summary": "需要电池热管理与早期预警方案，面向储能电站。",
    "problem_statement": "储能电站电池包在高温工况下存在热失控风险，现有 BMS 只能在温度超限后报警，需要提前预警。",
    "indicators": "预警提前时间≥10 分钟；误报率≤1%；单包成本增加不超过 200 元。",
    "acceptance_criteria": "在 3 个电池包上完成 100 次热滥用试验，第三方检测报告确认预警提前时间≥10 分钟。",
    "constraints": "不改变现有电池包结构。",
    "expected_trl": 6,
    "budget_min": Decimal("100"),
    "budget_max": Decimal("300"),
    "kind": Challenge.Kind.TECHNICAL,
    "confidentiality": Challenge.Confidentiality.CONFIDENTIAL,
}


@dataclass
class World:
    owner: Organisation
    owner_user: Any
    admin: Any  # 常州 city administrator
    other_admin: Any  # 南京 city administrator
    uni_a: Organisation
    bidder_a: Any
    uni_b: Organisation
    bidder_b: Any
    expert: Any
    expert_user: Any
    tech_manager: Any
    tm_user: Any

    def challenge(self, *, status: str = "published", deadline_days: int = 30, **fields: Any) -> Challenge:
        values = {**COMPLETE_CHALLENGE, **fields}
        challenge = make_listing(
            "challenge",
            city="changzhou",
            status=status,
            owner=self.owner,
            deadline=timezone.localdate() + dt.timedelta(days=deadline_days),
            is_sample=False,
            **values,
        )
        challenge.fields.add(field_tag("green-low-carbon"))
        return challenge

    def bid(self, challenge: Challenge, who: str = "a", *, submit: bool = True, **data: Any) -> Bid:
        user, organisation = (self.bidder_a, self.uni_a) if who == "a" else (self.bidder_b, self.uni_b)
        if access.requires_terms(challenge):
            services.terms_accept(actor=user, challenge=challenge)
        values = {
            "team": f"{organisation.name}电池安全课题组",
            "approach": "多传感器融合（气体、应变、温度）+ 早期特征识别模型。",
            "milestones": "2027-03-31 方案设计\n2027-09-30 样机验证",
            "price": Decimal("200"),
            "credentials": "承担过国家重点研发计划项目。",
            **data,
        }
        return services.bid_create(
            actor=user,
            challenge=challenge,
            organisation=organisation,
            data=services.BidData.from_mapping(values),
            submit=submit,
        )


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    settings.INNOMARKET_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    owner = OrganisationFactory(name="常州某储能科技有限公司", city=city("changzhou"))
    uni_a = OrganisationFactory(name="南京某大学", kind=Organisation.Kind.UNIVERSITY, city=city("nanjing"))
    uni_b = OrganisationFactory(name="无锡某研究院", kind=Organisation.Kind.INSTITUTE, city=city("wuxi"))
    expert_org = OrganisationFactory(
        name="苏州某大学", kind=Organisation.Kind.UNIVERSITY, city=city("suzhou")
    )
    expert_user = UserFactory(username="expert1", name="评审专家甲")
    tm_user = UserFactory(username="tm1", name="技术经理人甲")
    return World(
        owner=owner,
        owner_user=member_of(owner, username="owner1"),
        admin=city_admin("changzhou", username="czadmin"),
        other_admin=city_admin("nanjing", username="njadmin"),
        uni_a=uni_a,
        bidder_a=member_of(uni_a, username="bidder_a"),
        uni_b=uni_b,
        bidder_b=member_of(uni_b, username="bidder_b"),
        expert=make_listing(
            "expert", city="suzhou", title="评审专家甲", owner=expert_org, user=expert_user, is_sample=False
        ),
        expert_user=expert_user,
        tech_manager=make_listing(
            "techmanager", city="changzhou", title="技术经理人甲", user=tm_user, is_sample=False
        ),
        tm_user=tm_user,
    )
