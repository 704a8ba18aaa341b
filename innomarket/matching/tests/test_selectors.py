"""Site-wide search through the engine: relevance, facets, pagination, what is never found."""

import pytest

from innomarket.common.tests.factories import city, field_tag
from innomarket.matching import services
from innomarket.matching.selectors import search_listings, snippet
from innomarket.site.tests.catalogue_checks import make_listing, unpublished_statuses

pytestmark = pytest.mark.django_db


def keys(results) -> list[str]:
    return [f"{h.listing_type.key}:{h.obj.pk}" for h in results.hits]


def test_finds_every_type_by_a_chinese_word_best_match_first():
    policy = make_listing("policy", city="nanjing", title="南京市促进人工智能产业发展若干政策")
    achievement = make_listing("achievement", city="wuxi", title="人工智能", summary="人工智能缺陷检测")
    make_listing("space", city="wuxi", title="生物医药孵化器")
    services.rebuild_index()

    results = search_listings(query="人工智能")

    assert keys(results)[0] == f"achievement:{achievement.pk}"  # title is exactly the query
    assert set(keys(results)) == {f"achievement:{achievement.pk}", f"policy:{policy.pk}"}
    assert results.total == 2
    assert [(f.value, f.count) for f in results.type_facets] == [("policy", 1), ("achievement", 1)]


def test_full_width_and_traditional_queries_find_simplified_text():
    record = make_listing("achievement", city="nanjing", title="集成电路先进封装", summary="2.5D 封装")
    services.rebuild_index()

    assert keys(search_listings(query="集成電路")) == [f"achievement:{record.pk}"]
    assert keys(search_listings(query="２．５Ｄ 封装")) == [f"achievement:{record.pk}"]


def test_facets_count_under_the_other_restrictions():
    ic = field_tag("ic")
    a = make_listing("policy", city="nanjing", title="集成电路政策")
    make_listing("policy", city="wuxi", title="无锡集成电路政策")
    c = make_listing("achievement", city="nanjing", title="集成电路封装成果")
    c.fields.add(ic)
    services.rebuild_index()

    policies = search_listings(query="集成电路", type_key="policy")
    nanjing = search_listings(query="集成电路", city=city("nanjing"))
    in_ic = search_listings(query="集成电路", field_tag=ic)

    assert policies.total == 2 and {h.listing_type.key for h in policies.hits} == {"policy"}
    assert {f.value: f.count for f in policies.type_facets} == {"policy": 2, "achievement": 1}
    assert {f.value: f.count for f in policies.city_facets} == {"nanjing": 1, "wuxi": 1}
    assert sorted(keys(nanjing)) == sorted([f"policy:{a.pk}", f"achievement:{c.pk}"])
    assert keys(in_ic) == [f"achievement:{c.pk}"]
    assert [(f.value, f.count, f.selected) for f in in_ic.field_facets] == [("ic", 1, True)]


def test_pagination():
    for n in range(7):
        make_listing("event", city="nanjing", title=f"人工智能沙龙第{n}期", kind="salon")
    services.rebuild_index()

    first = search_listings(query="人工智能沙龙", per_page=5)
    second = search_listings(query="人工智能沙龙", per_page=5, page=2)

    assert first.total == 7 and len(first.hits) == 5 and first.has_next and not first.has_previous
    assert len(second.hits) == 2 and not second.has_next and second.has_previous
    assert not set(keys(first)) & set(keys(second))


def test_unpublished_records_are_never_found():
    for status in unpublished_statuses("challenge"):
        make_listing("challenge", city="nanjing", title=f"人工智能榜单{status}", status=status)
    make_listing("organisation", city="nanjing", title="人工智能草稿机构", status="draft")
    services.rebuild_index()

    assert search_listings(query="人工智能").total == 0


def test_an_unrelated_query_finds_nothing_although_the_dense_signal_scores_everything():
    make_listing("achievement", city="nanjing", title="中药提取物抗肿瘤活性研究")
    services.rebuild_index()

    assert search_listings(query="量子计算").total == 0


def test_a_word_the_record_does_not_use_finds_it_through_the_dictionary_and_junk_is_cut():
    record = make_listing("achievement", city="nanjing", title="中药提取物抗肿瘤活性研究")
    make_listing("achievement", city="nanjing", title="钙钛矿太阳能电池效率提升")
    services.rebuild_index()

    results = search_listings(query="抗癌")  # 抗癌 | 抗肿瘤 in the maintained dictionary

    assert keys(results) == [f"achievement:{record.pk}"]
    assert results.hits[0].explanation.matched_terms == ("抗肿瘤",)
    # Meaning alone, with nothing in common: below the relevance cut, not listed.
    assert search_listings(query="光刻胶").total == 0


def test_empty_query_returns_nothing():
    make_listing("policy", city="nanjing")
    services.rebuild_index()

    results = search_listings(query="   ")

    assert results.query == "" and results.hits == [] and results.total == 0


def test_snippet_escapes_and_marks_around_the_first_match():
    html = snippet("前言" * 80 + "<b>脉搏波</b>监测", ["脉搏波"])

    assert html.startswith("…") and "&lt;b&gt;<mark>脉搏波</mark>&lt;/b&gt;" in html
