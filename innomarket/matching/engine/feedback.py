"""Learning from outcomes: what happened to earlier recommendations adjusts the next ones.

Every answer to a recommendation is an outcome for the supplier it concerned — awarded, shortlisted,
a bid after an invitation (positive), or an invitation declined as "not our field" (negative;
declines for capacity, timing or budget say nothing about fit and count zero). An outcome is kept
with the vector of the need it answered and the labels (disciplines, fields) of the supplier. For
a new need, each candidate supplier gets two features, sums of outcomes weighted by how similar
their needs were to this one (a linear ramp from ``floor`` similarity to 1), clipped to ±``cap``:

* ``feedback`` — its own outcomes (and its organisation's): a team that declined three close needs
  as not its field is pushed down for the fourth; one awarded on a close need is pushed up;
* ``field_feedback`` — among the answers to the needs most like this one, how the suppliers
  sharing one of its labels answered: when teams of a field keep taking needs like this one and
  others decline them as not their field, the need belongs to that field — the other teams of the
  field are likelier to fit too.

Needs unlike any earlier one get no feedback at all. The supplier model weighs these features like
the others (``bench/train_relevance.py``). Pure numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# Outcome values by kind (the Django side maps its events onto these).
OUTCOME_VALUES = {
    "awarded": 1.0,
    "shortlisted": 0.8,
    "bid": 0.6,  # a bid, after an invitation or unprompted
    "declined_not_fit": -1.0,  # invitation or bid declined because the field or capability does not fit
    "declined_other": 0.0,  # capacity, timing, budget: no information about fit
    "bid_declined_fit": -0.6,  # the owner declined the bid: technical approach or capability did not fit
}


@dataclass(frozen=True)
class Outcome:
    """One answer: ``vector`` is the need's embedding, ``supplier`` the unit it concerned (or its
    organisation), ``labels`` the supplier's disciplines and fields."""

    vector: np.ndarray
    supplier: str
    value: float
    labels: frozenset[str] = frozenset()


class OutcomeMemory:
    """Outcomes by supplier, queried by similarity of needs."""

    def __init__(
        self,
        outcomes: Sequence[Outcome] = (),
        *,
        floor: float = 0.86,
        cap: float = 3.0,
        neighbours: int = 30,
        temperature: float = 0.01,
    ) -> None:
        self.floor = floor
        self.cap = cap
        self.neighbours = neighbours
        self.temperature = temperature
        self._by_supplier = self._group(outcomes, lambda o: (o.supplier,))
        kept = [o for o in outcomes if o.value]
        self._all = (
            (
                np.stack([np.asarray(o.vector, dtype=np.float32) for o in kept]),
                np.array([o.value for o in kept], dtype=np.float64),
                [o.labels for o in kept],
            )
            if kept
            else None
        )

    @staticmethod
    def _group(outcomes: Sequence[Outcome], keys: Any) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        grouped: dict[str, list[Outcome]] = {}
        for o in outcomes:
            if o.value:
                for key in keys(o):
                    grouped.setdefault(key, []).append(o)
        return {
            key: (
                np.stack([np.asarray(o.vector, dtype=np.float32) for o in items]),
                np.array([o.value for o in items], dtype=np.float64),
            )
            for key, items in grouped.items()
        }

    def __len__(self) -> int:
        return sum(len(v[1]) for v in self._by_supplier.values())

    def feedback(
        self, vector: np.ndarray, suppliers: Sequence[str], organisations: Sequence[str | None] | None = None
    ) -> np.ndarray:
        """Each supplier's similarity-weighted outcome sum for a need with embedding ``vector``;
        outcomes kept under a supplier's organisation (an organisation answered for all its
        groups) count for each of its suppliers too."""
        out = np.zeros(len(suppliers), dtype=np.float64)
        if not self._by_supplier:
            return out
        q = np.asarray(vector, dtype=np.float32)
        span = max(1e-6, 1.0 - self.floor)
        orgs = organisations if organisations is not None else [None] * len(suppliers)
        for i, (supplier, org) in enumerate(zip(suppliers, orgs, strict=True)):
            for key in (supplier, org) if org is not None and org != supplier else (supplier,):
                hit = self._by_supplier.get(key)
                if hit is None:
                    continue
                vectors, values = hit
                weight = np.clip((vectors @ q - self.floor) / span, 0.0, 1.0)
                out[i] += float(weight @ values)
        return np.clip(out, -self.cap, self.cap)

    def field_feedback(self, vector: np.ndarray, labels: Sequence[frozenset[str]]) -> np.ndarray:
        """For each label set, how the suppliers of those fields answered the needs most like this
        one: over the ``neighbours`` most similar earlier answers (weighted like the neighbourhood
        vote of :mod:`suppliers`, plus an empty pseudo-answer at ``floor`` similarity, so that
        answers to unlike needs say little), the weighted mean value of those given by suppliers
        sharing a label; between −1 and 1, 0 without history."""
        out = np.zeros(len(labels), dtype=np.float64)
        if self._all is None:
            return out
        vectors, values, answer_labels = self._all
        q = np.asarray(vector, dtype=np.float32)
        sims = vectors @ q
        k = min(self.neighbours, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        best = max(float(sims[top].max()), self.floor)
        weights = np.exp((sims[top] - best) / self.temperature)
        total = float(weights.sum() + np.exp((self.floor - best) / self.temperature))
        for i, labs in enumerate(labels):
            if labs:
                hit = np.fromiter((not labs.isdisjoint(answer_labels[j]) for j in top), dtype=bool, count=k)
                out[i] = float((weights * values[top] * hit).sum()) / total
        return out
