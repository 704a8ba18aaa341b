"""Approximate dense search (coarse k-means quantiser) on large indexes; no database, no model."""

import numpy as np

from innomarket.matching.engine import Document, EngineConfig, MatchingEngine, Query
from innomarket.matching.engine.fusion import FusionWeights

DIM = 16


class StoredVectors:
    name, dim = "stored-test", DIM

    def embed_documents(self, texts):
        return np.zeros((len(texts), DIM), dtype=np.float32)

    def embed_query(self, text):
        raise AssertionError("queries pass their vector")


def unit(v):
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def build(config, n=600, seed=0):
    rng = np.random.default_rng(seed)
    vecs = unit(rng.normal(size=(n, DIM)))
    engine = MatchingEngine(embedder=StoredVectors(), config=config)
    docs = [
        Document(id=f"d{i}", title=f"widget{i % 50} gadget{i % 7}", text=f"part{i % 13}", embedding=vecs[i])
        for i in range(n)
    ]
    engine.add_many(docs)
    return engine, vecs, rng


IVF = EngineConfig(dense_passages=False, dense_exact_below=100, dense_ivf_lists=16, dense_ivf_probe=3)


def test_ivf_finds_a_record_whose_only_match_is_semantic():
    engine, _, rng = build(IVF)
    target = unit(rng.normal(size=DIM))
    # A record sharing no token with the query; only its vector is near the query's.
    engine.add(Document(id="semantic", title="zzzunrelated", text="qqqnothing", embedding=target))
    assert not engine.dense_is_exact()
    query = Query(text="widget3 gadget2", embedding=unit(target + 0.05 * rng.normal(size=DIM)))
    lexical = engine.signals(query, weights=FusionWeights(dense=0.0))
    assert lexical["words"][engine._slot_of["semantic"]] == 0
    ids = [r.id for r in engine.search(query, k=10, explain=False)]
    assert "semantic" in ids


def test_exact_and_approximate_agree_on_a_small_index():
    engine, vecs, rng = build(IVF)
    # Probing every list scores the same candidates as exact search: identical results.
    full = engine.with_config(
        EngineConfig(dense_passages=False, dense_exact_below=100, dense_ivf_lists=16, dense_ivf_probe=16)
    )
    exact = engine.with_config(EngineConfig(dense_passages=False, dense_exact_below=10**9))
    assert exact.dense_is_exact() and not full.dense_is_exact()
    overlaps = []
    for _ in range(20):
        q = Query(
            text=f"widget{int(rng.integers(50))} part{int(rng.integers(13))}",
            embedding=unit(rng.normal(size=DIM)),
        )
        a = [(r.id, round(r.score, 4)) for r in full.search(q, k=10, explain=False)]
        b = [(r.id, round(r.score, 4)) for r in exact.search(q, k=10, explain=False)]
        assert a == b
        approx = {r.id for r in engine.search(q, k=10, explain=False)}
        overlaps.append(len(approx & {i for i, _ in b}) / 10)
    assert np.mean(overlaps) >= 0.8  # 3 of 16 lists + the lexical pool


def test_ivf_respects_removal_updates_and_compaction():
    engine, vecs, _ = build(IVF)
    q = Query(text="nothingmatches", embedding=vecs[5])
    assert engine.search(q, k=1, explain=False)[0].id == "d5"
    engine.remove("d5")
    assert "d5" not in [r.id for r in engine.search(q, k=5, explain=False)]
    engine.add(Document(id="d5", title="moved", embedding=-vecs[5]))
    assert "d5" not in [r.id for r in engine.search(q, k=5, explain=False)]
    for i in range(200):
        engine.remove(f"d{i + 100}")  # triggers compaction
    assert engine.search(Query(text="x", embedding=vecs[50]), k=1, explain=False)[0].id == "d50"
    engine.add(Document(id="late", title="late", embedding=vecs[150]))  # vector of a removed record
    assert engine.search(Query(text="x", embedding=vecs[150]), k=1, explain=False)[0].id == "late"


def test_small_index_stays_exact():
    engine, _, _ = build(EngineConfig(dense_passages=False), n=200)
    assert engine.dense_is_exact() and not engine.dense.has_ivf
