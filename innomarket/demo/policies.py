"""Demo data of the 政策计算器: sample policies with confirmed conditions and amounts, and 经营数据 for
demo-member's organisation, so that a fresh ``make run`` shows eligible, near and ineligible policies.

The seeds' own policies (``seed_facts.POLICIES``) are plans and measures that state no threshold an
organisation could meet — ``propose_conditions`` finds none in their text, and neither do we — nor an
application period or entry. So the calculator is shown with sample policies, marked 【示例】 and
issued by sample bureaus, whose text reads like a real call for applications; their conditions are
proposed from that text by the same assistant an administrator uses (``policy_conditions_propose``)
and confirmed here as an administrator would, after reading them. No URL is invented.

Idempotent: records are created once and then left alone (a visitor may edit the figures).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from innomarket.organisations.models import Organisation, OrganisationProfile
from innomarket.policies.models import Policy
from innomarket.policies.services import policy_conditions_propose

from . import samples as S

if TYPE_CHECKING:
    from .loader import DemoLoader

SAMPLE_ISSUER = "示例发文机关（非真实政策）"

# (city, title, support type, text, amount_min, amount_max, amount note, expected condition kinds)
SAMPLE_POLICIES: list[dict[str, Any]] = [
    {
        "city": "putuo",
        "title": "科技型企业研发投入奖励",
        "support_type": "funding",
        "text": (
            "申报企业应在本区注册，注册成立一年以上，上年度营业收入1000万元以上，研发费用占营业收入比例不低于3%。"
            "对符合条件的企业，按上年度研发费用的10%给予奖励，最高50万元。"
        ),
        "amount_max_wan": Decimal("50"),
        "amount_note": "按上年度研发费用的 10% 给予奖励",
        "kinds": {"registered_in", "years_founded", "revenue", "rd_ratio"},
    },
    {
        "city": "putuo",
        "title": "高新技术企业培育资助",
        "support_type": "funding",
        "text": (
            "申报企业须在本区注册成立一年以上，科技人员占职工总数的比例不低于10%，研发费用占同期营业收入的比例"
            "不低于5%。对符合条件的企业给予20万元培育资助。"
        ),
        "amount_min_wan": Decimal("20"),
        "amount_max_wan": Decimal("20"),
        "amount_note": "一次性培育资助",
        "kinds": {"registered_in", "years_founded", "tech_staff_ratio", "rd_ratio"},
    },
    {
        "city": "putuo",
        "title": "企业研发机构建设补贴",
        "support_type": "platform",
        "text": (
            "申报企业须为高新技术企业，上年度营业收入5000万元以上。对新建或升级的企业研发机构，按研发设备投入的"
            "20%给予补贴，最高100万元。"
        ),
        "amount_max_wan": Decimal("100"),
        "amount_note": "按研发设备投入的 20% 给予补贴",
        "kinds": {"qualification", "revenue"},
    },
    {
        "city": "putuo",
        "title": "专精特新“小巨人”企业奖励",
        "support_type": "funding",
        "text": "申报企业须为专精特新“小巨人”企业，注册地在本市。对首次认定的企业给予一次性奖励50万元。",
        "amount_min_wan": Decimal("50"),
        "amount_max_wan": Decimal("50"),
        "amount_note": "一次性奖励",
        "kinds": {"qualification", "registered_in"},
    },
    {
        "city": "nanjing",
        "title": "知识产权运营补贴",
        "support_type": "funding",
        "text": (
            "申报企业须在本市注册，拥有有效发明专利2件以上，上年度营业收入2000万元以上。对符合条件的企业给予知识"
            "产权运营补贴，最高30万元。"
        ),
        "amount_max_wan": Decimal("30"),
        "amount_note": "",
        "kinds": {"registered_in", "ip_count", "revenue"},
    },
]

# demo-member's organisation (putuo enterprise_a): meets the first policy, is 1 point of R&D
# intensity short of the second (4 % of 5 %), and far from the others.
DEMO_PROFILE = {
    "founded_on": dt.date(2019, 5, 1),
    "district": "普陀区",
    "headcount": 85,
    "tech_staff": 22,
    "revenue_wan": Decimal("1500"),
    "revenue_prev_wan": Decimal("1250"),
    "rd_expense_wan": Decimal("60"),
    "high_tech_revenue_wan": Decimal("900"),
    "total_assets_wan": Decimal("3200"),
    "ip_total": 12,
    "invention_patents": 3,
}


def _sample_bureau(loader: DemoLoader, city_slug: str) -> Organisation:
    city = loader.cities[city_slug]
    return loader._upsert(  # type: ignore[return-value]
        Organisation,
        {"name": f"{S.SAMPLE_PREFIX}{city.short_name}科技主管部门", "city": city},
        {
            "kind": Organisation.Kind.GOVERNMENT,
            "intro": f"示例机构：用于演示{city.short_name}发布的示例政策，非真实单位。",
            **loader._sample_values(),
        },
        on_create=loader._published(),
        update=False,
    )


def load_policy_calculator(loader: DemoLoader) -> None:
    """Sample policies with confirmed conditions and amounts, and demo-member's organisation's 经营数据."""
    for data in SAMPLE_POLICIES:
        city = loader.cities[data["city"]]
        title = f"{S.SAMPLE_PREFIX}{data['title']}"
        if Policy.objects.filter(title=title, city=city).exists():
            continue  # created by an earlier run; an administrator may have changed it since
        policy: Policy = loader._upsert(  # type: ignore[assignment]
            Policy,
            {"title": title, "city": city},
            {
                "owner": _sample_bureau(loader, data["city"]),
                "issuer": SAMPLE_ISSUER,
                "support_type": data["support_type"],
                "summary": data["text"],
                "full_text": data["text"],
                "amount_min_wan": data.get("amount_min_wan"),
                "amount_max_wan": data.get("amount_max_wan"),
                "amount_note": data["amount_note"],
                **loader._sample_values(),
            },
            on_create={
                **loader._listing_published(),
                "issued_on": loader.today,
                "apply_from": loader.today,
                "apply_until": loader.today + dt.timedelta(days=90),
            },
            update=False,
        )
        proposed = policy_conditions_propose(policy=policy)
        # Confirmed as an administrator would after reading them: every proposal of an expected kind.
        for condition in proposed:
            if condition.kind in data["kinds"]:
                condition.is_confirmed = True
                condition.save(update_fields=["is_confirmed"])
    organisation = loader.sample_orgs[("putuo", "enterprise_a")]
    if not OrganisationProfile.objects.filter(organisation=organisation).exists():
        profile = OrganisationProfile(organisation=organisation, year=loader.today.year - 1, **DEMO_PROFILE)
        profile.full_clean()
        profile.save()
        loader.created[OrganisationProfile._meta.label] += 1
    loader.record_creation_events()
