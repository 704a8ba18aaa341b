"""Structured boosts: signals from the records' structured fields rather than their text.

A boost is an additive amount on the fused score (whose per-signal contributions are in units of
"standard deviations over the candidate pool" with the default z-score fusion, so a boost of 0.5
moves a result about half a standard deviation of one signal). Every boost that fires is reported
with its amount so the explanation can show its share of the final score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class BoostWeights:
    """Boost amounts; the Django side fills this from settings.

    ``neighbours`` maps a city to the cities counted as neighbouring (e.g. the corridor's
    adjacency); ``track_record_saturation`` is the number of completed cooperations at which the
    track-record boost reaches its full amount (logarithmic below that).
    """

    same_field: float = 0.6
    same_city: float = 0.4
    neighbouring_city: float = 0.2
    accepts_vouchers: float = 0.3
    # Per-viewer: the record takes the viewer's own 创新券 / the viewer's 创新积分 tier qualifies.
    your_vouchers: float = 0.5
    tier_qualifies: float = 0.4
    track_record: float = 0.4
    track_record_saturation: int = 10
    neighbours: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def are_neighbours(self, a: str, b: str) -> bool:
        return b in self.neighbours.get(a, frozenset()) or a in self.neighbours.get(b, frozenset())


@dataclass(frozen=True)
class BoostContext:
    """What the query side brings: its field tags, city, and whether vouchers matter to it."""

    fields: frozenset[str] = frozenset()
    city: str | None = None
    wants_vouchers: bool = False


@dataclass(frozen=True)
class DocSignals:
    """What a candidate brings: its field tags, city, voucher acceptance and track record."""

    fields: frozenset[str] = frozenset()
    city: str | None = None
    accepts_vouchers: bool = False
    completed_cooperations: int = 0


def boost_arrays(
    query: BoostContext,
    *,
    fields: Sequence[frozenset[str]],
    cities: Sequence[str | None],
    accepts_vouchers: np.ndarray,
    completed_cooperations: np.ndarray,
    weights: BoostWeights,
) -> dict[str, np.ndarray]:
    """Boost amounts for a batch of candidates: name → array (only boosts that can fire)."""
    n = len(fields)
    out: dict[str, np.ndarray] = {}
    if weights.same_field and query.fields:
        hit = np.fromiter((not query.fields.isdisjoint(f) for f in fields), dtype=bool, count=n)
        if hit.any():
            out["same_field"] = hit * np.float32(weights.same_field)
    if query.city:
        same = np.fromiter((c == query.city for c in cities), dtype=bool, count=n)
        if weights.same_city and same.any():
            out["same_city"] = same * np.float32(weights.same_city)
        if weights.neighbouring_city:
            near = np.fromiter(
                (c is not None and c != query.city and weights.are_neighbours(query.city, c) for c in cities),
                dtype=bool,
                count=n,
            )
            if near.any():
                out["neighbouring_city"] = near * np.float32(weights.neighbouring_city)
    if weights.accepts_vouchers and query.wants_vouchers:
        v = np.asarray(accepts_vouchers, dtype=bool)
        if v.any():
            out["accepts_vouchers"] = v * np.float32(weights.accepts_vouchers)
    if weights.track_record:
        coops = np.asarray(completed_cooperations, dtype=np.float32)
        if (coops > 0).any():
            sat = max(1, weights.track_record_saturation)
            frac = np.minimum(1.0, np.log1p(coops) / np.log1p(sat))
            out["track_record"] = (weights.track_record * frac).astype(np.float32)
    return out


def compute_boosts(query: BoostContext, doc: DocSignals, weights: BoostWeights) -> dict[str, float]:
    """The boosts that fire for one ``doc`` under ``query``: name → amount (non-zero ones only)."""
    arrays = boost_arrays(
        query,
        fields=[doc.fields],
        cities=[doc.city],
        accepts_vouchers=np.array([doc.accepts_vouchers]),
        completed_cooperations=np.array([doc.completed_cooperations]),
        weights=weights,
    )
    return {name: float(v[0]) for name, v in arrays.items() if v[0] != 0}
