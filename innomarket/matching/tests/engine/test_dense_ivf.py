"""The IVF layout of DenseIndex: rows stored by list, a row budget per probe, the tail of rows
added after training; no database, no model."""

import numpy as np
import pytest

from innomarket.matching.engine import Document, EngineConfig, MatchingEngine, Query
from innomarket.matching.engine.dense import DenseIndex

DIM = 16


def unit(v):
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def clustered(n, rng, centres=12):
    """Unit vectors around a few centres of very different weight (uneven k-means lists)."""
    c = unit(rng.normal(size=(centres, DIM)))
    weights = np.arange(1, centres + 1, dtype=float) ** 2
    which = rng.choice(centres, size=n, p=weights / weights.sum())
    return unit(c[which] + 0.35 * rng.normal(size=(n, DIM)))


def exact_top(index, q, k):
    slots, scores = index.search(q, k)
    return list(slots), scores


def approx_top(index, q, k, **kw):
    slots, vals = index.approx_scores(q, np.zeros(0, dtype=np.int64), **kw)
    order = np.lexsort((slots, -vals))[:k]
    return list(slots[order]), vals[order]


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_full_budget_equals_exact_and_rows_are_grouped_by_list(dtype):
    rng = np.random.default_rng(1)
    index = DenseIndex(DIM, dtype=dtype)
    index.add(np.arange(800), clustered(800, rng))
    index.train_ivf(16, iters=4)
    starts = index._list_starts
    for lst in range(index.n_lists):  # list l is one contiguous block
        assert np.all(index._row_list[starts[lst] : starts[lst + 1]] == lst)
    assert index.list_sizes().sum() == 800
    for _ in range(10):
        q = unit(rng.normal(size=DIM))
        a_slots, a_vals = approx_top(index, q, 10, max_rows=10**6)
        e_slots, e_vals = exact_top(index, q, 10)
        assert a_slots == e_slots
        np.testing.assert_allclose(a_vals, e_vals, rtol=1e-6)


def test_row_budget_bounds_the_probe():
    rng = np.random.default_rng(2)
    index = DenseIndex(DIM)
    index.add(np.arange(2000), clustered(2000, rng))
    index.train_ivf(32, iters=4)
    sizes = index.list_sizes()
    for _ in range(20):
        q = unit(rng.normal(size=DIM))
        lists = index.probe_lists(q, 0, 300)
        assert sizes[lists].sum() <= 300 or len(lists) == 1  # the nearest list is always probed
        index.approx_scores(q, np.zeros(0, dtype=np.int64), max_rows=300)
        assert index.last_probe == (len(lists), int(sizes[lists].sum()))
        cs = index._centroids @ q
        assert np.all(np.diff(cs[lists]) <= 0)  # nearest first
        assert len(index.probe_lists(q, 3, 0)) == 3  # list cap without a budget


def test_balancing_shrinks_the_largest_list():
    rng = np.random.default_rng(3)
    x = clustered(4000, rng, centres=4)
    plain, balanced = DenseIndex(DIM), DenseIndex(DIM)
    for index, factor in ((plain, 0.0), (balanced, 1.5)):
        index.add(np.arange(4000), x)
        index.train_ivf(32, iters=4, max_list_factor=factor)
    assert balanced.list_sizes().max() < plain.list_sizes().max()
    assert balanced.n_lists == plain.n_lists == 32


def test_removed_and_replaced_rows_are_never_returned():
    rng = np.random.default_rng(4)
    x = clustered(600, rng)
    index = DenseIndex(DIM, dtype=np.float16)
    index.add(np.arange(600), x)
    index.train_ivf(8, iters=4)
    index.remove([5])
    index.add([7], [-x[7]])  # replaced: the old vector must not score slot 7 any more
    for q, gone in ((x[5], 5), (x[7], 7)):
        slots, vals = index.approx_scores(q, np.array([5, 7]), max_rows=10**6)
        assert 5 not in slots
        if gone == 7:
            assert vals[list(slots).index(7)] < 0
    index.relayout()  # the dropped row leaves the layout
    assert index.n_rows == 600 and 5 not in approx_top(index, x[5], 5, max_rows=10**6)[0]


def test_rows_added_after_training_are_found_in_the_tail_and_after_relayout(monkeypatch):
    rng = np.random.default_rng(5)
    x = clustered(1200, rng)
    index = DenseIndex(DIM)
    index.add(np.arange(600), x[:600])
    index.train_ivf(8, iters=4)
    index.add(np.arange(600, 700), x[600:700])  # stays in the tail (below _TAIL_MIN)
    assert index.n_rows - index._ivf_built == 100
    assert approx_top(index, x[650], 1, max_rows=10**6)[0] == [650]
    assert approx_top(index, x[650], 1, max_rows=1)[0] == [650]  # its own list is the nearest
    monkeypatch.setattr(DenseIndex, "_TAIL_MIN", 50)
    index.add(np.arange(700, 1200), x[700:1200])  # tail outgrows the threshold: merged
    assert index.n_rows == index._ivf_built == 1200
    for i in (3, 650, 1100):
        assert approx_top(index, x[i], 1, max_rows=10**6)[0] == [i]
        q = unit(x[i] + 0.1 * rng.normal(size=DIM))
        assert approx_top(index, q, 10, max_rows=10**6)[0] == exact_top(index, q, 10)[0]


def test_multi_row_slots_rescored_exactly():
    rng = np.random.default_rng(6)
    x = clustered(900, rng)
    index = DenseIndex(DIM)
    index.add(np.repeat(np.arange(300), 3), x)  # three passages per slot
    index.train_ivf(12, iters=4)
    for _ in range(10):
        q = unit(rng.normal(size=DIM))
        e_slots, e_vals = exact_top(index, q, 10)
        a_slots, a_vals = approx_top(index, q, 10, max_rows=10**6)
        assert a_slots == e_slots
        # With a small budget a slot's score is its best probed passage, exact for the rescored.
        slots, vals = index.approx_scores(q, np.zeros(0, dtype=np.int64), max_rows=200, rescore=300)
        np.testing.assert_allclose(vals, index.scores(q)[slots], rtol=1e-6)


def test_engine_save_load_round_trip_keeps_ivf_results(tmp_path):
    class Stored:
        name, dim = "stored-test", DIM

        def embed_documents(self, texts):
            return np.zeros((len(texts), DIM), dtype=np.float32)

        def embed_query(self, text):
            raise AssertionError("queries pass their vector")

    rng = np.random.default_rng(7)
    x = clustered(700, rng)
    config = EngineConfig(
        dense_exact_below=300, dense_ivf_lists=8, dense_ivf_max_rows=10**6, dense_ivf_probe=0
    )
    engine = MatchingEngine(embedder=Stored(), config=config)
    engine.add_many([Document(id=f"d{i}", title=f"w{i % 30}", text="", embedding=x[i]) for i in range(700)])
    engine.remove("d3")
    assert not engine.dense_is_exact()
    engine.save(tmp_path / "index.npz")
    loaded = MatchingEngine.load(tmp_path / "index.npz", embedder=Stored(), config=config)
    assert loaded.dense is not None and loaded.dense.has_ivf and not loaded.dense_is_exact()
    exact = loaded.with_config(EngineConfig(dense_exact_below=10**9))
    for i in (3, 10, 500):
        q = Query(text=f"w{i % 30}", embedding=x[i])
        before = [r.id for r in engine.search(q, k=10, explain=False)]
        after = [r.id for r in loaded.search(q, k=10, explain=False)]
        assert before == after == [r.id for r in exact.search(q, k=10, explain=False)]
        assert "d3" not in after


def test_parallel_and_sequential_signals_agree():
    class Stored:
        name, dim = "stored-test", DIM

        def embed_documents(self, texts):
            return np.zeros((len(texts), DIM), dtype=np.float32)

        def embed_query(self, text):
            return unit(np.ones(DIM))

    rng = np.random.default_rng(8)
    x = clustered(500, rng)
    config = EngineConfig(dense_exact_below=200, dense_ivf_lists=8, dense_ivf_max_rows=150)
    engine = MatchingEngine(embedder=Stored(), config=config)
    engine.add_many([Document(id=f"d{i}", title=f"w{i % 30} v{i % 7}", embedding=x[i]) for i in range(500)])
    sequential = engine.with_config(
        EngineConfig(dense_exact_below=200, dense_ivf_max_rows=150, dense_parallel=False)
    )
    assert not engine.dense_is_exact()
    for i in (1, 2, 3):
        for q in (
            Query(text=f"w{i} v{i}", embedding=x[i * 40]),
            Query(text=f"w{i}"),
        ):  # vector given / embedded
            a = [(r.id, round(r.score, 5)) for r in engine.search(q, k=10, explain=False)]
            b = [(r.id, round(r.score, 5)) for r in sequential.search(q, k=10, explain=False)]
            assert a == b and len(a) == 10


def test_float16_index_scores_its_list_blocks_in_float32_and_saves_float16():
    rng = np.random.default_rng(9)
    x = clustered(900, rng)
    plain = DenseIndex(DIM, dtype=np.float16)
    blocks = DenseIndex(DIM, dtype=np.float16, block_dtype=np.float32)
    for index in (plain, blocks):
        index.add(np.arange(600), x[:600])
        assert index._vecs.dtype == np.float16  # exact search: rows as given
        index.train_ivf(8, iters=4)
        index.add(np.arange(600, 900), x[600:])  # tail rows, after training
    assert plain._vecs.dtype == np.float16 and blocks._vecs.dtype == np.float32
    state = blocks.state()
    assert state["vecs"].dtype == np.float16
    np.testing.assert_array_equal(state["vecs"], plain.state()["vecs"])  # same float16 values
    for _ in range(5):
        q = unit(rng.normal(size=DIM))
        b_slots, b_vals = approx_top(blocks, q, 10, max_rows=300)
        p_slots, p_vals = approx_top(plain, q, 10, max_rows=300)
        assert b_slots == p_slots  # the same float16 values, converted once instead of per query
        np.testing.assert_allclose(b_vals, p_vals, rtol=1e-6)
    restored = DenseIndex.from_state(state, block_dtype=np.float32)
    assert restored._vecs.dtype == np.float16 and restored.dtype == np.float16
    restored.train_ivf(8, iters=4)
    assert restored._vecs.dtype == np.float32
    restored.compact(np.arange(900))
    assert restored._vecs.dtype == np.float32


def test_engine_keeps_float32_list_blocks_by_default_and_saves_its_dense_dtype(tmp_path):
    class Stored:
        name, dim = "stored-test", DIM

        def embed_documents(self, texts):
            return np.zeros((len(texts), DIM), dtype=np.float32)

        def embed_query(self, text):
            raise AssertionError("queries pass their vector")

    rng = np.random.default_rng(10)
    x = clustered(500, rng)
    config = EngineConfig(dense_exact_below=300, dense_ivf_lists=8, dense_ivf_max_rows=200)
    engine = MatchingEngine(embedder=Stored(), config=config, dense_dtype=np.float16)
    same = MatchingEngine(
        embedder=Stored(),
        config=EngineConfig(
            dense_exact_below=300, dense_ivf_lists=8, dense_ivf_max_rows=200, dense_block_dtype=None
        ),
        dense_dtype=np.float16,
    )
    for e in (engine, same):
        e.add_many([Document(id=f"d{i}", title=f"w{i % 30}", embedding=x[i]) for i in range(500)])
    assert engine.dense is not None and same.dense is not None
    assert engine.dense._vecs.dtype == np.float32 and same.dense._vecs.dtype == np.float16
    engine.save(tmp_path / "index.npz")
    with np.load(tmp_path / "index.npz") as data:
        assert data["d_vecs"].dtype == np.float16
    loaded = MatchingEngine.load(tmp_path / "index.npz", embedder=Stored(), config=config)
    assert loaded.dense is not None and loaded.dense._vecs.dtype == np.float32
    for i in (3, 10, 400):
        q = Query(text=f"w{i % 30}", embedding=x[i])
        a = [r.id for r in engine.search(q, k=10, explain=False)]
        assert a == [r.id for r in loaded.search(q, k=10, explain=False)]
        assert a == [r.id for r in same.search(q, k=10, explain=False)]
