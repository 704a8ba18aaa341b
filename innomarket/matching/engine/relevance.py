"""Calibrated relevance: how likely a candidate is to be what the query asks for.

A ranking always has a first place, even when nothing fits. This module turns a candidate's
evidence (:data:`FEATURES`, computed by ``MatchingEngine.relevance_features``) into a probability of
relevance with a logistic model fitted on labelled data (``bench/train_relevance.py``, CSL dev set
only), so the site can show a result only when it is likely relevant, say nothing otherwise, and
print a percentage that means what it says: of the results shown at 80 %, about 80 % were relevant
on the data the model was checked on.

The fitted models and their thresholds ship as ``data/relevance.json``. Pure numpy.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data"

# Record-level evidence (see MatchingEngine.relevance_features).
FEATURES = ("dense_z", "dense", "word_cov", "bigram_cov", "concepts")
# The same without the semantic signal: for a record whose vectors are not computed yet, or an
# engine without an embedder.
LEXICAL_FEATURES = ("word_cov", "bigram_cov", "concepts")


@dataclass(frozen=True)
class RelevanceModel:
    """P(relevant) = σ(bias + Σ wᵢ · (xᵢ − meanᵢ) / scaleᵢ), with named thresholds."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    thresholds: Mapping[str, float] = field(default_factory=dict)
    note: str = ""
    # Isotonic recalibration: (logistic output, observed rate) knots, interpolated linearly, so
    # that a displayed 80 % means about 80 % where the logistic form alone is over- or
    # under-confident. Empty: the logistic output as it is.
    recalibration: tuple[tuple[float, float], ...] = ()

    def logit(self, feats: Mapping[str, np.ndarray | Sequence[float] | float]) -> np.ndarray:
        z = np.full(np.shape(np.asarray(feats[self.features[0]], dtype=np.float64)), self.bias)
        for name, w, m, s in zip(self.features, self.weights, self.mean, self.scale, strict=True):
            z = z + w * (np.asarray(feats[name], dtype=np.float64) - m) / s
        return z

    def probability(self, feats: Mapping[str, np.ndarray | Sequence[float] | float]) -> np.ndarray:
        p = sigmoid(self.logit(feats))
        if self.recalibration:
            xs, ys = zip(*self.recalibration, strict=True)
            # A sliver of the logistic output keeps the map strictly increasing: isotonic steps are
            # flat, and a flat step would hide a real difference (one more declined invitation).
            p = (1.0 - RECALIBRATION_SLOPE) * np.interp(p, xs, ys) + RECALIBRATION_SLOPE * p
        return p

    def threshold(self, name: str) -> float:
        return float(self.thresholds[name])

    def to_dict(self) -> dict:
        d = asdict(self)
        d["thresholds"] = dict(self.thresholds)
        d["recalibration"] = [list(k) for k in self.recalibration]
        return d

    @classmethod
    def from_dict(cls, d: Mapping) -> RelevanceModel:
        return cls(
            features=tuple(d["features"]),
            weights=tuple(float(w) for w in d["weights"]),
            bias=float(d["bias"]),
            mean=tuple(float(v) for v in d["mean"]),
            scale=tuple(float(v) for v in d["scale"]),
            thresholds={k: float(v) for k, v in d.get("thresholds", {}).items()},
            note=str(d.get("note", "")),
            recalibration=tuple((float(a), float(b)) for a, b in d.get("recalibration", [])),
        )


@dataclass(frozen=True)
class RecordRelevance:
    """Site search's cut: a record passes when its words alone pass the lexical model, or its words
    and meaning together pass the full model (a record without a similarity yet — vectors still
    being computed, or no embedder — is judged by its words alone). The words-only route keeps a
    record that contains the whole query even when many records are about as similar in meaning.
    Each model has its own ``search`` threshold; the lexical model's probabilities are shifted in
    logit space so that its threshold falls on the full model's, so one ``min_relevance``
    (``threshold("search")``) applies to every record."""

    full: RelevanceModel
    lexical: RelevanceModel

    def probability(self, feats: Mapping[str, np.ndarray | Sequence[float] | float]) -> np.ndarray:
        has = np.asarray(feats.get("has_dense", 1.0), dtype=np.float64)
        shift = _logit(self.full.threshold("search")) - _logit(self.lexical.threshold("search"))
        lexical = sigmoid(self.lexical.logit(feats) + shift)
        return np.where(has > 0, np.maximum(self.full.probability(feats), lexical), lexical)

    def threshold(self, name: str) -> float:
        return self.full.threshold(name)


def _logit(p: float) -> float:
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log(p / (1 - p))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def fit_logistic(
    X: np.ndarray,
    y: np.ndarray,
    *,
    l2: float = 1e-3,
    iterations: int = 50,
    sample_weight: np.ndarray | None = None,
) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """Weights, bias, feature means and scales of an L2-regularised logistic regression (Newton's
    method on standardised features). Deterministic; no third-party learner needed."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    Z = np.hstack([np.ones((len(X), 1)), (X - mean) / scale])
    beta = np.zeros(Z.shape[1])
    reg = np.full(Z.shape[1], l2 * sw.sum())
    reg[0] = 0.0
    for _ in range(iterations):
        p = sigmoid(Z @ beta)
        grad = Z.T @ (sw * (p - y)) + reg * beta
        hess = (Z * (sw * p * (1 - p))[:, None]).T @ Z + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return beta[1:], float(beta[0]), mean, scale


@lru_cache(maxsize=1)
def _shipped() -> dict[str, RelevanceModel]:
    path = DATA / "relevance.json"
    if not path.exists():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {name: RelevanceModel.from_dict(d) for name, d in raw["models"].items()}


def shipped_model(name: str) -> RelevanceModel | None:
    """A model fitted by ``bench/train_relevance.py`` (``"record"`` / ``"record_lexical"`` for
    search hits, ``"supplier"`` for recommended suppliers), or ``None`` if the file is missing."""
    return _shipped().get(name)


def shipped_record_relevance() -> RecordRelevance | None:
    """The search cut (:class:`RecordRelevance`) from the shipped models, if both are there."""
    full, lexical = shipped_model("record"), shipped_model("record_lexical")
    return RecordRelevance(full, lexical) if full is not None and lexical is not None else None


# Share of the raw logistic output mixed into a recalibrated probability (see probability()).
RECALIBRATION_SLOPE = 0.02


def isotonic_knots(p: np.ndarray, y: np.ndarray, *, knots: int = 24) -> tuple[tuple[float, float], ...]:
    """Knots of the isotonic (non-decreasing) regression of ``y`` on ``p`` (pool-adjacent-
    violators over bins whose edges are ``knots`` equal-count and ``knots`` equal-width ones, so
    that both the crowded low end and the sparse high end are resolved). Each bin's rate is
    smoothed with one success and one failure, so a small top bin that happened to be all
    relevant does not promise 100 %; the ends are held flat at the first and last rates."""
    order = np.argsort(p, kind="stable")
    edges = np.unique(
        np.concatenate([np.quantile(p, np.linspace(0, 1, knots + 1)), np.linspace(0, 1, knots + 1)])
    )
    which = np.clip(np.searchsorted(edges, p[order], side="right") - 1, 0, len(edges) - 2)
    bins = [b for b in np.split(order, np.flatnonzero(np.diff(which)) + 1) if len(b)]
    xs = [float(np.mean(p[b])) for b in bins]
    means = [(float(np.sum(y[b])) + 1.0) / (len(b) + 2.0) for b in bins]
    weights = [float(len(b)) for b in bins]
    # Pool adjacent violators.
    blocks: list[list[float]] = []  # [x-sum·w, mean, weight, x-weight]
    for x, m, w in zip(xs, means, weights, strict=True):
        blocks.append([x * w, m, w])
        while len(blocks) > 1 and blocks[-2][1] > blocks[-1][1]:
            xw2, m2, w2 = blocks.pop()
            xw1, m1, w1 = blocks.pop()
            blocks.append([xw1 + xw2, (m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2])
    inner = [(xw / w, m) for xw, m, w in blocks]
    points = [(0.0, inner[0][1]), *inner, (1.0, inner[-1][1])]
    out: list[tuple[float, float]] = []
    for x, m in points:
        if out and x <= out[-1][0]:
            continue
        out.append((round(x, 6), round(max(m, out[-1][1] if out else 0.0), 6)))
    return tuple(out)


def brier(p: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((np.asarray(p) - np.asarray(y)) ** 2))


def calibration_table(p: np.ndarray, y: np.ndarray, bins: int = 10) -> list[tuple[float, float, int]]:
    """``(mean predicted, observed rate, count)`` per probability bin (reliability diagram)."""
    p, y = np.asarray(p), np.asarray(y)
    edges = np.linspace(0, 1, bins + 1)
    out = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        sel = (p >= lo) & ((p < hi) if hi < 1 else (p <= hi))
        if sel.any():
            out.append((float(p[sel].mean()), float(y[sel].mean()), int(sel.sum())))
    return out
