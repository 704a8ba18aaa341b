"""Fit the calibrated relevance models the site uses, on the CSL dev set only.

    .venv/bin/python bench/train_relevance.py \\
        --corpus ../shared/data/csl-match/corpus.tsv \\
        --queries ../shared/data/csl-match/dev_queries.tsv \\
        --extra-queries ../shared/data/csl-match/dev_queries_hard.tsv \\
        [--out innomarket/matching/engine/data/relevance.json]

Two logistic models (``innomarket.matching.engine.relevance``), written with their thresholds and
a note of how they were fitted:

* ``record`` and ``record_lexical`` — site search and list filters (the lexical one for records
  without vectors yet, or a site without an embedder). For each dev query (the author keywords of
  a paper; with the hard set, keywords the paper does not contain) the engine's candidates over
  the whole corpus; the sought paper is a positive, a candidate from another 门类 (category) a
  negative (surely unrelated); candidates of the same category are not labelled and not used.
  Threshold ``search``: the highest probability that keeps 99.5 % of the sought papers of the
  main (dev) queries and 70 % of the paraphrased (hard) ones that reached the candidate pool — a
  stricter cut loses sought papers, a looser one lets generic-word and meaning-only junk through
  (光刻胶 → 优刻得, EDA软件 → any 软件). It is a cut, not a displayed percentage.
* ``supplier`` — recommended suppliers and automatic invitations (``recsets.py`` describes the
  groups and demands). Label: the group's discipline is the demand's. The feedback feature comes
  from simulated answers (``recsets.simulated_outcomes``) to the recommendations made for the
  *other* half of the demands (cross-fitted, so a demand never learns from its own answers).
  Threshold ``show``: the lowest probability at which out-of-corpus demands get no
  recommendation in ≥ 90 % of cases and the shown suppliers are relevant ≥ 80 % of the time
  (precision@5, the issue's bar) on dev — being right comes before covering every demand;
  ``invite``: the lowest, at least 0.05 above ``show``, at which invited suppliers are relevant
  ≥ 85 % of the time (an invitation is sent unasked, so it needs more than a listing).
  Percentages shown to users are this model's probabilities.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from recsets import (  # noqa: E402
    DEFAULT_CACHE,
    ROOT,
    Bed,
    Demand,
    build_bed,
    build_engine,
    log,
    read_tsv,
    simulated_outcomes,
)

from innomarket.matching.engine import Filters, Query  # noqa: E402
from innomarket.matching.engine.relevance import (  # noqa: E402
    FEATURES,
    LEXICAL_FEATURES,
    RelevanceModel,
    brier,
    calibration_table,
    fit_logistic,
    isotonic_knots,
)
from innomarket.matching.engine.suppliers import SUPPLIER_FEATURES, SupplierRecommender  # noqa: E402

OUT = ROOT / "innomarket" / "matching" / "engine" / "data" / "relevance.json"
# The search cut keeps at least this share of the papers sought with the main (dev) queries and,
# when a second file is given, of those sought with it (the hard set: paraphrases).
SEARCH_KEEP = (0.995, 0.70)
SHOWN = 5
# Threshold rules (module docstring).
SHOW_ABSTAIN = 0.9
SHOW_PRECISION = 0.8
INVITE_PRECISION = 0.85
INVITE_MARGIN = 0.05


def fold_of(qid: str) -> int:
    return hashlib.blake2b(qid.encode(), digest_size=2).digest()[0] % 2


# -- record model ---------------------------------------------------------------------------


def record_rows(
    corpus_path: str, queries_paths: Sequence[str], cache_dir: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and the index of the query file of each labelled candidate."""
    corpus = read_tsv(corpus_path)
    category = {r["id"]: r["category"] for r in corpus}
    engine = build_engine(corpus, cache_dir=cache_dir)
    X, y, source = [], [], []
    for n, q in ((n, row) for n, path in enumerate(queries_paths) for row in read_tsv(path)):
        cands = engine.candidates(Query(text=q["query"]), pool=100)
        target_cat = category.get(q["relevant_id"])
        for i, doc_id in enumerate(cands.ids):
            if doc_id == q["relevant_id"]:
                label = 1.0
            elif category.get(doc_id) != target_cat:
                label = 0.0
            else:
                continue
            X.append([float(cands.features[f][i]) for f in FEATURES])
            y.append(label)
            source.append(n)
    return np.array(X), np.array(y), np.array(source)


def search_threshold(p: np.ndarray, y: np.ndarray, source: np.ndarray) -> float:
    """The highest probability that keeps ``SEARCH_KEEP`` of the sought papers of each query file
    (the first file's share alone if no threshold keeps both): as many unrelated candidates cut
    as the sought papers allow."""
    grid = np.unique(np.concatenate([np.geomspace(1e-4, 0.9, 400), [1e-4]]))
    kept = {
        n: np.array([np.mean(p[(y == 1) & (source == n)] >= t) for t in grid]) for n in np.unique(source)
    }
    ok = kept[0] >= SEARCH_KEEP[0]
    both = ok & (kept[1] >= SEARCH_KEEP[1]) if 1 in kept else ok
    chosen = grid[both] if both.any() else grid[ok]
    return float(chosen.max()) if len(chosen) else float(grid[0])


def fit_record(args: argparse.Namespace) -> tuple[dict[str, RelevanceModel], dict]:
    paths = [args.queries, *args.extra_queries]
    X, y, source = record_rows(args.corpus, paths, args.cache_dir)
    names = " + ".join(Path(p).name for p in paths)
    models, report = {}, {"rows": len(y), "positives": int(y.sum())}
    for key, features in (("record", FEATURES), ("record_lexical", LEXICAL_FEATURES)):
        cols = [FEATURES.index(f) for f in features]
        w, b, mean, scale = fit_logistic(X[:, cols], y)
        model = RelevanceModel(features, tuple(w), b, tuple(mean), tuple(scale))
        p = model.probability({f: X[:, j] for f, j in zip(features, cols, strict=True)})
        keep = search_threshold(p, y, source)
        report[key] = {
            "search_threshold": round(keep, 4),
            "sought_papers_kept": {
                Path(path).name: round(float(np.mean(p[(y == 1) & (source == n)] >= keep)), 4)
                for n, path in enumerate(paths)
            },
            "off_field_candidates_cut": round(float(np.mean(p[y == 0] < keep)), 4),
            "brier": round(brier(p, y), 4),
        }
        models[key] = RelevanceModel(
            features,
            tuple(w),
            b,
            tuple(mean),
            tuple(scale),
            thresholds={"search": round(keep, 4)},
            note=(
                f"Site search{' (words only)' if key == 'record_lexical' else ''}: P(the sought record rather "
                f"than an unrelated one), fitted on CSL {names} (positives: the sought paper; negatives: "
                "candidates of another 门类). Threshold 'search' by the rule in bench/train_relevance.py (search_threshold)."
            ),
        )
    log(f"record models {report}")
    return models, report


# -- supplier model -------------------------------------------------------------------------


def supplier_rows(
    bed: Bed, recommender: SupplierRecommender, demands: Sequence[Demand]
) -> tuple[list[list[float]], list[float], list[int], list[list[str]]]:
    """Features and labels of every supplier scored for each demand, and each demand's top 5."""
    X: list[list[float]] = []
    y: list[float] = []
    group: list[int] = []
    tops: list[list[str]] = []
    for n, d in enumerate(demands):
        query = Query(text=d.text)
        matches, _ = recommender.score(query, bed.evidence, filters=Filters(exclude_ids=frozenset([d.paper])))
        seen: set[str] = set()
        top: list[str] = []
        for m in matches:
            X.append([m.features[f] for f in SUPPLIER_FEATURES])
            y.append(1.0 if bed.relevant(d, m.supplier) else 0.0)
            group.append(n)
        for m in matches:
            org = m.organisation or m.supplier
            if org not in seen:
                seen.add(org)
                top.append(m.supplier)
            if len(top) >= SHOWN:
                break
        tops.append(top)
    return X, y, group, tops


def choose_thresholds(p: np.ndarray, y: np.ndarray, group: np.ndarray, inside: np.ndarray) -> dict:
    """Show / invite thresholds by the rules of the module docstring, with the curve behind them."""
    curve = []
    show = invite = None
    for t in np.round(np.arange(0.20, 0.96, 0.01), 2):
        precs, covered, abstained, shown_rel, shown_n = [], 0, 0, 0.0, 0
        n_in = n_out = 0
        for g in np.unique(group):
            sel = np.flatnonzero(group == g)
            order = sel[np.argsort(-p[sel], kind="stable")][:SHOWN]
            chosen = [i for i in order if p[i] >= t]
            if inside[g]:
                n_in += 1
                covered += bool(chosen)
                if chosen:
                    precs.append(float(y[chosen].mean()))
                    shown_rel += float(y[chosen].sum())
                    shown_n += len(chosen)
            else:
                n_out += 1
                abstained += not chosen
        row = {
            "threshold": float(t),
            "precision_at_5": float(np.mean(precs)) if precs else 0.0,
            "micro_precision": shown_rel / shown_n if shown_n else 0.0,
            "inside_covered": covered / max(n_in, 1),
            "outside_abstained": abstained / max(n_out, 1),
        }
        curve.append(row)
        if show is None and row["outside_abstained"] >= SHOW_ABSTAIN and row["precision_at_5"] >= SHOW_PRECISION:
            show = float(t)
        if (
            invite is None
            and show is not None
            and t >= show + INVITE_MARGIN - 1e-9
            and row["micro_precision"] >= INVITE_PRECISION
        ):
            invite = float(t)
    show = show if show is not None else 0.8
    invite = invite if invite is not None else max(0.9, show + INVITE_MARGIN)
    return {"show": show, "invite": invite, "curve": curve}


def fit_supplier(args: argparse.Namespace) -> tuple[RelevanceModel, dict]:
    bed = build_bed(args.corpus, args.queries, cache_dir=args.cache_dir, limit=args.limit)
    demands = bed.demands
    folds = np.array([fold_of(d.qid) for d in demands])
    names = SUPPLIER_FEATURES
    # First pass, no history: a model to make the recommendations users would have answered.
    first = RelevanceModel(
        names, tuple([0.0] * len(names)), 0.0, tuple([0.0] * len(names)), tuple([1.0] * len(names))
    )
    recommender = SupplierRecommender(bed.engine, first)
    X0, y0, g0, _ = supplier_rows(bed, recommender, demands)
    X0a, y0a = np.array(X0), np.array(y0)
    no_history = len(names) - 2  # the two feedback features come last and are 0 here
    w, b, mean, scale = fit_logistic(X0a[:, :no_history], y0a)
    first = RelevanceModel(names, (*w, 0.0, 0.0), b, (*mean, 0.0, 0.0), (*scale, 1.0, 1.0))
    # Cross-fitted history: each half learns from the answers to the other half's top five.
    recommender = SupplierRecommender(bed.engine, first)
    _, _, _, tops = supplier_rows(bed, recommender, demands)
    vectors = [bed.engine.embed_query(d.text) for d in demands]
    X, y, group = [], [], []
    for f in (0, 1):
        history = [(d, vectors[i], tops[i]) for i, d in enumerate(demands) if folds[i] != f]
        memory = simulated_outcomes(bed, history)
        mine = [i for i in range(len(demands)) if folds[i] == f]
        rec = SupplierRecommender(bed.engine, first, memory=memory)
        Xf, yf, gf, _ = supplier_rows(bed, rec, [demands[i] for i in mine])
        X += Xf
        y += yf
        group += [mine[g] for g in gf]
    Xa, ya = np.array(X), np.array(y)
    w, b, mean, scale = fit_logistic(Xa, ya)
    model = RelevanceModel(names, tuple(w), b, tuple(mean), tuple(scale))
    # The percentage shown must mean what it says: an isotonic map from the logistic output to the
    # observed rate, fitted on the rows without history (what a new marketplace sees).
    raw0 = model.probability({f: X0a[:, j] for j, f in enumerate(names)})
    knots = isotonic_knots(raw0, y0a)
    model = RelevanceModel(names, tuple(w), b, tuple(mean), tuple(scale), recalibration=knots)
    # Thresholds are chosen without history (feedback 0): what a new marketplace sees.
    p0 = model.probability({f: X0a[:, j] for j, f in enumerate(names)})
    inside = np.array([d.inside for d in demands])
    chosen = choose_thresholds(p0, y0a, np.array(g0), inside)
    p = model.probability({f: Xa[:, j] for j, f in enumerate(names)})
    report = {
        "rows": len(ya),
        "demands": len(demands),
        "inside": int(inside.sum()),
        "outside": int((~inside).sum()),
        "weights": dict(zip(names, np.round(w, 3).tolist(), strict=True)),
        "brier": round(brier(p, ya), 4),
        "calibration": [[round(a, 3), round(b_, 3), n] for a, b_, n in calibration_table(p0, y0a)],
        "show": chosen["show"],
        "invite": chosen["invite"],
    }
    model = RelevanceModel(
        names,
        tuple(w),
        b,
        tuple(mean),
        tuple(scale),
        thresholds={"show": chosen["show"], "invite": chosen["invite"]},
        recalibration=knots,
        note=(
            "Recommended suppliers: P(the supplier's discipline is the demand's), fitted on CSL "
            f"{Path(args.queries).name} with bench/recsets.py groups; 'show' and 'invite' thresholds "
            "by the rules in bench/train_relevance.py."
        ),
    )
    log(
        f"supplier model {json.dumps({k: v for k, v in report.items() if k != 'calibration'}, ensure_ascii=False)}"
    )
    for row in chosen["curve"][::5]:
        log("  " + json.dumps({k: round(v, 3) for k, v in row.items()}))
    return model, report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument(
        "--extra-queries",
        nargs="*",
        default=[],
        help="more query files for the record models (e.g. dev_queries_hard.tsv: needs worded unlike the paper)",
    )
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--cache-dir", default=str(DEFAULT_CACHE))
    parser.add_argument("--limit", type=int, default=0, help="first N demands only (quick checks)")
    parser.add_argument("--only", choices=["record", "supplier"], help="fit one model, keep the other")
    args = parser.parse_args(argv)
    out = Path(args.out)
    existing = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {"models": {}, "reports": {}}
    models, reports = existing.get("models", {}), existing.get("reports", {})
    if args.only in (None, "record"):
        fitted, report = fit_record(args)
        for key, model in fitted.items():
            models[key] = model.to_dict()
        reports["record"] = report
    if args.only in (None, "supplier"):
        model, report = fit_supplier(args)
        models["supplier"], reports["supplier"] = model.to_dict(), report
    payload = {
        "about": "Fitted by bench/train_relevance.py on the CSL dev set; see bench/README.md.",
        "models": models,
        "reports": reports,
    }
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    log(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
