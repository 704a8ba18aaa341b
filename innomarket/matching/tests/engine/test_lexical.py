import numpy as np

from innomarket.matching.engine import BM25Index


def _index(docs):
    index = BM25Index()
    for slot, tokens in enumerate(docs):
        index.add(slot, tokens)
    return index


def test_exact_match_ranks_first():
    index = _index([["集成", "电路", "封装"], ["集成电路", "集成", "电路", "设计"], ["生物", "医药"]])
    scores = index.scores(["集成电路", "集成", "电路"])
    assert int(np.argmax(scores)) == 1
    assert scores[2] == 0


def test_removed_slot_scores_zero_and_compaction_renumbers():
    index = _index([["a", "b"], ["a"], ["c"]])
    index.remove(1)
    assert index.scores(["a"])[1] == 0
    index.compact(np.array([0, -1, 1]))
    scores = index.scores(["c"])
    assert len(scores) == 2 and scores[1] > 0 and scores[0] == 0


def test_incremental_adds_across_segments_match_a_fresh_build():
    docs = [[f"t{i % 7}", f"t{i % 3}", "common"] for i in range(50)]
    fresh = _index(docs)
    incremental = BM25Index()
    for slot, tokens in enumerate(docs):
        incremental.add(slot, tokens)
        incremental.flush()  # one segment per document, merged log-structured
    assert len(incremental._segments) < 10
    np.testing.assert_allclose(incremental.scores(["t1", "t2"]), fresh.scores(["t1", "t2"]), rtol=1e-6)


def test_state_round_trip():
    index = _index([["脉搏波", "检测"], ["检测"]])
    restored = BM25Index.from_state(index.state())
    np.testing.assert_allclose(restored.scores(["脉搏波", "检测"]), index.scores(["脉搏波", "检测"]))


def test_scores_equal_the_bm25_formula_term_by_term():
    # Several segments, terms first seen in later segments, a repeated query term, an unknown term
    # and a removed slot: every slot's score is the per-term BM25 sum.
    rng = np.random.default_rng(0)
    vocab = [f"t{i}" for i in range(40)]
    docs = [list(rng.choice(vocab[: 10 + i // 20], size=rng.integers(1, 9))) for i in range(400)]
    index = BM25Index()
    for slot, tokens in enumerate(docs):
        index.add(slot, tokens)
        if slot % 37 == 0:
            index.flush()
    index.remove(11)
    index.flush()
    assert len(index._segments) > 1
    k1, b = index.params.k1, index.params.b
    lens = np.array([len(d) for d in docs], dtype=np.float64)
    avgdl = lens.mean()
    for query in (["t1", "t3"], ["t2", "t2", "t29"], ["t30", "nope", "t0", "t5", "t7"]):
        expected = np.zeros(len(docs))
        for term in query:
            df = sum(term in d for d in docs)
            if df == 0:
                continue
            idf = np.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
            tf = np.array([d.count(term) for d in docs], dtype=np.float64)
            expected += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lens / avgdl))
        expected[11] = 0
        np.testing.assert_allclose(index.scores(query), expected, rtol=2e-6, atol=1e-7)
