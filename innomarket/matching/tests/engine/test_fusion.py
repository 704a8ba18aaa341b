"""Candidate selection and normalisation of the fusion step; no database, no model."""

import numpy as np
import pytest

from innomarket.matching.engine.fusion import (
    FusionWeights,
    best_of,
    candidate_pool,
    normalise,
    top_slots,
)


def brute_top(scores, mask, k, positive=True):
    """Reference: sort every eligible slot by (score desc, slot asc) and keep k."""
    cand = np.flatnonzero(mask & (scores > 0) if positive else mask)
    order = np.lexsort((cand, -scores[cand]))
    return set(cand[order[:k]].tolist())


def test_best_of_breaks_ties_towards_the_lower_slot():
    cand = np.array([9, 3, 7, 1, 5])
    vals = np.array([2.0, 1.0, 1.0, 1.0, 3.0], dtype=np.float32)
    assert set(best_of(cand, vals, 3).tolist()) == {5, 9, 1}
    assert set(best_of(cand, vals, 4).tolist()) == {5, 9, 1, 3}
    assert set(best_of(cand, vals, 9).tolist()) == {9, 3, 7, 1, 5}


@pytest.mark.parametrize("n", [5_000, 300_000])  # direct path, sampled threshold path
def test_top_slots_equals_a_full_sort_with_ties_masks_and_few_positives(n):
    rng = np.random.default_rng(n)
    for trial in range(6):
        # Coarse scores (many ties), a share of zeros, a filter mask of varying strictness.
        scores = np.round(rng.gamma(2.0, size=n), 1).astype(np.float32)
        scores[rng.random(n) < [0.5, 0.99, 0.9999, 0.0, 0.3, 0.7][trial]] = 0
        mask = rng.random(n) < [1.0, 1.0, 0.5, 0.01, 0.001, 0.2][trial]
        for k in (1, 20, 200, 300):
            for positive in (True, False):
                got = top_slots(scores, mask, k, positive=positive)
                assert len(got) == len(set(got.tolist()))
                assert set(got.tolist()) == brute_top(scores, mask, k, positive), (trial, k, positive)


def test_pool_from_precomputed_tops_equals_the_pool_from_scratch():
    rng = np.random.default_rng(1)
    n = 80_000
    signals = {
        "words": np.round(rng.gamma(1.0, size=n) * (rng.random(n) < 0.3), 1).astype(np.float32),
        "bigrams": np.round(rng.gamma(1.0, size=n) * (rng.random(n) < 0.6), 1).astype(np.float32),
        "dense": rng.random(n).astype(np.float32),
    }
    mask = rng.random(n) < 0.8
    weights = FusionWeights(pool=200)
    scratch = candidate_pool(signals, mask, weights)
    tops = {name: top_slots(signals[name], mask, 300) for name in ("words", "bigrams")}
    np.testing.assert_array_equal(candidate_pool(signals, mask, weights, tops=tops), scratch)


def test_zscore_matches_numpy_mean_and_std():
    rng = np.random.default_rng(2)
    values = rng.gamma(2.0, size=437).astype(np.float32)
    v = values.astype(np.float64)
    expected = ((v - v.mean()) / v.std()).astype(np.float32)
    np.testing.assert_array_equal(normalise(values, "zscore"), expected)
    assert not normalise(np.full(5, 3.0, dtype=np.float32), "zscore").any()
