"""A small scenario for the three lists (三张清单): two cities, every list, every tense, plus records
that must never count (drafts, submitted, non-resource kinds). Expected counts are spelled out in
``PUBLIC`` / ``FORMER`` so the tests read as a table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from innomarket.common.tests.factories import city
from innomarket.organisations.models import OrganisationTag
from innomarket.regions.tests.helpers import make_listing

# (list, city or None) → (past, present, future), public records only
PUBLIC = {
    ("resources", None): (0, 4, 0),
    ("resources", "nanjing"): (0, 2, 0),
    ("resources", "suzhou"): (0, 2, 0),
    ("demands", None): (3, 3, 0),
    ("demands", "nanjing"): (2, 2, 0),
    ("demands", "suzhou"): (1, 1, 0),
    ("cooperation", None): (1, 1, 1),
    ("cooperation", "nanjing"): (1, 0, 1),
    ("cooperation", "suzhou"): (1, 1, 0),  # the past project is Nanjing's, Suzhou a partner city
}
# with public_only=False: records that were public once join 过去时
FORMER = {
    ("resources", None): (2, 4, 0),
    ("resources", "nanjing"): (1, 2, 0),
    ("resources", "suzhou"): (1, 2, 0),
    ("demands", None): (4, 3, 0),
    ("demands", "suzhou"): (2, 1, 0),
    ("cooperation", None): (2, 1, 1),  # the archived "present" project is over: 过去时
}

MALICIOUS_TITLE = '=HYPERLINK("http://x","y")'


def build() -> dict[str, Any]:
    today = timezone.localdate()
    yesterday, tomorrow = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    hnte = OrganisationTag.objects.get(slug="hnte")
    r: dict[str, Any] = {}

    # 资源清单
    r["university"] = make_listing("organisation", city="nanjing", title="南京某大学", kind="university")
    r["tech_enterprise"] = make_listing(
        "organisation", city="nanjing", title="南京高新企业", kind="enterprise"
    )
    r["tech_enterprise"].tags.add(hnte)
    make_listing("organisation", city="nanjing", title="南京普通企业", kind="enterprise")  # no tech tag
    make_listing("organisation", city="nanjing", title="南京某银行", kind="bank")  # not a resource kind
    make_listing("organisation", city="nanjing", title="南京待核验院所", kind="institute", status="submitted")
    make_listing("organisation", city="nanjing", title="南京过期平台", kind="platform", status="expired")
    r["carrier"] = make_listing("organisation", city="suzhou", title="苏州某科技园", kind="carrier")
    r["space"] = make_listing("space", city="suzhou", title=MALICIOUS_TITLE)
    make_listing("space", city="suzhou", title="苏州已下架孵化器", status="archived")

    # 需求清单
    r["bidding"] = make_listing(
        "challenge",
        city="nanjing",
        title="南京揭榜中榜单",
        status="bidding",
        kind="technical",
        deadline=tomorrow,
    )
    r["overdue"] = make_listing(
        "challenge",
        city="nanjing",
        title="南京已截止榜单",
        status="published",
        kind="scenario",
        deadline=yesterday,
    )
    r["running"] = make_listing(
        "challenge", city="nanjing", title="南京攻关中要素需求", status="in_progress", kind="factor"
    )
    r["completed"] = make_listing("challenge", city="suzhou", title="苏州已完成榜单", status="completed")
    make_listing("challenge", city="suzhou", title="苏州已取消榜单", status="cancelled")
    make_listing("challenge", city="suzhou", title="苏州待核验榜单", status="submitted")
    r["financing"] = make_listing(
        "financing", city="nanjing", title="南京过期融资需求", valid_until=yesterday
    )
    r["talentpost"] = make_listing("talentpost", city="suzhou", title="苏州人才需求")
    make_listing("talentpost", city="suzhou", title="苏州草稿人才需求", status="draft")

    # 合作清单
    r["coop_past"] = make_listing(
        "cooperation",
        city="nanjing",
        title="宁苏已完成产业链合作",
        phase="past",
        kind="industrial",
        started_on=dt.date(2023, 3, 1),
        ended_on=dt.date(2024, 6, 30),
    )
    r["coop_past"].partner_cities.add(city("suzhou"))
    r["coop_present"] = make_listing(
        "cooperation", city="suzhou", title="苏州跨城业务", phase="present", kind="cross_city"
    )
    r["coop_future"] = make_listing(
        "cooperation", city="nanjing", title="南京规划中的联合活动", phase="future", kind="joint_event"
    )
    make_listing("cooperation", city="nanjing", title="南京已下架合作", phase="present", status="archived")
    return r
