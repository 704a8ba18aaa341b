"""Fusion of retrieval signals (word BM25, bigram BM25, dense similarity) into one score.

Each signal's raw scores live on different scales (BM25 is unbounded and query-dependent; cosine
similarity of e5 sits in a narrow band around 0.8), so each is normalised over the candidate pool
of the query before the weighted sum. Three normalisations are available; ``zscore`` measured best
on the CSL benchmark (see bench/README.md), ``rrf`` (reciprocal rank fusion) is the scale-free
alternative.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

SIGNALS = ("words", "bigrams", "dense")


@dataclass(frozen=True)
class FusionWeights:
    """Weights of the retrieval signals; the Django side fills this from settings.

    ``pool`` is how many top candidates each signal contributes before fusion; ``rrf_k`` is the
    constant of reciprocal rank fusion.
    """

    words: float = 1.0
    bigrams: float = 0.6
    dense: float = 1.5
    method: Literal["zscore", "minmax", "rrf"] = "zscore"
    pool: int = 200
    rrf_k: float = 60.0

    def weight(self, signal: str) -> float:
        return float(getattr(self, signal))


def candidate_pool(
    signals: dict[str, np.ndarray],
    mask: np.ndarray,
    weights: FusionWeights,
    scored: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Union of each weighted signal's top ``weights.pool`` slots among ``mask`` (positive scores
    only for the lexical signals). ``scored[name]``, if given, lists the only slots that signal
    scored (approximate dense search); its pool is drawn from those."""
    pools = []
    for name, scores in signals.items():
        if weights.weight(name) == 0:
            continue
        if scored is not None and name in scored:
            cand = scored[name][mask[scored[name]]]
        else:
            cand = np.flatnonzero(mask & (scores > 0) if name != "dense" else mask)
        if len(cand) > weights.pool:
            part = np.argpartition(-scores[cand], weights.pool - 1)[: weights.pool]
            cand = cand[part]
        pools.append(cand)
    if not pools:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate(pools))


def normalise(values: np.ndarray, method: str, rrf_k: float = 60.0) -> np.ndarray:
    """Map one signal's scores over the candidate pool onto a comparable scale."""
    if len(values) == 0:
        return values.astype(np.float32)
    values = values.astype(np.float64)
    if method == "zscore":
        std = values.std()
        out = (values - values.mean()) / std if std > 1e-9 else np.zeros_like(values)
    elif method == "minmax":
        lo, hi = values.min(), values.max()
        out = (values - lo) / (hi - lo) if hi - lo > 1e-9 else np.zeros_like(values)
    elif method == "rrf":
        ranks = np.empty(len(values), dtype=np.float64)
        ranks[np.argsort(-values, kind="stable")] = np.arange(1, len(values) + 1)
        out = 1.0 / (rrf_k + ranks)
        out = out * (rrf_k + 1.0)  # best rank → 1.0, so weights read like the other methods
    else:  # pragma: no cover - guarded by the dataclass Literal
        raise ValueError(f"unknown fusion method {method!r}")
    return out.astype(np.float32)


def fuse(
    signals: dict[str, np.ndarray], cand: np.ndarray, weights: FusionWeights
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Fused score of each candidate and each signal's weighted contribution to it."""
    total = np.zeros(len(cand), dtype=np.float32)
    parts: dict[str, np.ndarray] = {}
    for name, scores in signals.items():
        w = weights.weight(name)
        if w == 0:
            continue
        part = w * normalise(scores[cand], weights.method, weights.rrf_k)
        parts[name] = part
        total += part
    return total, parts
