"""Fusion of retrieval signals (word BM25, bigram BM25, dense similarity) into one score.

Each signal's raw scores live on different scales (BM25 is unbounded and query-dependent; cosine
similarity of e5 sits in a narrow band around 0.8), so each is normalised over the candidate pool
of the query before the weighted sum. Three normalisations are available; ``zscore`` measured best
on the CSL benchmark (see bench/README.md), ``rrf`` (reciprocal rank fusion) is the scale-free
alternative.
"""

from __future__ import annotations

import math
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


# Above this many slots, :func:`top_slots` first bounds the k-th best score from below with every
# _SAMPLE_STEP-th slot, so the selection runs over ~2k slots instead of every positive one.
_SAMPLE_ABOVE = 1 << 16
_SAMPLE_STEP = 64


def best_of(cand: np.ndarray, vals: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` entries of ``cand`` with the largest ``vals`` (unordered); ties at the k-th value
    go to the lowest ``cand``, so selecting from any superset of the result gives the same set."""
    if len(cand) <= k:
        return cand
    kth = vals[np.argpartition(-vals, k - 1)[k - 1]]
    above = vals > kth
    tied = cand[vals == kth]
    need = k - int(np.count_nonzero(above))
    if len(tied) > need:
        tied = np.sort(tied)[:need]
    return np.concatenate([cand[above], tied])


def top_slots(scores: np.ndarray, mask: np.ndarray, k: int, *, positive: bool = True) -> np.ndarray:
    """:func:`best_of` the slots among ``mask`` — only those with a positive score if
    ``positive`` — (all of them if there are fewer than ``k``).

    On a large index a strided sample of the scores gives a threshold that at least ``k`` slots
    reach (checked; otherwise every slot is considered): selecting among those is exact and
    avoids partitioning the hundreds of thousands of slots a common term touches."""
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if len(scores) > _SAMPLE_ABOVE:
        sample = scores[::_SAMPLE_STEP][mask[::_SAMPLE_STEP]]
        rank = 2 * k // _SAMPLE_STEP + 8  # the sample's rank-th best bounds ~2k + 512 slots
        if len(sample) > rank:
            bound = np.partition(sample, len(sample) - rank)[len(sample) - rank]
            if bound > 0 or not positive:
                cand = np.flatnonzero(scores >= bound)
                cand = cand[mask[cand]]
                if len(cand) >= k:
                    return best_of(cand, scores[cand], k)
    cand = np.flatnonzero(mask & (scores > 0) if positive else mask)
    return best_of(cand, scores[cand], k)


def candidate_pool(
    signals: dict[str, np.ndarray],
    mask: np.ndarray,
    weights: FusionWeights,
    scored: dict[str, np.ndarray] | None = None,
    tops: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Union of each weighted signal's top ``weights.pool`` slots among ``mask`` (positive scores
    only for the lexical signals; ties go to the lower slot). ``scored[name]``, if given, lists
    the only slots that signal scored (approximate dense search); its pool is drawn from those.
    ``tops[name]``, if given, is :func:`top_slots` of that signal for at least ``weights.pool``
    slots (the caller selected them already); its pool is drawn from those."""
    pools = []
    for name, scores in signals.items():
        if weights.weight(name) == 0:
            continue
        if tops is not None and name in tops:
            cand = tops[name]
        elif scored is not None and name in scored:
            cand = scored[name][mask[scored[name]]]
        else:
            cand = top_slots(scores, mask, weights.pool, positive=name != "dense")
        pools.append(best_of(cand, scores[cand], weights.pool))
    if not pools:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate(pools))


def normalise(values: np.ndarray, method: str, rrf_k: float = 60.0) -> np.ndarray:
    """Map one signal's scores over the candidate pool onto a comparable scale."""
    if len(values) == 0:
        return values.astype(np.float32)
    values = values.astype(np.float64)
    if method == "zscore":
        # np.mean / np.std spelled out (same pairwise sums, same results) without their Python
        # overhead, which shows on small indexes.
        centred = values - np.add.reduce(values) / len(values)
        std = math.sqrt(np.add.reduce(centred * centred) / len(values))
        out = centred / std if std > 1e-9 else np.zeros_like(values)
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
