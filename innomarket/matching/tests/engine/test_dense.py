import numpy as np

from innomarket.matching.engine import DenseIndex, EmbeddingCache


def test_nearest_vector_comes_first(embedder):
    texts = ["集成电路芯片封装测试", "中药材种植与加工", "城市轨道交通信号系统"]
    index = DenseIndex(embedder.dim)
    index.add([0, 1, 2], embedder.embed_documents(texts))
    slots, scores = index.search(embedder.embed_query("半导体芯片"), 3)
    assert slots[0] == 0
    assert scores[0] >= scores[1] >= scores[2]


def test_embeddings_are_normalised_vectors(embedder):
    vecs = embedder.embed_documents(["人工智能", "Lyapunov函数"])
    assert vecs.shape == (2, embedder.dim)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-3)


def test_float16_index_and_removal():
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(20, 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    index = DenseIndex(8, dtype=np.float16)
    index.add(np.arange(20), vecs)
    assert index.search(vecs[7], 1)[0][0] == 7
    index.remove([7])
    assert 7 not in index.search(vecs[7], 5)[0]


def test_cache_computes_each_text_once(tmp_path):
    calls = []

    def compute(texts):
        calls.append(list(texts))
        return np.ones((len(texts), 4), dtype=np.float32) * np.arange(len(texts))[:, None]

    cache = EmbeddingCache(tmp_path, "toy")
    first = cache.get_or_compute(["a", "b"], compute)
    again = EmbeddingCache(tmp_path, "toy").get_or_compute(["b", "a", "c"], compute)
    assert calls == [["a", "b"], ["c"]]
    np.testing.assert_array_equal(again[0], first[1])


def test_a_record_is_scored_by_its_best_passage(embedder):
    # Given a long record whose one sentence is about the query, and a short record that is not …
    index = DenseIndex(embedder.dim)
    long_doc = ["城市更新项目的总体规划", "社区养老服务设施布局", "集成电路芯片封装测试产线建设"]
    index.add([0, 0, 0], embedder.embed_documents(long_doc))
    index.add([1], embedder.embed_documents(["中药材种植与加工"]))
    slots, scores = index.search(embedder.embed_query("芯片封装"), 2)
    # … the long record wins through its best passage.
    assert slots[0] == 0
    passages = index.vectors(0)
    assert len(passages) == 3
    assert scores[0] == max(passages @ embedder.embed_query("芯片封装"))
