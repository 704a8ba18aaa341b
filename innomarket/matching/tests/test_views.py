"""The site search page (/search/): the matching engine's ranked hits, facets, pages and explanations."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.safestring import mark_safe

from innomarket.catalog import LISTING_TYPES
from innomarket.common.tests.factories import field_tag
from innomarket.matching import views
from innomarket.matching.engine.explain import COMPONENT_LABELS, Explanation, components_with_shares
from innomarket.matching.selectors import Hit
from innomarket.matching.services import rebuild_index
from innomarket.site.tests.catalogue_checks import make_listing

pytestmark = pytest.mark.django_db

HIT = '<article class="hit">'


def search(client, headers=None, **params):
    response = client.get("/search/", params, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def hit_titles(body: str) -> list[str]:
    """The hits' titles in rank order, as plain text."""
    titles = re.findall(r'<h3 class="hit-title"><a href="[^"]*">(.*?)</a></h3>', body, re.S)
    return [unescape(re.sub(r"</?mark>", "", t)) for t in titles]


def facet_links(body: str, param: str) -> dict[str, dict]:
    """The chips of one facet row: label (count) → {"params": query parameters, "selected": bool}."""
    row = re.search(rf'<ul class="chips" aria-labelledby="facet-{param}">(.*?)</ul>', body, re.S)
    assert row, f"no {param} facet row"
    out = {}
    for attrs, text in re.findall(r"<li><a ([^>]*)>(.*?)</a></li>", row[1], re.S):
        href = unescape(re.search(r'href="([^"]*)"', attrs)[1])
        label = re.sub(r"<span.*", "", text, flags=re.S).strip()
        out[label] = {
            "params": {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()},
            "selected": 'aria-current="true"' in attrs,
        }
    return out


def test_empty_query_shows_the_form_with_hints(client):
    body = search(client)

    assert 'role="search"' in body and 'id="search-q"' in body and 'name="q"' in body
    assert "搜索提示" in body
    for hint in views.HINTS:
        assert f">{hint}</a>" in body
    assert HIT not in body and "共找到" not in body


def test_a_chinese_query_lists_one_ranked_list_marked_and_escaped(client):
    policy = make_listing("policy", city="nanjing", title="<script>alert(1)</script>人工智能政策")
    achievement = make_listing("achievement", city="wuxi", title="缺陷检测成果", summary="一种人工智能方法")
    make_listing("space", city="wuxi", title="生物医药孵化器")
    rebuild_index()

    body = search(client, q="人工智能")

    assert "“人工智能”共找到 2 条结果" in body
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>人工智能</mark>政策" in body
    assert "一种<mark>人工智能</mark>方法" in body  # the snippet, from the public text
    assert set(hit_titles(body)) == {policy.title, achievement.title}
    assert "生物医药孵化器" not in body
    # One list across types, each hit with its type, city and sample badges and a link to its page.
    assert body.count('<ol class="hits"') == 1 and body.count(HIT) == 2
    assert '<span class="badge badge-type">政策</span>' in body
    assert '<span class="badge badge-type">科技成果</span>' in body
    assert (
        f'href="{policy.get_absolute_url()}"' in body and f'href="{achievement.get_absolute_url()}"' in body
    )
    assert '<span class="badge">无锡</span>' in body
    assert body.count('<span class="badge badge-sample">示例</span>') == 2


def test_the_query_is_escaped_wherever_it_is_echoed(client):
    make_listing("policy", city="nanjing", title="人工智能政策")
    rebuild_index()

    body = search(client, q="人工智能<script>x()</script>")

    assert "<script>x()</script>" not in body
    assert "人工智能&lt;script&gt;x()&lt;/script&gt;" in body  # the box and the count line


def test_facets_count_and_restrict(client):
    ai = field_tag("ai")
    make_listing("policy", city="nanjing", title="南京集成电路政策").fields.add(ai)
    make_listing("policy", city="wuxi", title="无锡集成电路政策")
    make_listing("achievement", city="nanjing", title="集成电路封装成果").fields.add(ai)
    rebuild_index()

    body = search(client, q="集成电路")
    assert body.count(HIT) == 3
    types, cities, fields = (facet_links(body, p) for p in ("type", "city", "field"))
    assert set(types) == {"政策（2）", "科技成果（1）"}
    assert set(cities) == {"南京（2）", "无锡（1）"}
    assert set(fields) == {"人工智能（2）"}
    assert types["政策（2）"] == {"params": {"q": "集成电路", "type": "policy"}, "selected": False}

    body = search(client, q="集成电路", type="policy")
    assert sorted(hit_titles(body)) == ["南京集成电路政策", "无锡集成电路政策"]
    assert "“集成电路”共找到 2 条结果" in body
    types, cities = facet_links(body, "type"), facet_links(body, "city")
    # The type facet still counts the other type, and the selected one links to its removal.
    assert types["科技成果（1）"] == {"params": {"q": "集成电路", "type": "achievement"}, "selected": False}
    assert types["政策（2）"] == {"params": {"q": "集成电路"}, "selected": True}
    # Other facets count under the restriction and keep it in their links.
    assert set(cities) == {"南京（1）", "无锡（1）"}
    assert cities["无锡（1）"]["params"] == {"q": "集成电路", "type": "policy", "city": "wuxi"}

    body = search(client, q="集成电路", type="policy", city="nanjing", field="ai")
    assert hit_titles(body) == ["南京集成电路政策"]
    assert facet_links(body, "field")["人工智能（1）"] == {
        "params": {"q": "集成电路", "type": "policy", "city": "nanjing"},
        "selected": True,
    }
    assert '<input type="hidden" name="field" value="ai">' in body  # a new query keeps the field


def test_a_selected_facet_without_matches_can_still_be_removed(client):
    make_listing("policy", city="nanjing", title="集成电路政策")
    rebuild_index()

    body = search(client, q="集成电路", city="wuxi")

    assert HIT not in body and "没有找到匹配的公开信息" in body
    assert facet_links(body, "city")["无锡（0）"] == {"params": {"q": "集成电路"}, "selected": True}
    assert 'aria-labelledby="facet-type"' not in body  # types are counted within the city
    assert 'href="/search/?q=%E9%9B%86%E6%88%90%E7%94%B5%E8%B7%AF"' in body  # search without limits


def test_pages_keep_the_search_and_do_not_overlap(client, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    titles = {
        make_listing("event", city="nanjing", title=f"低空经济沙龙第{n}场", kind="salon").title
        for n in range(5)
    }
    make_listing("event", city="wuxi", title="低空经济沙龙无锡场", kind="salon")
    rebuild_index()

    pages = [search(client, q="低空经济", city="nanjing", page=str(n)) for n in (1, 2, 3)]

    seen = [hit_titles(body) for body in pages]
    assert [len(s) for s in seen] == [2, 2, 1]
    assert sorted(t for s in seen for t in s) == sorted(titles)
    assert all("“低空经济”共找到 5 条结果" in body for body in pages)
    assert "第 2/3 页" in pages[1]
    assert (
        'href="/search/?q=%E4%BD%8E%E7%A9%BA%E7%BB%8F%E6%B5%8E&amp;city=nanjing&amp;page=2" rel="next"'
        in pages[0]
    )
    assert 'rel="prev"' not in pages[0]
    assert 'href="/search/?q=%E4%BD%8E%E7%A9%BA%E7%BB%8F%E6%B5%8E&amp;city=nanjing" rel="prev"' in pages[1]
    assert 'city=nanjing&amp;page=3" rel="next"' in pages[1]
    assert 'city=nanjing&amp;page=2" rel="prev"' in pages[2] and 'rel="next"' not in pages[2]
    assert '<ol class="hits" start="5"' in pages[2]
    # Bad page numbers fall back to the first page; one past the end says so and links back.
    for bad in ("abc", "0", "-3", ""):
        assert hit_titles(search(client, q="低空经济", city="nanjing", page=bad)) == seen[0]
    beyond = search(client, q="低空经济", city="nanjing", page="99999999999999999999")
    assert HIT not in beyond and "这一页没有结果" in beyond and "共找到 5 条结果" in beyond


def test_unknown_city_type_or_field_is_reported_and_ignored(client):
    make_listing("policy", city="nanjing", title="人工智能政策")
    rebuild_index()

    body = search(client, q="人工智能", city="atlantis", type="spaceship", field="<b>no-such-field</b>")

    assert "没有找到城市“atlantis”" in body
    assert "没有“spaceship”这类信息" in body
    assert "没有找到领域“&lt;b&gt;no-such-field&lt;/b&gt;”" in body
    assert hit_titles(body) == ["人工智能政策"]
    long = search(client, q="人工智能", city="x" * 300)
    assert "没有找到城市“" + "x" * 40 + "”" in long  # the notice cuts the bad value short


def test_every_hit_explains_its_match_on_demand_with_reasons_a_user_can_check(client):
    make_listing("policy", city="nanjing", title="人工智能产业发展政策", summary="支持人工智能企业")
    make_listing("policy", city="nanjing", title="集成电路政策")
    rebuild_index()

    body = search(client, q="人工智能 政策")
    # 集成电路政策 shares only the generic word 政策: below the relevance cut, not listed.
    assert hit_titles(body) == ["人工智能产业发展政策"]

    why = re.search(r'<details class="why">(.*?)</details>', body, re.S)
    assert why, "no explanation"
    text = why[1]
    assert "<summary>匹配原因</summary>" in text
    assert re.search(r"<dt>匹配关键词</dt>\s*<dd>.*<mark>人工智能</mark>.*</dd>", text)
    # No raw similarity percentage, no score bars, no red 减分 tags.
    assert "语义相似度" not in text and "why-share" not in text and "减分" not in text


def test_the_explanation_partial_shows_words_fields_and_city_only():
    """_explanation.html: matched and partial words, shared fields, the city relation — no scores."""
    record = make_listing("expert", city="wuxi", title="集成电路专家")
    parts = dict.fromkeys(COMPONENT_LABELS, 1.0)
    hit = Hit(
        listing_type=LISTING_TYPES["expert"],
        obj=record,
        score=1.0,
        explanation=Explanation(
            matched_terms=("集成电路",),
            partial_terms=("封装测",),
            semantic_similarity=0.913,
            shared_fields=("ic", "ai"),
            city="wuxi",
            city_relation="neighbouring",
            components=components_with_shares(parts),
        ),
        title_html=mark_safe("<mark>集成电路</mark>专家"),
        snippet_html=mark_safe(""),
        shared_fields=(field_tag("ic"), field_tag("ai")),
    )

    html = render_to_string("matching/_hit.html", {"hit": hit, "why_label": "为什么推荐"})

    assert "<summary>为什么推荐</summary>" in html
    assert '<mark class="mark-partial">封装测</mark>' in html
    assert "集成电路、人工智能" in html
    assert "无锡（邻近城市）" in html
    assert "91%" not in html and "why-share" not in html
    with translation.override("en"):
        english = render_to_string("matching/_explanation.html", {"hit": hit})
    assert "Matched keywords" in english and "无锡" in english  # data stays as published

    bare = Hit(
        listing_type=LISTING_TYPES["expert"],
        obj=record,
        score=1.0,
        explanation=Explanation(semantic_similarity=0.9),
        title_html=mark_safe("集成电路专家"),
        snippet_html=mark_safe(""),
    )
    assert "意思相近" in render_to_string("matching/_hit.html", {"hit": bare})


def test_unpublished_records_and_confidential_text_are_never_found(client):
    make_listing("policy", city="nanjing", title="量子计算扶持政策草案", status="draft")
    make_listing(
        "challenge",
        city="nanjing",
        title="产线升级技术需求",
        summary="寻求工艺改进合作",
        problem_statement="钛合金薄壁件激光焊接出现热裂纹",
        indicators="焊缝强度达到母材百分之九十五",
    )
    rebuild_index()

    assert "共找到 0 条结果" in search(client, q="量子计算")
    assert "共找到 0 条结果" in search(client, q="钛合金薄壁件激光焊接热裂纹")
    found = search(client, q="产线升级")
    assert hit_titles(found) == ["产线升级技术需求"]
    assert "钛合金" not in found and "母材" not in found


def test_search_query_count_is_bounded(client, django_assert_max_num_queries):
    types = ["policy", "achievement", "space", "event", "expert", "organisation"]

    def add_records(start: int) -> None:
        for n, key in enumerate(types * 3, start=start):
            make_listing(key, city="nanjing", title=f"人工智能示范记录{n}").fields.add(field_tag("ai"))
        rebuild_index()
        search(client, q="人工智能")  # the index catches up on first use

    def queries_of_one_search(at_least: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            body = search(client, q="人工智能", city="nanjing", field="ai")
        assert body.count(HIT) >= at_least
        return len(captured)

    add_records(0)
    with django_assert_max_num_queries(25):
        search(client, q="人工智能", city="nanjing", field="ai")
    few = queries_of_one_search(12)
    add_records(100)
    assert queries_of_one_search(18) <= few  # per listing type on the page, not per record


def test_search_page_in_english(client):
    make_listing("policy", city="nanjing", title="人工智能产业政策")
    make_listing("policy", city="wuxi", title="人工智能人才政策")
    rebuild_index()

    body = search(client, headers={"accept-language": "en"}, q="人工智能")

    assert "2 results for “人工智能”" in body
    assert "Policies (2)" in body and "南京 (1)" in body  # place names stay as published
    assert "<summary>Why this matches</summary>" in body and "Matched keywords" in body
    assert "共找到" not in body and "匹配原因" not in body and "匹配关键词" not in body
