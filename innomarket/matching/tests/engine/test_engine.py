import pytest

from innomarket.matching.engine import (
    BoostWeights,
    Document,
    EngineConfig,
    Filters,
    FusionWeights,
    MatchingEngine,
    Query,
    highlight,
)

from .conftest import TAXONOMY

DOCS = [
    Document(
        "pulse",
        "脉搏波无创血压检测装置",
        "基于脉搏波传导时间的连续血压监测",
        "achievement",
        ("高端医疗器械",),
        "suzhou",
    ),
    Document(
        "ic", "集成电路先进封装技术", "面向人工智能芯片的2.5D封装与测试", "achievement", ("集成电路",), "wuxi"
    ),
    Document(
        "ev",
        "智能网联汽车车路协同平台",
        "5G通信与边缘计算支持的自动驾驶测试",
        "challenge",
        ("智能网联汽车",),
        "shanghai-putuo",
    ),
    Document(
        "drug",
        "中药提取物抗肿瘤活性研究",
        "黄酮类化合物对肿瘤细胞增殖的抑制作用",
        "achievement",
        ("生物医药",),
        "nanjing",
    ),
    Document(
        "oil",
        "渤海蓬莱9－1油田储层特征",
        "花岗岩潜山油气藏的储层发育与主控因素",
        "achievement",
        (),
        "taizhou",
    ),
]


@pytest.fixture
def lexical_engine():
    engine = MatchingEngine(domain_terms=TAXONOMY)
    engine.add_many(DOCS)
    return engine


@pytest.fixture(scope="module")
def dense_engine(embedder):
    engine = MatchingEngine(domain_terms=TAXONOMY, embedder=embedder)
    engine.add_many(DOCS)
    return engine


def test_exact_match_ranks_first(lexical_engine):
    assert lexical_engine.search("集成电路封装", 3)[0].id == "ic"


def test_full_width_and_traditional_queries_match(lexical_engine):
    assert lexical_engine.search("蓬莱9-1油田", 1)[0].id == "oil"
    assert lexical_engine.search("脈搏波檢測", 1)[0].id == "pulse"


def test_removed_record_is_not_found(lexical_engine):
    assert lexical_engine.remove("pulse")
    assert all(r.id != "pulse" for r in lexical_engine.search("脉搏波 血压", 5))
    assert "pulse" not in lexical_engine


def test_update_replaces_the_old_text(lexical_engine):
    lexical_engine.update(Document("oil", "海上风电运维机器人", "", "achievement"))
    assert all(r.id != "oil" for r in lexical_engine.search("蓬莱油田", 5))
    assert lexical_engine.search("风电运维", 1)[0].id == "oil"


def test_explanation_lists_matched_terms_and_escapes_highlights(lexical_engine):
    result = lexical_engine.search("脉搏波 血压监测", 1)[0]
    assert result.id == "pulse"
    assert "脉搏波" in result.explanation.matched_terms
    assert "血压监测" in result.explanation.all_terms  # 血压 + 监测, shown as one piece
    html = result.explanation.highlight("<script>脉搏波</script>")
    assert html == "&lt;script&gt;<mark>脉搏波</mark>&lt;/script&gt;"


def test_partial_terms_come_from_bigrams(lexical_engine):
    result = lexical_engine.search("连续血压监控", 1)[0]
    assert result.id == "pulse"
    assert "连续血压监" in result.explanation.partial_terms  # 监测 is not 监控
    assert "血压" not in result.explanation.matched_terms  # inside the piece already


def test_a_piece_made_of_words_the_record_has_is_a_match_not_a_partial_one(lexical_engine):
    # 血压检测 (血压 + 检测, all its bigrams too) stands in the record as written; 仪 does not.
    result = lexical_engine.search("血压检测仪", 1)[0]
    assert result.id == "pulse"
    assert "血压检测" in result.explanation.matched_terms
    assert "血压检测" not in result.explanation.partial_terms
    # The segmenter splits 脉搏波 into 脉搏 + 波: shown whole, not as 部分匹配.
    result = lexical_engine.search("脉搏波 血压", 1)[0]
    assert result.explanation.matched_terms == ("脉搏波", "血压")
    assert result.explanation.partial_terms == ()


def test_highlight_maps_normalised_matches_onto_original_text():
    assert highlight("蓬莱９－１油田 & co", ["9-1"]) == "蓬莱<mark>９－１</mark>油田 &amp; co"


def test_filters_restrict_type_city_and_field(lexical_engine):
    assert [r.id for r in lexical_engine.search("测试", 5, Filters(types=frozenset({"challenge"})))] == ["ev"]
    assert [r.id for r in lexical_engine.search("测试", 5, Filters(cities=frozenset({"wuxi"})))] == ["ic"]
    assert lexical_engine.search("测试", 5, Filters(fields=frozenset({"生物医药"}))) == []


def test_boosts_appear_with_their_share():
    config = EngineConfig(
        boosts=BoostWeights(
            same_field=1.0, same_city=0.5, neighbouring_city=0.25, neighbours={"suzhou": frozenset({"wuxi"})}
        )
    )
    engine = MatchingEngine(domain_terms=TAXONOMY, config=config)
    engine.add_many(DOCS)
    engine.update(
        Document(
            "ic", DOCS[1].title, DOCS[1].text, "achievement", ("集成电路",), "wuxi", completed_cooperations=3
        )
    )
    query = Query("芯片 封装 测试", fields=("集成电路",), city="suzhou")
    result = engine.search(query, 1)[0]
    expl = result.explanation
    assert result.id == "ic"
    assert {b.name for b in expl.boosts} == {"same_field", "neighbouring_city", "track_record"}
    assert expl.shared_fields == ("集成电路",) and expl.city_relation == "neighbouring"
    assert expl.share("same_field") > expl.share("neighbouring_city") > 0
    assert sum(c.share for c in expl.components) == pytest.approx(1.0)
    assert result.score == pytest.approx(sum(c.value for c in expl.components), rel=1e-5)


def test_boost_changes_the_order():
    base = MatchingEngine(domain_terms=TAXONOMY)
    docs = [
        Document("a", "工业机器人视觉检测", city="nanjing"),
        Document("b", "工业机器人视觉检测系统", city="wuxi"),
    ]
    base.add_many(docs)
    boosted = MatchingEngine(domain_terms=TAXONOMY, config=EngineConfig(boosts=BoostWeights(same_city=5.0)))
    boosted.add_many(docs)
    order = [
        r.id
        for r in base.search(Query("工业机器人视觉检测", city="wuxi"), 2, weights=FusionWeights(bigrams=0))
    ]
    boosted_order = [r.id for r in boosted.search(Query("工业机器人视觉检测", city="wuxi"), 2)]
    assert order[0] == "a" and boosted_order[0] == "b"


def test_fusion_weights_change_the_order(dense_engine, embedder):
    # Given a record that shares the query's words in an unrelated sense and one that shares its
    # meaning in other words, lexical and dense signals disagree …
    engine = MatchingEngine(domain_terms=TAXONOMY, embedder=embedder)
    engine.add_many(
        DOCS
        + [
            Document("lex", "苹果手机发布会"),
            Document("sem", "水果冷藏保存方法", ""),
        ]
    )
    query = Query("苹果保鲜")
    lexical = engine.search(query, 2, weights=FusionWeights(words=1.0, bigrams=1.0, dense=0.2))
    dense = engine.search(query, 2, weights=FusionWeights(words=0.2, bigrams=0.2, dense=3.0))
    # … so the configured weights decide which comes first.
    assert lexical[0].id == "lex"
    assert dense[0].id == "sem"
    assert dense[0].explanation.semantic_similarity > lexical[0].explanation.semantic_similarity


def test_dense_finds_a_paraphrase(dense_engine):
    result = dense_engine.search("芯片封装", 1)[0]
    assert result.id == "ic"
    assert 0 < result.explanation.semantic_similarity <= 1


def test_save_and_load_round_trip(tmp_path, dense_engine, embedder):
    path = tmp_path / "index.npz"
    dense_engine.save(path)
    loaded = MatchingEngine.load(path, embedder=embedder)
    for q in ["脉搏波", "自动驾驶 5G", "抗肿瘤"]:
        assert [r.id for r in loaded.search(q, 3)] == [r.id for r in dense_engine.search(q, 3)]


def test_compaction_keeps_results(lexical_engine):
    for i in range(100):
        lexical_engine.add(Document(f"tmp{i}", f"临时记录{i}"))
    for i in range(100):
        lexical_engine.remove(f"tmp{i}")
    lexical_engine.compact()
    assert len(lexical_engine) == len(DOCS)
    assert lexical_engine.search("脉搏波", 1)[0].id == "pulse"


def test_min_similarity_keeps_only_relevant_candidates(dense_engine):
    # Without a threshold the dense signal puts every record into the pool …
    assert len(dense_engine.search("脉搏波", 10)) == len(DOCS)
    # … with one, a record stays only if it shares a term or is semantically close enough.
    relevant = dense_engine.search("脉搏波", 10, min_similarity=0.99)
    assert [r.id for r in relevant] == ["pulse"]
    everything = dense_engine.search("脉搏波", 10, min_similarity=-1.0)
    assert len(everything) == len(DOCS)


def test_a_document_without_vectors_is_found_lexically_until_they_arrive(embedder):
    engine = MatchingEngine(domain_terms=TAXONOMY, embedder=embedder)
    engine.add_many(DOCS[1:])
    engine.add_many([DOCS[0]], embed_missing=False)  # vectors still being computed

    assert engine.search("脉搏波", 1)[0].id == "pulse"

    engine.update(DOCS[0])  # the vectors arrive: the record is now reachable by meaning too
    result = engine.search("脉搏波", 1)[0]
    assert result.id == "pulse" and result.explanation.semantic_similarity > 0.5


# -- per-viewer preferences: "accepts your vouchers", "your tier qualifies" -------------------------

SERVICES = [
    # Near twins, so that a boost decides their order.
    Document("lab-a", "材料检测实验室", "金属材料力学性能检测服务", "instrument", ("新材料",), "suzhou"),
    Document(
        "lab-b", "材料检测实验室", "金属材料力学性能检测服务，失效分析", "instrument", ("新材料",), "nanjing"
    ),
    Document("loan-a", "科技贷", "面向科技型企业的信用贷款", "product", ("金融科技",), "nanjing"),
    Document("loan-b", "科技贷", "面向科技型企业的信用贷款，线上申请", "product", ("金融科技",), "wuxi"),
]


@pytest.fixture
def service_engine():
    # Two candidates are z-scored ±1 per signal, so the boosts here are large enough to decide; the
    # default amounts are relative to a real candidate pool.
    boosts = BoostWeights(your_vouchers=5.0, tier_qualifies=5.0)
    engine = MatchingEngine(domain_terms=TAXONOMY, config=EngineConfig(boosts=boosts))
    engine.add_many(SERVICES)
    return engine


def _order(results):
    return [r.id for r in results]


def test_only_ids_restricts_to_the_listed_documents(service_engine):
    everything = _order(service_engine.search("材料检测", k=10))
    assert set(everything) == {"lab-a", "lab-b"}
    only = service_engine.search("材料检测", k=10, filters=Filters(only_ids=frozenset({"lab-b", "unknown"})))
    assert _order(only) == ["lab-b"]
    assert service_engine.search("材料检测", k=10, filters=Filters(only_ids=frozenset())) == []


@pytest.mark.parametrize(
    ("field", "query"), [("your_vouchers", "材料检测"), ("tier_qualifies", "科技型企业信用贷款")]
)
def test_a_preferred_document_is_boosted_and_the_boost_is_explained(service_engine, field, query):
    plain = service_engine.search(Query(text=query), k=2)
    assert len(plain) == 2
    # Prefer the one ranked second without the boost: it must now come first, with the boost explained.
    target, other = plain[1].id, plain[0].id
    boosted = service_engine.search(Query(text=query, **{field: frozenset({target})}), k=2)
    assert _order(boosted)[0] == target
    names = {c.name for c in boosted[0].explanation.components}
    assert field in names
    assert field not in {c.name for c in boosted[1].explanation.components}
    assert other in _order(boosted)


def test_preference_boosts_can_be_switched_off():
    engine = MatchingEngine(
        domain_terms=TAXONOMY, config=EngineConfig(boosts=BoostWeights(your_vouchers=0.0, tier_qualifies=0.0))
    )
    engine.add_many(SERVICES)
    plain = _order(engine.search("材料检测", k=2))
    flipped = engine.search(Query(text="材料检测", your_vouchers=frozenset({plain[1]})), k=2)
    assert _order(flipped) == plain
    assert all("your_vouchers" not in {c.name for c in r.explanation.components} for r in flipped)
