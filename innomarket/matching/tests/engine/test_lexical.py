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
