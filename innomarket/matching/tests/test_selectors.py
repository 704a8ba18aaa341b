import pytest

from innomarket.common.tests.factories import city
from innomarket.matching.selectors import search_listings
from innomarket.site.tests.catalogue_checks import make_listing, unpublished_statuses

pytestmark = pytest.mark.django_db


def test_finds_published_records_by_a_chinese_word_and_groups_them_by_type():
    policy = make_listing("policy", city="nanjing", title="南京市促进人工智能产业发展若干政策")
    achievement = make_listing("achievement", city="wuxi", title="基于人工智能的缺陷检测方法")
    make_listing("space", city="wuxi", title="生物医药孵化器")

    results = search_listings(query="人工智能")

    assert [g.listing_type.key for g in results.groups] == ["policy", "achievement"]
    assert results.groups[0].items == [policy]
    assert results.groups[1].items == [achievement]
    assert results.total == 2
    assert results.counts["space"] == 0


def test_unpublished_records_are_never_found():
    for status in unpublished_statuses("challenge"):
        make_listing("challenge", city="nanjing", title=f"人工智能榜单{status}", status=status)
    make_listing("organisation", city="nanjing", title="人工智能草稿机构", status="draft")

    assert search_listings(query="人工智能").total == 0


def test_all_terms_must_match_and_query_is_normalised():
    both = make_listing("policy", city="nanjing", title="AI 人才政策")
    make_listing("policy", city="nanjing", title="AI 资金政策")

    results = search_listings(query="  ａｉ　人才 ")

    assert results.terms == ["ai", "人才"]
    assert results.groups[0].items == [both]


def test_type_and_city_facets():
    make_listing("policy", city="nanjing", title="集成电路政策")
    make_listing("policy", city="wuxi", title="无锡集成电路政策")
    make_listing("achievement", city="nanjing", title="集成电路封装成果")

    only_policies = search_listings(query="集成电路", type_key="policy")
    in_nanjing = search_listings(query="集成电路", city=city("nanjing"))

    assert [g.listing_type.key for g in only_policies.groups] == ["policy"]
    assert only_policies.counts == {**only_policies.counts, "policy": 2, "achievement": 1}
    assert in_nanjing.counts["policy"] == 1 and in_nanjing.counts["achievement"] == 1


def test_per_type_limit_and_has_more():
    for n in range(7):
        make_listing("event", city="nanjing", title=f"人工智能沙龙{n}", kind="salon")

    group = search_listings(query="人工智能", per_type=5).groups[0]

    assert group.count == 7 and len(group.items) == 5 and group.has_more


def test_type_specific_fields_are_searched_but_confidential_ones_are_not():
    make_listing("fund", city="putuo", title="科创基金", focus="重点投向元宇宙")
    make_listing("challenge", city="putuo", title="某榜单", problem_statement="重点投向元宇宙")

    results = search_listings(query="元宇宙")

    assert [g.listing_type.key for g in results.groups] == ["fund"]


def test_empty_query_returns_nothing():
    make_listing("policy", city="nanjing")

    results = search_listings(query="   ")

    assert results.terms == [] and results.groups == [] and results.total == 0
