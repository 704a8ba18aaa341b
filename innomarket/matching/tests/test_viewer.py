"""Search aware of the viewer's 创新券 and 创新积分 tier: badges, boosts and the two filters."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from innomarket.common.tests.factories import OrganisationFactory, member_of
from innomarket.matching import services
from innomarket.matching.selectors import search_listings
from innomarket.matching.viewer import viewer_for
from innomarket.organisations.models import Organisation
from innomarket.points import selectors as points_selectors
from innomarket.points import services as points_services
from innomarket.points.tests.helpers import population
from innomarket.regions.tests.helpers import make_listing
from innomarket.vouchers import services as voucher_services
from innomarket.vouchers.tests.conftest import make_world

pytestmark = pytest.mark.django_db


def keys(results) -> list[str]:
    return [f"{h.listing_type.key}:{h.obj.pk}" for h in results.hits]


def badges(results) -> dict[str, tuple[str, ...]]:
    return {f"{h.listing_type.key}:{h.obj.pk}": h.badges for h in results.hits}


@pytest.fixture
def voucher_world():
    """A 南京 programme with one accepted provider (its instrument takes vouchers), another
    provider's instrument outside the programme, and an enterprise member holding a voucher."""
    world = make_world()
    world.fund(100)
    voucher_services.programme_provider_accept(
        actor=world.admin, programme=world.programme, provider=world.provider, services="材料检测"
    )
    accepted = make_listing("instrument", city="nanjing", title="材料力学性能检测仪", owner=world.provider)
    outside = make_listing(
        "instrument", city="nanjing", title="材料力学性能检测系统", owner=world.other_provider
    )
    holder = member_of(world.enterprise)
    services.rebuild_index()
    return world, accepted, outside, holder


def test_a_visitor_sees_which_records_accept_vouchers_and_can_keep_only_those(voucher_world):
    world, accepted, outside, _holder = voucher_world
    viewer = viewer_for(AnonymousUser())

    everything = search_listings(query="材料力学性能检测", viewer=viewer)
    only = search_listings(query="材料力学性能检测", viewer=viewer, vouchers=True)

    assert set(keys(everything)) == {f"instrument:{accepted.pk}", f"instrument:{outside.pk}"}
    assert badges(everything)[f"instrument:{accepted.pk}"] == ("accepts_vouchers",)
    assert badges(everything)[f"instrument:{outside.pk}"] == ()
    assert keys(only) == [f"instrument:{accepted.pk}"]
    assert only.total == 1


def test_an_instrument_that_says_it_takes_vouchers_counts_for_visitors(voucher_world):
    _world, accepted, outside, _holder = voucher_world
    outside.accepts_vouchers = True
    outside.save(update_fields=["accepts_vouchers"])

    only = search_listings(query="材料力学性能检测", viewer=viewer_for(AnonymousUser()), vouchers=True)

    assert set(keys(only)) == {f"instrument:{accepted.pk}", f"instrument:{outside.pk}"}


def test_a_voucher_holder_sees_where_their_own_vouchers_work(voucher_world):
    world, accepted, outside, holder = voucher_world
    world.voucher("10")
    viewer = viewer_for(holder)
    assert viewer.holds_vouchers

    everything = search_listings(query="材料力学性能检测", viewer=viewer)
    only = search_listings(query="材料力学性能检测", viewer=viewer, vouchers=True)

    assert badges(everything)[f"instrument:{accepted.pk}"] == ("your_vouchers",)
    assert keys(only) == [f"instrument:{accepted.pk}"]
    hit = everything.hits[keys(everything).index(f"instrument:{accepted.pk}")]
    assert "your_vouchers" in {c.name for c in hit.explanation.components}


def test_a_spent_voucher_no_longer_marks_the_provider_as_yours(voucher_world):
    world, accepted, _outside, holder = voucher_world
    voucher = world.voucher("10")
    voucher_services.voucher_expire(actor=world.admin, voucher=voucher)

    viewer = viewer_for(holder)

    assert not viewer.holds_vouchers
    assert badges(search_listings(query="材料力学性能检测", viewer=viewer))[f"instrument:{accepted.pk}"] == (
        "accepts_vouchers",
    )


def test_another_enterprises_vouchers_are_not_the_viewers(voucher_world):
    world, accepted, _outside, _holder = voucher_world
    world.voucher("10")
    stranger = member_of(OrganisationFactory(kind=Organisation.Kind.ENTERPRISE))

    assert not viewer_for(stranger).holds_vouchers


@pytest.fixture
def tiered():
    """Scored enterprises; a member of the lowest-tier one; products gated at its tier, above it, and none."""
    firms = population()
    points_services.score_recompute()
    scored = [(points_selectors.current_score(organisation=f), f) for f in firms]
    score, firm = max(
        ((s, f) for s, f in scored if s is not None), key=lambda sf: points_selectors.tier_rank(sf[0].tier)
    )
    assert score.tier != "A", "the population needs an enterprise below tier A"
    better = points_selectors.TIERS[points_selectors.tier_rank(score.tier) - 1]
    bank = OrganisationFactory(kind=Organisation.Kind.BANK)
    meets = make_listing(
        "product",
        city="nanjing",
        title="科技型企业信用贷款甲",
        owner=bank,
        min_tier=score.tier,
        uses_innovation_score=True,
    )
    short = make_listing(
        "product",
        city="nanjing",
        title="科技型企业信用贷款乙",
        owner=bank,
        min_tier=better,
        uses_innovation_score=True,
    )
    open_ = make_listing("product", city="nanjing", title="科技型企业信用贷款丙", owner=bank, min_tier="")
    services.rebuild_index()
    return member_of(firm), score.tier, meets, short, open_


def test_products_say_whether_the_viewers_tier_qualifies(tiered):
    user, tier, meets, short, open_ = tiered
    viewer = viewer_for(user)
    assert viewer.tier == tier

    results = search_listings(query="科技型企业信用贷款", viewer=viewer)

    assert badges(results)[f"product:{meets.pk}"] == ("tier_ok",)
    assert badges(results)[f"product:{short.pk}"] == ("tier_short",)
    assert badges(results)[f"product:{open_.pk}"] == ()
    first = results.hits[keys(results).index(f"product:{meets.pk}")]
    assert "tier_qualifies" in {c.name for c in first.explanation.components}


def test_the_tier_filter_keeps_products_the_viewer_may_apply_for(tiered):
    user, _tier, meets, short, open_ = tiered

    results = search_listings(query="科技型企业信用贷款", viewer=viewer_for(user), tier=True)

    assert set(keys(results)) == {f"product:{meets.pk}", f"product:{open_.pk}"}
    assert results.tier


def test_the_tier_filter_is_ignored_without_a_score(tiered):
    _user, _tier, meets, short, open_ = tiered

    results = search_listings(query="科技型企业信用贷款", viewer=viewer_for(AnonymousUser()), tier=True)

    assert not results.tier
    assert set(keys(results)) == {f"product:{meets.pk}", f"product:{short.pk}", f"product:{open_.pk}"}
    assert all(h.badges == () for h in results.hits)


def test_the_search_page_offers_the_filters_and_shows_the_badges(client, voucher_world):
    world, accepted, _outside, holder = voucher_world
    world.voucher("10")
    client.force_login(holder)

    page = client.get("/search/", {"q": "材料力学性能检测", "vouchers": "1"}).content.decode()

    assert 'name="vouchers" value="1" checked' in page
    assert "可用我的创新券" in page
    assert "可用您的创新券" in page  # the badge on the accepted provider's instrument
    assert "材料力学性能检测系统" not in page  # the other provider's instrument is filtered out


def test_the_search_page_offers_the_tier_filter_only_with_a_score(client, tiered):
    user, tier, *_ = tiered
    assert 'name="tier"' not in client.get("/search/", {"q": "贷款"}).content.decode()
    client.force_login(user)
    assert (
        f"我的积分等级（{tier} 级）可申请的金融产品" in client.get("/search/", {"q": "贷款"}).content.decode()
    )
