"""Calibrated relevance, suppliers instead of records, and learning from outcomes (no database)."""

import numpy as np
import pytest

from innomarket.matching.engine import Document, Filters, MatchingEngine, Query
from innomarket.matching.engine.feedback import OUTCOME_VALUES, Outcome, OutcomeMemory
from innomarket.matching.engine.relevance import (
    FEATURES,
    LEXICAL_FEATURES,
    RecordRelevance,
    RelevanceModel,
    calibration_table,
    fit_logistic,
    shipped_model,
    sigmoid,
)
from innomarket.matching.engine.suppliers import SUPPLIER_FEATURES, Evidence, SupplierRecommender


def test_fit_logistic_recovers_a_known_model_and_is_calibrated():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(20000, 2))
    p = sigmoid(-0.5 + 2.0 * X[:, 0] - 1.0 * X[:, 1])
    y = (rng.random(len(p)) < p).astype(float)

    w, b, mean, scale = fit_logistic(X, y)

    raw = w / scale  # back on the original scale
    assert raw == pytest.approx([2.0, -1.0], abs=0.1)
    model = RelevanceModel(("a", "b"), tuple(w), b, tuple(mean), tuple(scale))
    fitted = model.probability({"a": X[:, 0], "b": X[:, 1]})
    for predicted, observed, n in calibration_table(fitted, y):
        if n > 500:
            assert abs(predicted - observed) < 0.05


def test_a_model_survives_its_json_form():
    model = RelevanceModel(("a",), (1.5,), -0.2, (0.1,), (2.0,), thresholds={"show": 0.5}, note="x")
    again = RelevanceModel.from_dict(model.to_dict())
    assert again == model and again.threshold("show") == 0.5


def test_the_shipped_models_match_the_features_the_engine_computes():
    record, supplier = shipped_model("record"), shipped_model("supplier")
    lexical = shipped_model("record_lexical")
    assert record is not None and supplier is not None and lexical is not None
    assert record.features == FEATURES and "search" in record.thresholds
    assert lexical.features == LEXICAL_FEATURES and "search" in lexical.thresholds
    assert supplier.features == SUPPLIER_FEATURES
    # Inviting needs at least the certainty of showing.
    assert 0 < supplier.threshold("show") <= supplier.threshold("invite") < 1
    assert record.note and supplier.note


def test_outcomes_weigh_by_how_similar_the_needs_were():
    a = np.array([1.0, 0.0], dtype=np.float32)
    near = np.array([0.95, np.sqrt(1 - 0.95**2)], dtype=np.float32)
    far = np.array([0.5, np.sqrt(0.75)], dtype=np.float32)
    memory = OutcomeMemory(
        [
            Outcome(a, "team-1", OUTCOME_VALUES["declined_not_fit"], frozenset({"药学"})),
            Outcome(a, "team-2", OUTCOME_VALUES["awarded"], frozenset({"材料"})),
            Outcome(a, "organisation:9", OUTCOME_VALUES["shortlisted"]),
            Outcome(a, "team-3", OUTCOME_VALUES["declined_other"], frozenset({"材料"})),
        ],
        floor=0.86,
    )
    assert len(memory) == 3  # an answer that says nothing about fit is not kept

    same = memory.feedback(a, ["team-1", "team-2", "team-4"], [None, None, "organisation:9"])
    assert same[0] == pytest.approx(-1.0) and same[1] == pytest.approx(1.0)
    assert same[2] == pytest.approx(0.8)  # the organisation answered for its teams
    close = memory.feedback(near, ["team-1"])[0]
    assert -1.0 < close < 0  # weaker, same direction
    assert memory.feedback(far, ["team-1", "team-2"]).tolist() == [0.0, 0.0]
    # Of the three answers to this very need, one 材料 group's was an award, one 药学 group declined.
    fields = memory.field_feedback(a, [frozenset({"材料"}), frozenset({"药学", "化学"}), frozenset({"法学"})])
    assert fields.tolist() == pytest.approx([1 / 3, -1 / 3, 0.0], abs=1e-4)
    # Answers to unlike needs say next to nothing.
    assert abs(memory.field_feedback(far, [frozenset({"材料"})])[0]) < 1e-3


@pytest.fixture(scope="module")
def supply(embedder):
    """Three groups at three organisations: batteries, pharmaceutics, and one more battery group."""
    groups = {
        "battery": (
            "org-a",
            "电气工程",
            ["锂离子电池热失控早期预警方法", "动力电池包热管理系统设计", "电池管理系统的荷电状态估计"],
        ),
        "drug": (
            "org-b",
            "药学",
            ["中药复方有效成分含量测定", "抗肿瘤药物的药代动力学研究", "缓释片的体外溶出度评价"],
        ),
        "battery2": ("org-c", "电气工程", ["储能电池簇的均衡控制策略", "电池健康状态在线估计"]),
        "own": ("org-owner", "电气工程", ["电池热管理的相变材料"]),
    }
    docs, evidence = [], {}
    for team, (org, discipline, titles) in groups.items():
        for i, title in enumerate(titles):
            doc_id = f"{team}-{i}"
            docs.append(Document(doc_id, title, "", "achievement"))
            evidence[doc_id] = Evidence(team, org, frozenset([discipline]))
    engine = MatchingEngine(embedder=embedder)
    engine.add_many(docs)
    return engine, evidence


def test_suppliers_are_ranked_one_per_organisation_with_their_evidence(supply):
    engine, evidence = supply
    model = shipped_model("supplier")
    recommender = SupplierRecommender(engine, model)

    scored, _top = recommender.score(Query(text="动力电池热失控预警"), evidence)
    rec = recommender.recommend(
        Query(text="动力电池热失控预警"),
        evidence,
        k=5,
        threshold=0.0,
        exclude_organisations=frozenset({"org-owner"}),
    )

    by_team = {m.supplier: m for m in scored}
    assert by_team["battery"].probability > by_team["drug"].probability
    assert by_team["battery"].records[0] == "battery-0"  # its best evidence first
    assert set(SUPPLIER_FEATURES) == set(by_team["battery"].features)
    orgs = [m.organisation for m in rec.matches]
    assert len(orgs) == len(set(orgs)) and "org-owner" not in orgs
    assert [m.probability for m in rec.matches] == sorted((m.probability for m in rec.matches), reverse=True)


def test_nothing_is_recommended_below_the_threshold(supply):
    engine, evidence = supply
    recommender = SupplierRecommender(engine, shipped_model("supplier"))
    rec = recommender.recommend(Query(text="动力电池热失控预警"), evidence, k=5, threshold=1.01)
    assert rec.abstained and rec.matches == [] and rec.considered > 0


def test_declines_as_not_our_field_push_a_supplier_down_for_similar_needs(supply):
    engine, evidence = supply
    model = shipped_model("supplier")
    need = Query(text="储能电池均衡控制")
    before = {m.supplier: m.probability for m in SupplierRecommender(engine, model).score(need, evidence)[0]}
    vector = engine.embed_query("储能电池簇均衡")
    memory = OutcomeMemory(
        [Outcome(vector, "battery2", OUTCOME_VALUES["declined_not_fit"], frozenset(["电气工程"]))] * 3
    )
    after = {
        m.supplier: m.probability
        for m in SupplierRecommender(engine, model, memory=memory).score(
            Query(text="储能电池均衡控制"), evidence
        )[0]
    }
    assert after["battery2"] < before["battery2"]


def test_candidates_carry_the_relevance_features(supply):
    engine, _evidence = supply
    cands = engine.candidates(Query(text="电池热管理"), Filters(exclude_ids=frozenset({"own-0"})), pool=5)
    assert len(cands.ids) == 5 and "own-0" not in cands.ids
    assert set(FEATURES) <= set(cands.features)
    assert all(len(v) == 5 for v in cands.features.values())
    assert 0.5 < cands.dense_top <= 1.0 and cands.dense_std > 0


def test_a_record_passes_on_its_words_or_on_words_and_meaning_on_one_scale():
    full = RelevanceModel(("word_cov", "dense_z"), (1.0, 1.0), 0.0, (0.0, 0.0), (1.0, 1.0), {"search": 0.5})
    lexical = RelevanceModel(
        ("word_cov",), (2.0,), -1.0, (0.0,), (1.0,), {"search": sigmoid(np.array(0.0)).item()}
    )
    cut = RecordRelevance(full, lexical)
    feats = {
        "word_cov": np.array([0.5, 0.5, 0.0]),
        "dense_z": np.array([0.0, 0.0, 3.0]),
        "has_dense": np.array([1, 0, 1]),
    }
    p = cut.probability(feats)
    # Words and meaning: the better of the full model and the words-only one.
    assert p[0] == pytest.approx(max(sigmoid(np.array(0.5)).item(), sigmoid(np.array(0.0)).item()))
    # Words only: the lexical model, moved so that its own threshold falls on the full one's.
    assert p[1] == pytest.approx(sigmoid(np.array(2.0 * 0.5 - 1.0)).item())
    assert cut.threshold("search") == 0.5


def test_isotonic_recalibration_makes_an_overconfident_model_say_what_it_means():
    from innomarket.matching.engine.relevance import isotonic_knots

    rng = np.random.default_rng(5)
    raw = rng.random(40000)
    truth = raw**2  # the model says p, reality is p²: overconfident everywhere
    y = (rng.random(len(raw)) < truth).astype(float)
    knots = isotonic_knots(raw, y)
    xs = [k[0] for k in knots]
    ys = [k[1] for k in knots]
    assert xs == sorted(xs) and ys == sorted(ys) and (xs[0], xs[-1]) == (0.0, 1.0)
    assert 0.0 < ys[0] < 0.01 and 0.9 < ys[-1] < 1.0  # never a promise of 0 % or 100 %
    model = RelevanceModel(("a",), (1.0,), 0.0, (0.0,), (1.0,), recalibration=knots)
    for p in (0.3, 0.6, 0.9):
        a = np.log(p / (1 - p))
        assert model.probability({"a": np.array([a])})[0] == pytest.approx(p**2, abs=0.04)
    assert RelevanceModel.from_dict(model.to_dict()) == model


def test_a_small_all_relevant_top_bin_does_not_promise_certainty_and_order_survives():
    from innomarket.matching.engine.relevance import isotonic_knots

    rng = np.random.default_rng(7)
    raw = np.concatenate([rng.random(5000) * 0.9, 0.95 + rng.random(12) * 0.05])
    y = np.concatenate([(rng.random(5000) < raw[:5000]).astype(float), np.ones(12)])
    model = RelevanceModel(("a",), (1.0,), 0.0, (0.0,), (1.0,), recalibration=isotonic_knots(raw, y))
    top = model.probability({"a": np.log(np.array([0.97, 0.98]) / np.array([0.03, 0.02]))})
    assert top[1] < 0.97  # twelve lucky rows are no certainty
    assert top[0] < top[1]  # and the model's order is kept inside a flat isotonic step
