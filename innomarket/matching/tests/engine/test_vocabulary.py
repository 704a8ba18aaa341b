"""Domain vocabulary: synonyms and abbreviations, request framing, whole Latin words, and which
matched words an explanation may show."""

import pytest

from innomarket.matching.engine import Document, MatchingEngine, Query, highlight, normalize
from innomarket.matching.engine.explain import find_spans
from innomarket.matching.engine.vocabulary import Vocabulary, parse_groups, whole_word_pattern

from .conftest import TAXONOMY


@pytest.fixture(scope="module")
def vocab():
    return Vocabulary.default()


@pytest.mark.parametrize(
    "abbreviation, expansion",
    [
        ("AI", "人工智能"),
        ("CRO", "合同研究组织"),
        ("EDA", "电子设计自动化"),
        ("光刻胶", "光致抗蚀剂"),
        ("SOH", "健康状态"),
        ("MCU", "微控制器"),
        ("BMS", "电池管理系统"),
    ],
)
def test_the_maintained_dictionary_expands_the_abbreviations_users_type(vocab, abbreviation, expansion):
    [found] = vocab.expansions(normalize(abbreviation))
    assert expansion in (found.preferred, *found.others)


def test_a_latin_member_is_matched_as_a_whole_word_only(vocab):
    assert vocab.expansions(normalize("Talairach坐标")) == []
    assert vocab.expansions(normalize("mail服务")) == []  # "ai" inside "mail"
    assert [e.found for e in vocab.expansions(normalize("面向AI质检"))] == ["ai"]
    assert whole_word_pattern("5g").search("15g") is None
    assert whole_word_pattern("5g").search("5g专网") is not None


def test_request_framing_is_taken_out_of_a_colloquial_need(vocab):
    assert vocab.strip_framing(normalize("想找个能帮我们做产线自动化改造的团队")) == "产线自动化改造"
    assert vocab.strip_framing(normalize("有没有做EDA软件的公司？")) == "eda软件"
    assert vocab.strip_framing(normalize("谁能做晶圆缺陷检测？")) == "晶圆缺陷检测"
    # Framing alone is not stripped to nothing.
    assert vocab.strip_framing(normalize("团队")) == "团队"


@pytest.mark.parametrize("term", ["基于", "研究", "方法", "工艺", "个能", "的", "前", "5", "a"])
def test_explanations_never_show_function_words_generic_words_or_single_characters(vocab, term):
    assert vocab.display_term(term) is None


def test_a_partial_match_is_trimmed_of_particles_but_a_whole_word_is_not(vocab):
    assert vocab.display_term("改造的", partial=True) == "改造"
    assert vocab.display_term("个能", partial=True) is None
    assert vocab.display_term("人工智能") == "人工智能"
    assert vocab.display_term("隔膜") == "隔膜"
    assert vocab.display_term("ai") == "ai"


def test_groups_from_the_back_office_merge_into_the_shipped_ones(vocab):
    more = vocab.with_groups(["AI | 智能算法", "隔膜 | 电池隔膜 | separator"])
    [ai] = more.expansions("ai")
    assert "人工智能" in (ai.preferred, *ai.others) and "智能算法" in ai.others
    assert {e.preferred for e in more.expansions("电池隔膜")} == {"隔膜"}
    assert parse_groups(["只有一个", " | ", "a|a"]) == []


DOCS = [
    Document("ai", "人工智能质检平台", "基于深度学习的产品缺陷识别", "achievement"),
    Document("brain", "Talairach坐标下的脑区定位", "脑成像中的坐标配准方法", "achievement"),
    Document("cro", "合同研究组织服务能力评估", "新药临床前研究外包的质量管理", "achievement"),
    Document("resist", "光致抗蚀剂的感光性能", "一种化学放大型光致抗蚀剂配方", "achievement"),
    Document("line", "汽车零部件产线自动化改造", "焊装产线的机器人自动化改造与节拍提升", "achievement"),
    Document("soft", "通用办公软件的用户体验研究", "办公软件界面设计", "achievement"),
]


@pytest.fixture(scope="module")
def engine():
    engine = MatchingEngine(domain_terms=TAXONOMY)
    engine.add_many(DOCS)
    return engine


@pytest.mark.parametrize(
    "query, expected",
    [("AI", "ai"), ("CRO", "cro"), ("光刻胶", "resist"), ("想找个能帮我们做产线自动化改造的团队", "line")],
)
def test_search_finds_records_through_synonyms_and_without_the_framing(engine, query, expected):
    assert engine.search(query, 1, explain=False)[0].id == expected


def test_ai_does_not_find_talairach(engine):
    ids = [r.id for r in engine.search("AI", 10, explain=False, min_similarity=2.0)]
    assert "brain" not in ids


def test_highlighting_marks_latin_terms_as_whole_words_only():
    assert highlight("Talairach 与 AI", ["ai"]) == "Talairach 与 <mark>AI</mark>"
    assert find_spans("mail ai", ["ai"]) == [(5, 7)]


def test_explanations_show_the_synonym_the_record_contains_and_no_stopwords(engine):
    [top] = engine.search("基于AI的质检", 1)
    assert top.id == "ai"
    shown = top.explanation.matched_terms + top.explanation.partial_terms
    assert "人工智能" in shown
    assert not any(len(t) < 2 or t in {"基于", "的"} for t in shown)


def test_relevance_features_count_a_word_no_record_has_as_the_rarest(engine):
    # "EDA" is in no record: records that only share 软件 cover a small share of the need.
    cands = engine.candidates(Query(text="EDA软件"), pool=10)
    soft = cands.ids.index("soft")
    assert 0 < cands.features["word_cov"][soft] < 0.5
    cands = engine.candidates(Query(text="办公软件"), pool=10)
    assert cands.features["word_cov"][cands.ids.index("soft")] == pytest.approx(1.0)
