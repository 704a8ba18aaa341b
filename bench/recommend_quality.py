"""Recommendation quality: precision of recommended suppliers, abstention, explanations, learning.

    .venv/bin/python bench/recommend_quality.py \\
        --corpus ../shared/data/csl-match/corpus.tsv \\
        --queries ../shared/data/csl-match/dev_queries.tsv [--json] [--limit N]

The test bed (``recsets.py``): the corpus's labelled papers of the catalogue's categories, grouped
into research groups of one discipline at sample organisations (the demo's own grouping); demands
are a paper's title plus its keywords with the paper itself removed; a supplier is relevant when
its discipline is the paper's. Demands whose paper lies in the other categories are out of corpus.

Computed in one run:

* ``baseline`` — the recommender as it was: the engine's fused ranking of records (no vocabulary,
  no calibration), its top five shown whatever they are; a record is relevant when its discipline
  is the demand's.
* ``ours`` — ``SupplierRecommender`` with the shipped supplier model: at most five suppliers, one
  per organisation, only those at or above the model's ``show`` threshold.
  ``precision_at_5`` is the share of relevant suppliers among those shown (up to five), averaged
  over the in-corpus demands that got any; ``strict_precision_at_5`` counts empty places as
  misses; ``inside_covered`` is the share of in-corpus demands with at least one recommendation,
  ``outside_abstained`` the share of out-of-corpus demands with none; ``invited`` the suppliers
  at or above the ``invite`` threshold and their precision.
* ``learning`` — the demands split in two halves by qid: users answer the first half's
  recommendations (``recsets.simulated_outcomes``), and the second half is recommended with and
  without that history.
* ``explanations`` — every keyword an explanation shows (the shown suppliers' evidence, and the
  top ten search results of each demand) checked against ``bench/data/stopwords_reference.txt``
  (an independent list) and for single characters.
* ``search`` — the shipped record model's cut on site search: over the whole corpus, each
  demand's keywords; the share of the top ten results from another 门类 (category) before and after
  the cut, and the share of sought papers in the top ten kept.

``--json`` prints one JSON object as the last line. Tune on dev only; other query sets of the
same form (held-out ones) are for measuring.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from recsets import (  # noqa: E402
    DEFAULT_CACHE,
    Bed,
    Demand,
    build_bed,
    build_engine,
    log,
    read_tsv,
    simulated_outcomes,
)
from train_relevance import fold_of  # noqa: E402

from innomarket.matching.engine import Filters, Query  # noqa: E402
from innomarket.matching.engine.relevance import shipped_model, shipped_record_relevance  # noqa: E402
from innomarket.matching.engine.suppliers import Recommendation, SupplierRecommender  # noqa: E402

REFERENCE_STOPWORDS = Path(__file__).resolve().parent / "data" / "stopwords_reference.txt"
SHOWN = 5


def reference_stopwords() -> frozenset[str]:
    words: set[str] = set()
    for line in REFERENCE_STOPWORDS.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(line.split())
    return frozenset(words)


def baseline(bed: Bed) -> dict:
    precisions, abstained = [], []
    for d in bed.demands:
        results = bed.baseline_engine.search(
            Query(text=d.text), SHOWN, Filters(exclude_ids=frozenset([d.paper])), explain=False
        )
        if d.inside:
            rel = [bed.team_discipline.get(bed.evidence[r.id].supplier) == d.discipline for r in results]
            precisions.append(float(np.mean(rel)) if rel else 0.0)
        else:
            abstained.append(not results)
    return {
        "precision_at_5": round(float(np.mean(precisions)), 4),
        "inside_covered": 1.0,
        "outside_abstained": round(float(np.mean(abstained)), 4) if abstained else None,
    }


def recommend_all(
    bed: Bed, recommender: SupplierRecommender, demands: Sequence[Demand]
) -> list[Recommendation]:
    return [
        recommender.recommend(
            Query(text=d.text), bed.evidence, k=SHOWN, filters=Filters(exclude_ids=frozenset([d.paper]))
        )
        for d in demands
    ]


def summarise(bed: Bed, demands: Sequence[Demand], recs: Sequence[Recommendation], invite: float) -> dict:
    precisions, strict, covered, abstained, shown_counts = [], [], [], [], []
    invited, invited_rel = 0, 0
    for d, rec in zip(demands, recs, strict=True):
        rel = [bed.relevant(d, m.supplier) for m in rec.matches]
        if d.inside:
            covered.append(bool(rel))
            strict.append(sum(rel) / SHOWN)
            if rel:
                precisions.append(float(np.mean(rel)))
                shown_counts.append(len(rel))
            for m, r in zip(rec.matches, rel, strict=True):
                if m.probability >= invite:
                    invited += 1
                    invited_rel += r
        else:
            abstained.append(not rel)
    return {
        "precision_at_5": round(float(np.mean(precisions)), 4) if precisions else 0.0,
        "strict_precision_at_5": round(float(np.mean(strict)), 4) if strict else 0.0,
        "inside_covered": round(float(np.mean(covered)), 4) if covered else 0.0,
        "outside_abstained": round(float(np.mean(abstained)), 4) if abstained else None,
        "mean_shown": round(float(np.mean(shown_counts)), 2) if shown_counts else 0.0,
        "invited": invited,
        "invited_precision": round(invited_rel / invited, 4) if invited else None,
    }


def explanation_check(bed: Bed, recs: Sequence[Recommendation], stop: frozenset[str]) -> dict:
    shown_terms = 0
    bad: list[str] = []
    engine = bed.engine
    for d, rec in zip(bed.demands, recs, strict=True):
        query = Query(text=d.text)
        explanations = [engine.explain_record(query, m.records[0]) for m in rec.matches]
        explanations += [
            r.explanation
            for r in engine.search(Query(text=d.text), 10, Filters(exclude_ids=frozenset([d.paper])))
        ]
        for e in explanations:
            for term in (*e.matched_terms, *e.partial_terms):
                shown_terms += 1
                if len(term) < 2 or term in stop:
                    bad.append(term)
    return {
        "terms_shown": shown_terms,
        "stopwords_or_single_chars": len(bad),
        "examples": sorted(set(bad))[:20],
    }


def search_check(corpus_path: str, queries_path: str, cache_dir: str, limit: int) -> dict:
    model = shipped_record_relevance()
    if model is None:
        return {}
    corpus = read_tsv(corpus_path)
    category = {r["id"]: r["category"] for r in corpus}
    engine = build_engine(corpus, cache_dir=cache_dir)
    threshold = model.threshold("search")
    off_before, off_after, kept, sought, counts_before, counts_after = [], [], [], [], [], []
    queries = read_tsv(queries_path)
    if limit:
        queries = queries[:limit]
    for q in queries:
        target = category.get(q["relevant_id"])
        # The site's search: relevant candidates only (a shared word or piece, or similar meaning).
        before = engine.search(Query(text=q["query"]), 10, explain=False, min_similarity=0.88)
        after = engine.search(
            Query(text=q["query"]),
            10,
            explain=False,
            min_similarity=0.88,
            relevance=model,
            min_relevance=threshold,
        )
        off_before.append(np.mean([category.get(r.id) != target for r in before]) if before else 0.0)
        off_after.append(np.mean([category.get(r.id) != target for r in after]) if after else 0.0)
        counts_before.append(len(before))
        counts_after.append(len(after))
        if any(r.id == q["relevant_id"] for r in before):
            sought.append(True)
            kept.append(any(r.id == q["relevant_id"] for r in after))
    return {
        "threshold": threshold,
        "off_field_share_top10_before": round(float(np.mean(off_before)), 4),
        "off_field_share_top10_after": round(float(np.mean(off_after)), 4),
        "sought_in_top10_kept": round(float(np.mean(kept)), 4) if kept else None,
        "mean_results_before": round(float(np.mean(counts_before)), 2),
        "mean_results_after": round(float(np.mean(counts_after)), 2),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    parser.add_argument("--cache-dir", default=str(DEFAULT_CACHE))
    parser.add_argument("--limit", type=int, default=0, help="first N demands only (quick checks)")
    parser.add_argument("--skip-search", action="store_true", help="leave out the site-search section")
    parser.add_argument("--search-only", action="store_true", help="only the site-search section")
    args = parser.parse_args(argv)
    if args.search_only:
        result = search_check(args.corpus, args.queries, args.cache_dir, args.limit)
        print(f"search: {result}")
        if args.json:
            print(json.dumps({"search": result}, ensure_ascii=False))
        return 0
    model = shipped_model("supplier")
    if model is None:
        raise SystemExit(
            "innomarket/matching/engine/data/relevance.json is missing: run bench/train_relevance.py"
        )
    t0 = time.perf_counter()
    bed = build_bed(args.corpus, args.queries, cache_dir=args.cache_dir, limit=args.limit)
    out: dict = {
        "corpus": Path(args.corpus).name,
        "queries": Path(args.queries).name,
        "supplier_papers": len(bed.corpus),
        "groups": len(bed.teams),
        "demands_inside": len(bed.inside),
        "demands_outside": len(bed.outside),
        "thresholds": dict(model.thresholds),
    }
    out["baseline"] = baseline(bed)
    log(f"baseline {out['baseline']}")
    recommender = SupplierRecommender(bed.engine, model)
    times = []
    recs = []
    for d in bed.demands:
        t = time.perf_counter()
        recs.append(
            recommender.recommend(
                Query(text=d.text), bed.evidence, k=SHOWN, filters=Filters(exclude_ids=frozenset([d.paper]))
            )
        )
        times.append((time.perf_counter() - t) * 1000)
    ours = summarise(bed, bed.demands, recs, model.threshold("invite"))
    ours["median_ms"] = round(statistics.median(times), 1)
    base = out["baseline"]["precision_at_5"]
    ours["ratio_to_baseline"] = round(ours["precision_at_5"] / base, 2) if base else None
    out["ours"] = ours
    log(f"ours {ours}")
    # Learning from outcomes: the second half, with and without answers to the first half.
    first = [i for i, d in enumerate(bed.demands) if fold_of(d.qid) == 0]
    second = [i for i, d in enumerate(bed.demands) if fold_of(d.qid) == 1]
    history = [
        (bed.demands[i], bed.engine.embed_query(bed.demands[i].text), [m.supplier for m in recs[i].matches])
        for i in first
    ]
    memory = simulated_outcomes(bed, history)
    learned = SupplierRecommender(bed.engine, model, memory=memory)
    later = [bed.demands[i] for i in second]
    learned_recs = recommend_all(bed, learned, later)
    # Where the history applies at all: demands with an answer to a similar earlier need (direct
    # feedback on one of its candidate suppliers).
    touched = [
        j
        for j, d in enumerate(later)
        if d.inside
        and any(
            m.features.get("feedback", 0.0) != 0.0
            for m in learned.score(
                Query(text=d.text), bed.evidence, filters=Filters(exclude_ids=frozenset([d.paper]))
            )[0][:20]
        )
    ]
    out["learning"] = {
        "history_outcomes": len(memory),
        "without": summarise(bed, later, [recs[i] for i in second], model.threshold("invite")),
        "with": summarise(bed, later, learned_recs, model.threshold("invite")),
        "demands_with_direct_history": len(touched),
        "without_on_those": summarise(
            bed, [later[j] for j in touched], [recs[second[j]] for j in touched], model.threshold("invite")
        ),
        "with_on_those": summarise(
            bed, [later[j] for j in touched], [learned_recs[j] for j in touched], model.threshold("invite")
        ),
    }
    log(f"learning {out['learning']}")
    out["explanations"] = explanation_check(bed, recs, reference_stopwords())
    log(f"explanations {out['explanations']}")
    if not args.skip_search:
        out["search"] = search_check(args.corpus, args.queries, args.cache_dir, args.limit)
        log(f"search {out['search']}")
    out["seconds"] = round(time.perf_counter() - t0, 1)
    print(
        f"# {out['queries']} on {out['corpus']}: {out['supplier_papers']} supplier papers in {out['groups']} groups"
    )
    print(
        f"# {platform.node()} {platform.machine()} {os.cpu_count()} cores, python {platform.python_version()}"
    )
    print(f"{'':<22}{'P@5':>7}{'strict':>8}{'covered':>9}{'abstain':>9}{'shown':>7}")
    b = out["baseline"]
    print(
        f"{'baseline (records)':<22}{b['precision_at_5']:>7.3f}{b['precision_at_5']:>8.3f}{1.0:>9.3f}{(b['outside_abstained'] or 0):>9.3f}{SHOWN:>7}"
    )
    for label, row in (
        ("ours", ours),
        ("2nd half, no history", out["learning"]["without"]),
        ("2nd half, learned", out["learning"]["with"]),
        ("  with history: before", out["learning"]["without_on_those"]),
        ("  with history: learned", out["learning"]["with_on_those"]),
    ):
        print(
            f"{label:<22}{row['precision_at_5']:>7.3f}{row['strict_precision_at_5']:>8.3f}"
            f"{row['inside_covered']:>9.3f}{(row['outside_abstained'] or 0):>9.3f}{row['mean_shown']:>7}"
        )
    e = out["explanations"]
    print(
        f"explanations: {e['stopwords_or_single_chars']} stop-words or single characters in {e['terms_shown']} shown"
    )
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
