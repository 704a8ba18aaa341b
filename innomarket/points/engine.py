"""创新积分 scoring engine — pure Python + numpy, no Django import.

Indicators are data (:class:`Indicator`: key, name, class, unit, :class:`Curve`, weight, cap) grouped in a
versioned :class:`IndicatorSet` with tier cut-offs. :func:`score_one` is the plain-Python reference that
also explains the score; :func:`score_many` scores a whole matrix of enterprises with numpy and returns
exactly the same totals and tiers.

Rounding (the same rule in both paths, so results are identical, not merely close):

* curve points are held in hundredths of a point (integers). A thresholds curve gives the points of the
  highest bound ``<= value`` (0 below the first bound). A linear curve interpolates the hundredths in
  float64 as ``c0 + (c1 - c0) * (x - x0) / (x1 - x0)`` and rounds half up (``floor(y + 0.5)``); both paths
  perform these float operations in the same order, so they agree bit for bit;
* the indicator's cap then applies (``min``);
* weighted points = points × weight, rounded half up to hundredths in exact integer arithmetic (weights
  have at most 4 decimals, points at most 2);
* the total is the sum of the weighted hundredths (so the explanation rows add up to it exactly), capped
  at the set's total cap; the tier is the highest whose cut-off is ``<=`` the total.

A missing value (``None`` or NaN) scores 0 and is flagged. ``±inf`` are values (clamped by the curve).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

import numpy as np
import numpy.typing as npt

CurveKind = Literal["thresholds", "linear"]
IndicatorClass = Literal["技术创新", "成长经营", "辅助"]
INDICATOR_CLASSES: tuple[str, ...] = ("技术创新", "成长经营", "辅助")

_CENT = Decimal("0.01")
_WEIGHT_QUANTUM = Decimal("0.0001")
_WEIGHT_SCALE = 10_000  # weights are held in ten-thousandths
_HALF_WEIGHT = _WEIGHT_SCALE // 2


def _exact(value: object, quantum: Decimal, what: str) -> Decimal:
    """``value`` as a Decimal with at most ``quantum``'s decimals; ValueError if it has more."""
    try:
        dec = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"{what}: not a number: {value!r}") from exc
    if not dec.is_finite():
        raise ValueError(f"{what}: must be finite: {value!r}")
    quantised = dec.quantize(quantum, rounding=ROUND_HALF_UP)
    if quantised != dec:
        raise ValueError(f"{what}: at most {len(str(quantum)) - 2} decimals allowed: {value!r}")
    return quantised


def _to_cents(value: object, what: str) -> int:
    return int(_exact(value, _CENT, what) * 100)


def _cents_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(_CENT)


def _weighted_cents(cents: int, weight_units: int) -> int:
    """points × weight in hundredths, rounded half up (exact integer arithmetic)."""
    return (cents * weight_units + _HALF_WEIGHT) // _WEIGHT_SCALE


@dataclass(frozen=True)
class Curve:
    """How a raw value becomes points.

    ``kind="thresholds"``: ``steps`` are ``(bound, points)`` with strictly increasing bounds; a value gets
    the points of the highest bound it reaches (``value >= bound``), 0 below the first bound.
    ``kind="linear"``: ``steps`` are breakpoints ``(x, points)`` with strictly increasing x, interpolated
    linearly between them and clamped to the first/last points outside. Points have at most 2 decimals
    and are >= 0; they need not be monotone (a lower-is-better indicator falls with the value).
    """

    kind: CurveKind
    steps: tuple[tuple[float, float | Decimal | str], ...]
    bounds: tuple[float, ...] = field(init=False, repr=False, compare=False)
    cents: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in ("thresholds", "linear"):
            raise ValueError(f"curve kind must be 'thresholds' or 'linear', not {self.kind!r}")
        steps = tuple((float(x), p) for x, p in self.steps)
        minimum = 1 if self.kind == "thresholds" else 2
        if len(steps) < minimum:
            raise ValueError(f"a {self.kind} curve needs at least {minimum} steps")
        bounds = tuple(x for x, _ in steps)
        if any(not math.isfinite(x) for x in bounds):
            raise ValueError("curve bounds must be finite")
        if any(b <= a for a, b in zip(bounds, bounds[1:], strict=False)):
            raise ValueError("curve bounds must be strictly increasing")
        cents = tuple(_to_cents(p, "curve points") for _, p in steps)
        if any(c < 0 for c in cents):
            raise ValueError("curve points must be >= 0")
        object.__setattr__(self, "steps", steps)
        object.__setattr__(self, "bounds", bounds)
        object.__setattr__(self, "cents", cents)

    @classmethod
    def thresholds(cls, *steps: tuple[float, float | Decimal | str]) -> Curve:
        return cls("thresholds", tuple(steps))

    @classmethod
    def linear(cls, *breakpoints: tuple[float, float | Decimal | str]) -> Curve:
        return cls("linear", tuple(breakpoints))

    def points_cents(self, value: float) -> int:
        """Uncapped points of a (non-missing) value, in hundredths."""
        bounds, cents = self.bounds, self.cents
        if self.kind == "thresholds":
            i = bisect_right(bounds, value)
            return cents[i - 1] if i else 0
        if value <= bounds[0]:
            return cents[0]
        if value >= bounds[-1]:
            return cents[-1]
        j = bisect_right(bounds, value) - 1
        x0, x1, c0, c1 = bounds[j], bounds[j + 1], cents[j], cents[j + 1]
        return math.floor(c0 + (c1 - c0) * (value - x0) / (x1 - x0) + 0.5)


@dataclass(frozen=True)
class Indicator:
    """One 创新积分 indicator. ``weight`` has at most 4 decimals; ``cap`` (points, optional) bounds the
    curve's points before weighting."""

    key: str
    name: str
    klass: IndicatorClass
    unit: str
    curve: Curve
    weight: Decimal | float | str = Decimal(1)
    cap: Decimal | float | str | None = None
    weight_units: int = field(init=False, repr=False, compare=False)
    cap_cents: int | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError("indicator key must not be empty")
        if self.klass not in INDICATOR_CLASSES:
            raise ValueError(f"{self.key}: class must be one of {INDICATOR_CLASSES}, not {self.klass!r}")
        weight = _exact(self.weight, _WEIGHT_QUANTUM, f"{self.key}: weight")
        if weight < 0:
            raise ValueError(f"{self.key}: weight must be >= 0")
        object.__setattr__(self, "weight", weight)
        object.__setattr__(self, "weight_units", int(weight * _WEIGHT_SCALE))
        if self.cap is None:
            object.__setattr__(self, "cap_cents", None)
        else:
            cap = _exact(self.cap, _CENT, f"{self.key}: cap")
            if cap < 0:
                raise ValueError(f"{self.key}: cap must be >= 0")
            object.__setattr__(self, "cap", cap)
            object.__setattr__(self, "cap_cents", int(cap * 100))

    def capped_cents(self, raw_cents: int) -> int:
        return raw_cents if self.cap_cents is None else min(raw_cents, self.cap_cents)


@dataclass(frozen=True)
class IndicatorSet:
    """A versioned set of indicators with tier cut-offs (``{"A": 85, "B": 70, "C": 55}``: a total reaching
    a cut-off gets that tier, the highest reached wins, below all gets ``floor_tier``) and a total cap."""

    version: str
    indicators: tuple[Indicator, ...]
    tiers: Mapping[str, Decimal | float | str] = field(
        default_factory=lambda: {"A": Decimal(85), "B": Decimal(70), "C": Decimal(55)}
    )
    floor_tier: str = "D"
    total_cap: Decimal | float | str = Decimal(100)
    total_cap_cents: int = field(init=False, repr=False, compare=False)
    tier_cuts: tuple[int, ...] = field(init=False, repr=False, compare=False)  # ascending, hundredths
    tier_labels: tuple[str, ...] = field(init=False, repr=False, compare=False)  # floor first, then ascending

    def __post_init__(self) -> None:
        indicators = tuple(self.indicators)
        if not indicators:
            raise ValueError("an indicator set needs at least one indicator")
        keys = [i.key for i in indicators]
        if len(set(keys)) != len(keys):
            raise ValueError("indicator keys must be unique")
        object.__setattr__(self, "indicators", indicators)
        cap = _exact(self.total_cap, _CENT, "total cap")
        if cap < 0:
            raise ValueError("total cap must be >= 0")
        object.__setattr__(self, "total_cap", cap)
        object.__setattr__(self, "total_cap_cents", int(cap * 100))
        cuts = sorted((_to_cents(v, f"tier {k} cut-off"), k) for k, v in self.tiers.items())
        if len({c for c, _ in cuts}) != len(cuts):
            raise ValueError("tier cut-offs must be distinct")
        if self.floor_tier in self.tiers:
            raise ValueError("the floor tier must not have a cut-off")
        object.__setattr__(self, "tiers", {k: _cents_decimal(c) for c, k in reversed(cuts)})
        object.__setattr__(self, "tier_cuts", tuple(c for c, _ in cuts))
        object.__setattr__(self, "tier_labels", (self.floor_tier, *(k for _, k in cuts)))

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(i.key for i in self.indicators)

    def tier_of(self, total_cents: int) -> str:
        return self.tier_labels[bisect_right(self.tier_cuts, total_cents)]


@dataclass(frozen=True)
class IndicatorScore:
    key: str
    name: str
    klass: str
    unit: str
    value: float | None
    missing: bool
    points: Decimal  # after the indicator's cap
    weight: Decimal
    weighted: Decimal


@dataclass(frozen=True)
class Gain:
    """What would raise the total most: reach ``value_needed`` on ``key`` for ``gain`` more points."""

    key: str
    name: str
    value_needed: float
    points_after: Decimal
    gain: Decimal


@dataclass(frozen=True)
class Score:
    version: str
    indicators: tuple[IndicatorScore, ...]
    total: Decimal
    tier: str
    best_gain: Gain | None
    missing: tuple[str, ...]

    @property
    def total_cents(self) -> int:
        return int(self.total * 100)


def _next_step(
    curve: Curve, value: float | None, current_cents: int, cap_cents: int | None
) -> tuple[float, int] | None:
    """The smallest step/breakpoint above ``value`` whose (capped) points exceed the current points."""
    start = 0 if value is None else bisect_right(curve.bounds, value)
    for bound, cents in zip(curve.bounds[start:], curve.cents[start:], strict=True):
        target = cents if cap_cents is None else min(cents, cap_cents)
        if target > current_cents:
            return bound, target
    return None


def score_one(indicator_set: IndicatorSet, values: Mapping[str, float | None]) -> Score:
    """Score one enterprise (the plain-Python reference) and explain it.

    ``values`` maps indicator keys to raw values; absent keys, ``None`` and NaN are missing (0 points,
    listed in ``missing``); keys not in the set are ignored. ``best_gain`` is the indicator whose next
    threshold (or the end of the next rising linear segment) would raise the capped total most, with the
    value needed; ties go to the earlier indicator; ``None`` when nothing can raise the total.
    """
    rows: list[IndicatorScore] = []
    weighted_cents: list[int] = []
    missing: list[str] = []
    for ind in indicator_set.indicators:
        raw = values.get(ind.key)
        value = None if raw is None else float(raw)
        if value is None or math.isnan(value):
            value, cents = None, 0
            missing.append(ind.key)
        else:
            cents = ind.capped_cents(ind.curve.points_cents(value))
        wc = _weighted_cents(cents, ind.weight_units)
        weighted_cents.append(wc)
        rows.append(
            IndicatorScore(
                key=ind.key,
                name=ind.name,
                klass=ind.klass,
                unit=ind.unit,
                value=value,
                missing=value is None,
                points=_cents_decimal(cents),
                weight=Decimal(ind.weight),
                weighted=_cents_decimal(wc),
            )
        )
    uncapped = sum(weighted_cents)
    total = min(uncapped, indicator_set.total_cap_cents)

    best: Gain | None = None
    best_gain = 0
    for ind, row, wc in zip(indicator_set.indicators, rows, weighted_cents, strict=True):
        step = _next_step(ind.curve, row.value, int(row.points * 100), ind.cap_cents)
        if step is None:
            continue
        bound, target = step
        new_total = min(
            uncapped - wc + _weighted_cents(target, ind.weight_units), indicator_set.total_cap_cents
        )
        gain = new_total - total
        if gain > best_gain:
            best_gain = gain
            best = Gain(ind.key, ind.name, bound, _cents_decimal(target), _cents_decimal(gain))

    return Score(
        version=indicator_set.version,
        indicators=tuple(rows),
        total=_cents_decimal(total),
        tier=indicator_set.tier_of(total),
        best_gain=best,
        missing=tuple(missing),
    )


def _column_cents(curve: Curve, x: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Vectorised :meth:`Curve.points_cents` for a column without NaN (same float operations)."""
    bounds = np.asarray(curve.bounds, dtype=np.float64)
    cents = np.asarray(curve.cents, dtype=np.int64)
    i = np.searchsorted(bounds, x, side="right")
    if curve.kind == "thresholds":
        padded = np.concatenate((np.zeros(1, dtype=np.int64), cents))
        return padded[i]
    j = np.clip(i - 1, 0, len(bounds) - 2)
    x0, x1 = bounds[j], bounds[j + 1]
    c0, c1 = cents[j].astype(np.float64), cents[j + 1].astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):  # ±inf rows: computed, then overwritten below
        inside = np.floor(c0 + (c1 - c0) * (x - x0) / (x1 - x0) + 0.5)
    # outside the breakpoints the inner formula is not evaluated by the reference: overwrite it
    out = np.where(x <= bounds[0], cents[0], np.where(x >= bounds[-1], cents[-1], inside))
    return out.astype(np.int64)


def score_many_cents(
    indicator_set: IndicatorSet, matrix: npt.ArrayLike
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp]]:
    """Totals in hundredths and tier indexes into ``indicator_set.tier_labels`` (0 = floor tier)."""
    m = np.asarray(matrix, dtype=np.float64)
    k = len(indicator_set.indicators)
    if m.ndim != 2 or m.shape[1] != k:
        raise ValueError(f"matrix must have shape (n, {k}) in indicator order, got {m.shape}")
    total = np.zeros(m.shape[0], dtype=np.int64)
    for col, ind in enumerate(indicator_set.indicators):  # a loop over indicators, not enterprises
        x = m[:, col]
        missing = np.isnan(x)
        safe = np.where(missing, ind.curve.bounds[0], x) if missing.any() else x
        cents = _column_cents(ind.curve, safe)
        if ind.cap_cents is not None:
            np.minimum(cents, ind.cap_cents, out=cents)
        cents[missing] = 0
        total += (cents * ind.weight_units + _HALF_WEIGHT) // _WEIGHT_SCALE
    np.minimum(total, indicator_set.total_cap_cents, out=total)
    tier_index = np.searchsorted(np.asarray(indicator_set.tier_cuts, dtype=np.int64), total, side="right")
    return total, tier_index


def score_many(
    indicator_set: IndicatorSet, matrix: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.str_]]:
    """Score ``matrix`` (shape ``[n, k]``, columns in indicator order, NaN = missing) without a Python loop
    over enterprises. Returns totals (float64, each equal to ``float(score_one(...).total)``) and tier
    labels; identical to :func:`score_one` row by row."""
    total, tier_index = score_many_cents(indicator_set, matrix)
    labels = np.asarray(indicator_set.tier_labels)
    return total / 100.0, labels[tier_index]


def percentile(totals: npt.ArrayLike, value: float) -> float:
    """Percentile rank of ``value`` among ``totals``: the share (0–100) of totals ``<= value``."""
    arr = np.asarray(totals, dtype=np.float64).ravel()
    if arr.size == 0:
        raise ValueError("percentile of an empty set of totals")
    arr = np.sort(arr)
    return float(np.searchsorted(arr, value, side="right")) * 100.0 / arr.size


__all__ = [
    "Curve",
    "Gain",
    "Indicator",
    "IndicatorScore",
    "IndicatorSet",
    "Score",
    "percentile",
    "score_many",
    "score_many_cents",
    "score_one",
]
