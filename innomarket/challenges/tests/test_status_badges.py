"""榜单状态 everywhere: every teaser of a challenge says in words whether it still takes bids, and a
challenge that no longer does gets no recommendation, invitation or 我要揭榜 on its page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from innomarket.challenges.models import Challenge, Invitation
from innomarket.challenges.phase import challenge_phase
from innomarket.matching.services import rebuild_index

pytestmark = pytest.mark.django_db

BADGE = re.compile(
    r'<span class="badge badge-phase badge-phase-(\w+)" data-phase="(\w+)" title="榜单状态">([^<]+)</span>'
)


def badges_in(fragment: str) -> list[tuple[str, str, str]]:
    """(tone, phase, text) of each status badge in an HTML fragment."""
    return BADGE.findall(fragment)


def enclosing(body: str, title: str, start: str, end: str) -> str:
    """The element (``start`` … ``end``) of the page that holds ``title``."""
    at = body.index(title)
    return body[body.rindex(start, 0, at) : body.index(end, at)]


def today_plus(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.mark.parametrize(
    ("status", "deadline_days", "key", "label", "is_open"),
    [
        ("published", 10, "open", "揭榜中", True),
        ("bidding", 0, "open", "揭榜中", True),
        ("bidding", -1, "deadline_passed", "已截止", False),
        ("published", -3, "deadline_passed", "已截止", False),
        ("evaluating", 10, "evaluating", "评审中", False),
        ("awarded", 10, "awarded", "已定榜", False),
        ("in_progress", 10, "in_progress", "攻关中", False),
        ("completed", 10, "completed", "已完成", False),
        ("expired", -3, "expired", "已截止", False),
        ("cancelled", 10, "cancelled", "已取消", False),
    ],
)
def test_the_public_phase_of_each_state(status, deadline_days, key, label, is_open):
    challenge = Challenge(status=status, deadline=today_plus(deadline_days))

    phase = challenge_phase(challenge)

    assert (phase.key, str(phase.label), phase.is_open) == (key, label, is_open)
    assert phase.is_open == challenge.is_open_for_bids


def test_without_a_deadline_a_published_challenge_stays_open():
    assert challenge_phase(Challenge(status="bidding", deadline=None)).is_open


@pytest.fixture
def pair(world):
    """One challenge taking bids and one completed, both public, titles that share a searchable word."""
    open_one = world.challenge(
        status="bidding", title="储能电站热失控预警甲", summary="储能电站电池预警方案甲"
    )
    done = world.challenge(status="completed", title="储能电站热失控预警乙", summary="储能电站电池预警方案乙")
    return open_one, done


def test_home_page_teasers_show_the_status_in_words(client, pair):
    body = client.get("/").content.decode()

    assert badges_in(enclosing(body, "储能电站热失控预警甲", "<li>", "</li>")) == [("open", "open", "揭榜中")]
    assert badges_in(enclosing(body, "储能电站热失控预警乙", "<li>", "</li>")) == [
        ("done", "completed", "已完成")
    ]


def test_list_page_cards_show_the_status_in_words(client, pair):
    body = client.get("/challenges/").content.decode()

    card = enclosing(body, "储能电站热失控预警甲", "<article", "</article>")
    assert badges_in(card) == [("open", "open", "揭榜中")]
    assert card.count("揭榜中") == 1  # the state is said once, by the badge
    card = enclosing(body, "储能电站热失控预警乙", "<article", "</article>")
    assert badges_in(card) == [("done", "completed", "已完成")]
    assert card.count("已完成") == 1


def test_section_page_shows_the_status_in_words(client, pair, world):
    world.challenge(status="bidding", deadline_days=-2, title="过了截止日的榜单")

    body = client.get(reverse("site:section", args=["tech"])).content.decode()

    assert badges_in(enclosing(body, "储能电站热失控预警甲", "<li>", "</li>")) == [("open", "open", "揭榜中")]
    assert badges_in(enclosing(body, "储能电站热失控预警乙", "<li>", "</li>")) == [
        ("done", "completed", "已完成")
    ]
    assert badges_in(enclosing(body, "过了截止日的榜单", "<li>", "</li>")) == [
        ("closed", "deadline_passed", "已截止")
    ]


def test_search_hits_show_the_status_in_words(client, pair):
    open_one, done = pair
    rebuild_index()

    body = client.get("/search/", {"q": "热失控预警"}).content.decode()

    hit = enclosing(body, f'href="{open_one.get_absolute_url()}"', '<article class="hit">', "</article>")
    assert badges_in(hit) == [("open", "open", "揭榜中")]
    hit = enclosing(body, f'href="{done.get_absolute_url()}"', '<article class="hit">', "</article>")
    assert badges_in(hit) == [("done", "completed", "已完成")]


def test_other_kinds_of_search_hits_get_no_challenge_badge(client, pair):
    from innomarket.site.tests.catalogue_checks import make_listing

    make_listing("policy", city="nanjing", title="热失控预警扶持政策")
    rebuild_index()

    body = client.get("/search/", {"q": "热失控预警"}).content.decode()

    assert badges_in(enclosing(body, "扶持政策", '<article class="hit">', "</article>")) == []


def invite(challenge: Challenge, world) -> Invitation:
    return Invitation.objects.create(
        challenge=challenge, organisation=world.uni_a, via_type="organisation", via_id=1, via_title="甲"
    )


def test_a_completed_challenge_asks_for_no_bid_and_recommends_no_one(client, pair, world):
    open_one, done = pair
    invite(open_one, world), invite(done, world)
    client.force_login(world.bidder_a)  # a member of a verified university that could bid

    body = client.get(open_one.get_absolute_url()).content.decode()
    assert reverse("challenges:bid-new", args=[open_one.pk]) in body and "我要揭榜" in body
    assert 'id="invitation-' in body
    assert 'id="recommendations-closed"' not in body

    body = client.get(done.get_absolute_url()).content.decode()
    assert badges_in(enclosing(body, '<header class="page-head">', "<header", "</header>")) == [
        ("done", "completed", "已完成")
    ]
    assert reverse("challenges:bid-new", args=[done.pk]) not in body and "我要揭榜" not in body
    assert 'id="invitation-' not in body and "邀请揭榜" not in body
    # Where the recommendations would be, one line says why there are none.
    block = enclosing(body, 'id="recommended-suppliers"', "<section", "</section>")
    assert "本榜单当前状态为“已完成”，已不再征集揭榜方案，因此不推荐揭榜方" in block
    assert 'class="hit supplier"' not in block and "暂无足够匹配的揭榜方" not in block
    assert "技术经理人" not in block


def test_invitations_of_closed_challenges_are_no_longer_waiting_for_an_answer(client, pair, world):
    open_one, done = pair
    past_deadline = world.challenge(status="bidding", deadline_days=-1, title="截止日已过的榜单")
    for challenge in (open_one, done, past_deadline):
        invite(challenge, world)
    client.force_login(world.bidder_a)

    body = client.get(reverse("challenges:my-bids")).content.decode()

    assert open_one.title in body
    assert done.title not in body and past_deadline.title not in body
