"""揭榜挂帅统计: funnel counts, response times and the public statistics page.

The scenario drives the real services (publish, bid, shortlist, decline, award, sign, complete,
cancel, withdraw), then moves the bids' and invitations' timestamps into the past ("time travel"
without sleeping: the selector takes ``now``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from innomarket.challenges import access, services
from innomarket.challenges.milestones import milestone_accept, milestone_report
from innomarket.challenges.models import Bid, Challenge, Invitation
from innomarket.challenges.stats import challenge_stats
from innomarket.common.tests.factories import OrganisationFactory, city, city_admin, member_of
from innomarket.organisations.models import Organisation
from innomarket.regions.tests.helpers import make_listing
from innomarket.verification import services as verification

pytestmark = pytest.mark.django_db

DAYS = 7

CHALLENGE: dict[str, Any] = {
    "title": "统计测试榜单",
    "summary": "需要电池热管理与早期预警方案，面向储能电站。",
    "problem_statement": "储能电站电池包在高温工况下存在热失控风险，现有 BMS 只能在温度超限后报警，需要提前预警。",
    "indicators": "预警提前时间≥10 分钟；误报率≤1%；单包成本增加不超过 200 元。",
    "acceptance_criteria": "在 3 个电池包上完成 100 次热滥用试验，第三方检测报告确认预警提前时间≥10 分钟。",
    "constraints": "不改变现有电池包结构。",
    "expected_trl": 6,
    "budget_min": Decimal("100"),
    "budget_max": Decimal("300"),
}


@pytest.fixture(autouse=True)
def _response_days(settings):
    settings.INNOMARKET_CHALLENGES = {**settings.INNOMARKET_CHALLENGES, "RESPONSE_DAYS": DAYS}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.INNOMARKET_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@dataclass
class People:
    cz_owner: Organisation
    cz_user: Any
    cz_admin: Any
    nj_owner: Organisation
    nj_user: Any
    uni_a: Organisation
    bidder_a: Any
    uni_b: Organisation
    bidder_b: Any
    org_c: Organisation
    member_c: Any
    org_d: Organisation


@pytest.fixture
def people() -> People:
    cz_owner = OrganisationFactory(name="常州统计发榜企业", city=city("changzhou"))
    nj_owner = OrganisationFactory(name="南京统计发榜企业", city=city("nanjing"))
    uni_a = OrganisationFactory(
        name="统计揭榜大学甲", kind=Organisation.Kind.UNIVERSITY, city=city("nanjing")
    )
    uni_b = OrganisationFactory(name="统计揭榜研究院乙", kind=Organisation.Kind.INSTITUTE, city=city("wuxi"))
    org_c = OrganisationFactory(name="统计受邀机构丙", city=city("suzhou"))
    return People(
        cz_owner=cz_owner,
        cz_user=member_of(cz_owner, username="cz_owner"),
        cz_admin=city_admin("changzhou", username="cz_admin"),
        nj_owner=nj_owner,
        nj_user=member_of(nj_owner, username="nj_owner"),
        uni_a=uni_a,
        bidder_a=member_of(uni_a, username="stats_bidder_a"),
        uni_b=uni_b,
        bidder_b=member_of(uni_b, username="stats_bidder_b"),
        org_c=org_c,
        member_c=member_of(org_c, username="stats_member_c"),
        org_d=OrganisationFactory(name="统计受邀机构丁", city=city("taizhou")),
    )


def deadline() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=30)


def listed(slug: str, owner: Organisation, status: str, **fields: Any) -> Challenge:
    """A challenge saved directly in a state (no events), as the catalogue tests do."""
    values = {**CHALLENGE, "deadline": deadline(), "is_sample": False, **fields}
    return make_listing("challenge", city=slug, owner=owner, status=status, **values)


def bid(p: People, challenge: Challenge, who: str) -> Bid:
    user, organisation = (p.bidder_a, p.uni_a) if who == "a" else (p.bidder_b, p.uni_b)
    if access.requires_terms(challenge):
        services.terms_accept(actor=user, challenge=challenge)
    data = services.BidData(
        team=f"{organisation.name}课题组",
        approach="多传感器融合与早期特征识别模型。",
        milestones="2027-03-31 方案设计\n2027-09-30 样机验证",
        price=Decimal("200"),
    )
    return services.bid_create(
        actor=user, challenge=challenge, organisation=organisation, data=data, submit=True
    )


def award(actor: Any, challenge: Challenge, winner: Bid) -> None:
    services.bidding_close(actor=actor, challenge=challenge)
    winner.refresh_from_db()
    services.bid_award(
        actor=actor, bid=winner, milestones=[("样机交付", timezone.localdate() + dt.timedelta(days=90))]
    )


def set_times(record: Any, now: dt.datetime, **days_ago: int | None) -> None:
    """Move a bid's or an invitation's timestamps to ``now`` minus so many days."""
    values = {name: None if ago is None else now - dt.timedelta(days=ago) for name, ago in days_ago.items()}
    type(record).objects.filter(pk=record.pk).update(**values)


@dataclass
class Scenario:
    now: dt.datetime
    titles: list[str]


@pytest.fixture
def scenario(people: People) -> Scenario:
    p = people
    # 常州 C1: posted through the form, published by the city administrator, two bids, one shortlisted
    # and awarded, the other declined; contract signed; the only milestone completed.
    c1 = verification.listing_create(
        actor=p.cz_user,
        record=Challenge(owner=p.cz_owner, city=city("changzhou"), deadline=deadline(), **CHALLENGE),
        submit=True,
    )
    c1 = verification.listing_verify(actor=p.cz_admin, record=c1)
    invited_a = Invitation.objects.create(
        challenge=c1, organisation=p.uni_a, via_type="organisation", via_id=p.uni_a.pk, via_title="甲"
    )
    c1a, c1b = bid(p, c1, "a"), bid(p, c1, "b")
    services.bid_shortlist(actor=p.cz_user, bid=c1a)
    services.bid_decline(actor=p.cz_user, bid=c1b, reason=Bid.DeclineReason.COST)
    award(p.cz_user, c1, c1a)
    services.contract_sign(actor=p.cz_user, challenge=c1)
    c1.refresh_from_db()
    milestone = c1.cooperations.get().milestones.get()
    milestone_report(actor=p.bidder_a, milestone=milestone, note="样机交付")
    milestone_accept(actor=p.cz_user, milestone=milestone)
    c1.refresh_from_db()
    assert c1.status == "completed"

    # 常州 C2: published, bid a shortlisted then declined, bid b still waiting; an invitation declined.
    c2 = listed("changzhou", p.cz_owner, "published", title="常州统计榜单二")
    c2a, c2b = bid(p, c2, "a"), bid(p, c2, "b")
    services.bid_shortlist(actor=p.cz_user, bid=c2a)
    services.bid_decline(actor=p.cz_user, bid=c2a, reason=Bid.DeclineReason.TIMELINE)
    invited_c = Invitation.objects.create(
        challenge=c2, organisation=p.org_c, via_type="organisation", via_id=p.org_c.pk, via_title="丙"
    )
    services.invitation_decline(
        actor=p.member_c, invitation=invited_c, reason="workload", note="本年度排期已满"
    )

    # 常州 C3: submitted, then withdrawn back to draft (posted once, per its event).
    c3 = verification.listing_create(
        actor=p.cz_user,
        record=Challenge(
            owner=p.cz_owner,
            city=city("changzhou"),
            deadline=deadline(),
            **{**CHALLENGE, "title": "撤回的榜单"},
        ),
        submit=True,
    )
    c3 = verification.listing_withdraw(actor=p.cz_user, record=c3)
    assert c3.status == "draft"
    # 常州 C4: a draft never submitted (not posted). C5: submitted and returned (posted).
    listed("changzhou", p.cz_owner, "draft", title="从未提交的草稿")
    c5 = listed("changzhou", p.cz_owner, "submitted", title="被退回的榜单")
    verification.listing_reject(actor=p.cz_admin, record=c5, reason="预算区间过宽")

    # 南京 C6: bid b waiting, bid a withdrawn without an answer; an invitation never answered.
    c6 = listed("nanjing", p.nj_owner, "published", title="南京统计榜单六")
    c6b, c6a = bid(p, c6, "b"), bid(p, c6, "a")
    services.bid_withdraw(actor=p.bidder_a, bid=c6a, reason="团队调整")
    invited_c6 = Invitation.objects.create(
        challenge=c6, organisation=p.org_c, via_type="organisation", via_id=p.org_c.pk, via_title="丙"
    )
    # 南京 C7: awarded, then cancelled (still awarded once); a recent invitation not yet answered.
    c7 = listed("nanjing", p.nj_owner, "published", title="南京统计榜单七")
    c7a = bid(p, c7, "a")
    services.bid_shortlist(actor=p.nj_user, bid=c7a)
    award(p.nj_user, c7, c7a)
    services.challenge_cancel(actor=p.nj_user, challenge=c7, reason="企业战略调整")
    invited_d = Invitation.objects.create(
        challenge=c7, organisation=p.org_d, via_type="organisation", via_id=p.org_d.pk, via_title="丁"
    )

    now = timezone.now()
    set_times(c1a, now, submitted_at=20, responded_at=18)  # 2 days
    set_times(c1b, now, submitted_at=20, responded_at=9)  # 11 days
    set_times(c2a, now, submitted_at=15, responded_at=11)  # 4 days
    set_times(c2b, now, submitted_at=3, responded_at=None)  # waiting, not yet 7 days
    set_times(c6b, now, submitted_at=10, responded_at=None)  # waiting for 10 days
    set_times(c6a, now, submitted_at=9, responded_at=None)  # withdrawn unanswered: left the queue
    set_times(c7a, now, submitted_at=30, responded_at=29)  # 1 day
    set_times(invited_a, now, created_at=25, responded_at=20)  # answered by a bid within 5 days
    set_times(invited_c, now, created_at=20, responded_at=5)  # declined after 15 days
    set_times(invited_c6, now, created_at=10)  # waiting for 10 days
    set_times(invited_d, now, created_at=2)  # waiting, not yet 7 days
    return Scenario(now=now, titles=[c.title for c in Challenge.objects.all()])


def funnel_of(scope) -> dict[str, int]:
    return {stage.key: stage.value for stage in scope.funnel.stages}


def bids_of(scope) -> tuple[int, int]:
    return (scope.bids.submitted, scope.bids.shortlisted)


STAGE_KEYS = ["posted", "published", "with_bids", "evaluated", "awarded", "completed"]


# ---------------------------------------------------------------- the selector


def test_funnel_counts_challenges_at_each_stage_per_city_and_alliance_wide(scenario):
    stats = challenge_stats(now=scenario.now)

    assert funnel_of(stats.for_city("changzhou")) == {
        "posted": 4,  # C1, C2, C3 (withdrawn to draft after submission), C5 (returned); not the draft C4
        "published": 2,
        "with_bids": 2,
        "evaluated": 1,  # C1: bidding closed; C2 still takes bids
        "awarded": 1,
        "completed": 1,
    }
    assert funnel_of(stats.for_city("nanjing")) == {
        "posted": 2,
        "published": 2,
        "with_bids": 2,
        "evaluated": 1,  # C7, cancelled after the award, still went through evaluation
        "awarded": 1,  # C7: cancelled after the award
        "completed": 0,
    }
    assert funnel_of(stats.total) == {
        "posted": 6,
        "published": 4,
        "with_bids": 4,
        "evaluated": 2,
        "awarded": 2,
        "completed": 1,
    }
    assert funnel_of(stats.for_city("suzhou")) == dict.fromkeys(STAGE_KEYS, 0)


def test_bids_are_counted_beside_the_funnel_never_in_it(scenario):
    stats = challenge_stats(now=scenario.now)

    # C1a awarded and C2a declined after the shortlist: 2 of 常州's 4 bids were shortlisted.
    assert bids_of(stats.for_city("changzhou")) == (4, 2)
    # The withdrawn bid was submitted, so it counts; C7a was shortlisted before its challenge was cancelled.
    assert bids_of(stats.for_city("nanjing")) == (3, 1)
    assert bids_of(stats.total) == (7, 3)
    assert bids_of(stats.for_city("suzhou")) == (0, 0)
    # One unit in the funnel: every stage is a count of challenges.
    for scope in (*stats.rows, stats.total):
        assert [stage.key for stage in scope.funnel.stages] == STAGE_KEYS
        assert {str(stage.unit) for stage in scope.funnel.stages} == {"项榜单"}


def test_the_funnel_never_widens_and_shares_are_of_the_posted(scenario):
    stats = challenge_stats(now=scenario.now)

    for scope in (*stats.rows, stats.total):
        values = [stage.value for stage in scope.funnel.stages]
        assert values == sorted(values, reverse=True), (scope.name, values)
    total = stats.total.funnel.stages
    assert [stage.percent for stage in total] == [100.0, 66.7, 66.7, 33.3, 33.3, 16.7]
    assert [stage.bar_width for stage in total] == [100.0, 66.7, 66.7, 33.3, 33.3, 16.7]
    empty = stats.for_city("suzhou").funnel.stages
    assert {stage.percent for stage in empty} == {None} and {stage.bar_width for stage in empty} == {0.0}


def test_a_later_stage_counts_at_every_earlier_one_and_closing_without_bids_is_not_evaluation(people):
    # Imported as completed, without its bids or events: it went through every stage all the same.
    listed("wuxi", people.cz_owner, "completed", published_at=timezone.now())
    # Closed at its deadline without a single bid: published, but neither bid on nor evaluated.
    listed("wuxi", people.cz_owner, "evaluating", published_at=timezone.now())
    # Taking bids, one bid submitted.
    open_one = listed("wuxi", people.cz_owner, "bidding", published_at=timezone.now())
    Bid.objects.create(
        challenge=open_one, organisation=people.uni_a, status="submitted", submitted_at=timezone.now()
    )

    wuxi = challenge_stats().for_city("wuxi")

    assert funnel_of(wuxi) == {
        "posted": 3,
        "published": 3,
        "with_bids": 2,
        "evaluated": 1,
        "awarded": 1,
        "completed": 1,
    }
    assert bids_of(wuxi) == (1, 0)


def test_response_times_median_mean_and_share_answered_within_n_days(scenario):
    stats = challenge_stats(now=scenario.now)
    changzhou, nanjing, total = (
        stats.for_city("changzhou").responses,
        stats.for_city("nanjing").responses,
        stats.total.responses,
    )

    assert stats.days == DAYS
    assert sorted(changzhou.durations) == [2.0, 4.0, 11.0]
    assert (changzhou.median_days, changzhou.mean_days) == (4.0, 5.7)
    # answered within 7 days: C1a and C2a of the three answered; C2b has waited only 3 days.
    assert (changzhou.within, changzhou.eligible, changzhou.within_percent) == (2, 3, 66.7)
    assert changzhou.unanswered == 1

    assert (nanjing.median_days, nanjing.mean_days) == (1.0, 1.0)
    # C7a answered in a day; C6b has waited 10 days; the withdrawn C6a is not counted.
    assert (nanjing.within, nanjing.eligible, nanjing.within_percent) == (1, 2, 50.0)
    assert nanjing.unanswered == 1

    assert (total.median_days, total.mean_days) == (3.0, 4.5)
    assert (total.within, total.eligible, total.within_percent, total.unanswered) == (3, 5, 60.0, 2)


def test_invitations_answered_within_n_days(scenario):
    stats = challenge_stats(now=scenario.now)
    changzhou, nanjing, total = (
        stats.for_city("changzhou").responses,
        stats.for_city("nanjing").responses,
        stats.total.responses,
    )

    # 常州: one answered by a bid after 5 days, one declined after 15 days.
    assert (
        changzhou.invitations_within,
        changzhou.invitations_eligible,
        changzhou.invitations_within_percent,
    ) == (1, 2, 50.0)
    assert changzhou.invitations_unanswered == 0
    # 南京: one waiting for 10 days (counted, not answered), one sent 2 days ago (not yet counted).
    assert (nanjing.invitations_within, nanjing.invitations_eligible, nanjing.invitations_within_percent) == (
        0,
        1,
        0.0,
    )
    assert nanjing.invitations_unanswered == 2
    assert (total.invitations_within, total.invitations_eligible, total.invitations_within_percent) == (
        1,
        3,
        33.3,
    )


def test_the_n_day_boundary_is_inclusive(people):
    now = timezone.now()
    challenge = listed("wuxi", people.cz_owner, "bidding")
    answered = Bid.objects.create(challenge=challenge, organisation=people.uni_a, status="shortlisted")
    waiting = Bid.objects.create(challenge=challenge, organisation=people.uni_b, status="submitted")
    set_times(answered, now, submitted_at=DAYS + 3, responded_at=3)  # exactly N days
    set_times(waiting, now, submitted_at=DAYS)  # exactly N days ago
    # Imported without a first-answer time: neither waiting nor timed.
    Bid.objects.create(
        challenge=challenge,
        organisation=people.org_c,
        status="shortlisted",
        submitted_at=now - dt.timedelta(days=30),
    )

    responses = challenge_stats(now=now).for_city("wuxi").responses

    assert (responses.within, responses.eligible, responses.unanswered) == (1, 2, 1)
    assert responses.durations == [float(DAYS)]


def test_no_bids_gives_no_share_rather_than_zero(people):
    stats = challenge_stats()

    assert stats.total.responses.within_percent is None
    assert stats.total.responses.median_days is None
    assert [row.city.slug for row in stats.rows][:1] and all(row.city.is_member for row in stats.rows)
    assert not stats.includes_sample


def test_a_non_member_city_appears_only_when_it_has_challenges(people):
    from innomarket.regions.tests.helpers import ensure_observer_cities

    ensure_observer_cities()
    listed("changning", people.cz_owner, "published")

    slugs = [row.city.slug for row in challenge_stats().rows]

    assert "changning" in slugs and "yangpu" not in slugs
    assert slugs.index("changning") > max(
        i for i, row in enumerate(challenge_stats().rows) if row.city.is_member
    )


def test_the_number_of_queries_does_not_grow_with_the_data(people, django_assert_max_num_queries):
    listed("nanjing", people.nj_owner, "bidding")
    with CaptureQueriesContext(connection) as small:
        challenge_stats()

    for slug in ("nanjing", "wuxi", "changzhou", "suzhou"):
        for _ in range(3):
            challenge = listed(slug, people.nj_owner, "bidding")
            for organisation in (people.uni_a, people.uni_b):
                Bid.objects.create(
                    challenge=challenge,
                    organisation=organisation,
                    status="submitted",
                    submitted_at=timezone.now(),
                )
            Invitation.objects.create(
                challenge=challenge,
                organisation=people.org_c,
                via_type="organisation",
                via_id=1,
                via_title="丙",
            )
    with django_assert_max_num_queries(5):
        stats = challenge_stats()

    assert stats.total.bids.submitted == 24 and stats.total.funnel.with_bids == 12
    assert len(small.captured_queries) == 5


# ---------------------------------------------------------------- the page


def funnel_rows(body: str) -> list[tuple[str, str, str, str]]:
    """(stage key, label, challenges, share of the posted) of each row of the funnel table."""
    table = re.search(r'<table class="data stats-funnel" id="funnel-table">(.*?)</table>', body, re.S)
    assert table, "no funnel table"
    rows = re.findall(
        r'<tr data-stage="(\w+)">\s*<th scope="row" class="funnel-label">([^<]+)</th>\s*'
        r'<td class="num" data-value>(\d+)</td>\s*<td class="num">([^<]+)</td>',
        table.group(1),
    )
    return rows


def script_json(body: str, element_id: str) -> dict[str, Any]:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', body, re.S)
    assert match, element_id
    return json.loads(match.group(1))


def test_page_shows_the_alliance_funnel_tables_and_chart_data(client, scenario):
    response = client.get("/challenges/stats/")
    body = response.content.decode()

    assert response.status_code == 200
    assert "<title>揭榜挂帅统计" in body
    assert "build/charts.js" in body
    assert 'data-chart="bar" data-source="stats-share"' in body
    assert 'data-chart="bar" data-source="stats-bids"' in body
    # The funnel is an HTML table of challenges (its names are text), the bids a figure beside it.
    assert 'data-chart="funnel"' not in body and 'id="stats-funnel"' not in body
    assert funnel_rows(body) == [
        ("posted", "发榜", "6", "100%"),
        ("published", "核验发布", "4", "66.7%"),
        ("with_bids", "收到揭榜", "4", "66.7%"),
        ("evaluated", "进入评审", "2", "33.3%"),
        ("awarded", "定榜", "2", "33.3%"),
        ("completed", "完成", "1", "16.7%"),
    ]
    assert "榜单（项）" in body
    bid_figures = re.search(
        r'<div class="stats funnel-bids" id="bid-figures"[^>]*>(.*?)</div>\s*</div>', body, re.S
    )
    values = re.findall(r'<span class="value">([^<]*)</span>', bid_figures.group(1))
    assert values == ["7 份", "3 份"]

    share = script_json(body, "stats-share")
    cities = share["labels"]
    assert len(cities) == 8 and "常州" in cities and "南京" in cities
    bids_per_city = dict(zip(cities, script_json(body, "stats-bids")["series"][0]["values"], strict=True))
    assert (bids_per_city["常州"], bids_per_city["南京"], bids_per_city["苏州"]) == (4, 3, 0)
    within = dict(zip(cities, share["series"][0]["values"], strict=True))
    assert (within["常州"], within["南京"], within["苏州"]) == (66.7, 50.0, None)

    # every figure is also a table: the alliance total row and the response figures
    total_row = re.search(r'<tr data-city="" class="total-row">(.*?)</tr>', body, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", total_row) == [
        "6",  # the funnel, challenges
        "4",
        "4",
        "2",
        "2",
        "1",
        "7",  # bids submitted and shortlisted
        "3",
        "60%",
        "3",
        "2",
        "33.3%",
    ]
    assert "7 天内答复率" in body and "4.5 天" in body and "3 天" in body
    assert "已答复或已提交满 7 天的方案（5 份）" in body
    invitations = re.search(r'<p id="invitation-figures">(.*?)</p>', body, re.S).group(1)
    assert "7 天内得到答复（揭榜或婉拒）的占 33.3%（1/3" in invitations and "尚未答复 2 条" in invitations


def test_page_is_public_and_names_no_challenge_or_organisation(client, scenario):
    body = client.get("/challenges/stats/").content.decode()

    for title in scenario.titles:
        assert title not in body
    for name in ("常州统计发榜企业", "统计揭榜大学甲", "统计受邀机构丙", "本年度排期已满", "企业战略调整"):
        assert name not in body


def test_city_filter_shows_that_citys_figures(client, scenario):
    body = client.get("/challenges/stats/", {"city": "nanjing"}).content.decode()

    assert '?city=nanjing" aria-current="true">南京市</a>' in body
    assert "南京市 · 转化漏斗" in body
    assert {key: value for key, _label, value, _share in funnel_rows(body)} == {
        "posted": "2",
        "published": "2",
        "with_bids": "2",
        "evaluated": "1",
        "awarded": "1",
        "completed": "0",
    }
    # the comparison still shows every city
    assert 'data-city="changzhou"' in body and 'data-city="nanjing" aria-current="true"' in body


def test_unknown_city_is_not_found(client, people):
    assert client.get("/challenges/stats/", {"city": "atlantis"}).status_code == 404


def test_page_says_when_sample_data_is_included(client, people):
    listed("nanjing", people.nj_owner, "published")
    assert 'id="sample-notice"' not in client.get("/challenges/stats/").content.decode()

    make_listing("challenge", city="wuxi", status="published")  # is_sample=True
    body = client.get("/challenges/stats/").content.decode()
    assert 'id="sample-notice"' in body and "示例" in body


def test_page_queries_are_bounded(client, scenario, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get("/challenges/stats/", {"city": "changzhou"})
    assert response.status_code == 200
