"""创新积分 engine: curves, caps, missing values, tiers, best_gain, and score_many == score_one exactly.
No database."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from innomarket.points.engine import Curve, Indicator, IndicatorSet, percentile, score_many, score_one

NAN = float("nan")


def _ind(
    key: str, curve: Curve, weight: object = 1, cap: object = None, klass: str = "技术创新"
) -> Indicator:
    return Indicator(key, key, klass, "", curve, weight=weight, cap=cap)  # type: ignore[arg-type]


def _set(
    *indicators: Indicator, tiers: dict[str, object] | None = None, total_cap: object = 100
) -> IndicatorSet:
    return IndicatorSet(
        "test",
        indicators,
        tiers=tiers or {"A": 85, "B": 70, "C": 55},  # type: ignore[arg-type]
        total_cap=total_cap,  # type: ignore[arg-type]
    )


def _points(curve: Curve, value: float) -> Decimal:
    return score_one(_set(_ind("x", curve)), {"x": value}).indicators[0].points


# --- curves -------------------------------------------------------------------------------------


def test_thresholds_give_points_of_highest_bound_reached_and_zero_below_first():
    curve = Curve.thresholds((1, 5), (3, 10), (10, 20))
    assert _points(curve, 0.999) == Decimal("0.00")
    assert _points(curve, 1) == Decimal("5.00")  # a bound is reached at equality
    assert _points(curve, 2.999) == Decimal("5.00")
    assert _points(curve, 3) == Decimal("10.00")
    assert _points(curve, 1e9) == Decimal("20.00")
    assert _points(curve, -math.inf) == Decimal("0.00")
    assert _points(curve, math.inf) == Decimal("20.00")


def test_linear_interpolates_and_clamps_at_both_ends():
    curve = Curve.linear((0, 2), (10, 12), (20, 12))
    assert _points(curve, -5) == Decimal("2.00")
    assert _points(curve, 0) == Decimal("2.00")
    assert _points(curve, 2.5) == Decimal("4.50")
    assert _points(curve, 10) == Decimal("12.00")
    assert _points(curve, 15) == Decimal("12.00")
    assert _points(curve, 99) == Decimal("12.00")
    assert _points(curve, math.inf) == Decimal("12.00")


def test_linear_rounds_half_up_to_hundredths():
    curve = Curve.linear((0, 0), (2, "0.01"))
    assert _points(curve, 1) == Decimal("0.01")  # 0.5 hundredth rounds up
    assert _points(curve, 0.9) == Decimal("0.00")


def test_falling_curve_expresses_lower_is_better():
    debt_ratio = Curve.thresholds((0, 10), (50, 6), (70, 0))
    assert _points(debt_ratio, 30) == Decimal("10.00")
    assert _points(debt_ratio, 60) == Decimal("6.00")
    assert _points(debt_ratio, 80) == Decimal("0.00")


@pytest.mark.parametrize(
    "make",
    [
        lambda: Curve.thresholds(),
        lambda: Curve.linear((0, 1)),
        lambda: Curve.thresholds((1, 1), (1, 2)),
        lambda: Curve.linear((2, 1), (1, 2)),
        lambda: Curve.thresholds((1, "0.001")),
        lambda: Curve.thresholds((1, -1)),
        lambda: Curve.thresholds((math.inf, 1)),
        lambda: Curve("steps", ((1, 1),)),  # type: ignore[arg-type]
    ],
)
def test_invalid_curves_are_refused(make):
    with pytest.raises(ValueError):
        make()


def test_invalid_indicators_and_sets_are_refused():
    curve = Curve.thresholds((1, 1))
    with pytest.raises(ValueError):
        _ind("x", curve, weight="0.00001")
    with pytest.raises(ValueError):
        _ind("x", curve, klass="其他")
    with pytest.raises(ValueError):
        _set(_ind("x", curve), _ind("x", curve))
    with pytest.raises(ValueError):
        _set(_ind("x", curve), tiers={"A": 80, "B": 80})


# --- caps, weights, missing values, tiers ----------------------------------------------------------


def test_indicator_cap_bounds_points_before_weighting():
    s = _set(_ind("x", Curve.linear((0, 0), (100, 100)), weight="0.5", cap=30))
    row = score_one(s, {"x": 80}).indicators[0]
    assert (row.points, row.weighted) == (Decimal("30.00"), Decimal("15.00"))


def test_weighted_points_round_half_up_and_rows_add_up_to_total():
    s = _set(
        _ind("a", Curve.thresholds((0, "3.33")), weight="0.15"),  # 0.4995 -> 0.50
        _ind("b", Curve.thresholds((0, "3.33")), weight="0.15"),
    )
    score = score_one(s, {"a": 1, "b": 1})
    assert [r.weighted for r in score.indicators] == [Decimal("0.50"), Decimal("0.50")]
    assert score.total == Decimal("1.00") == sum(r.weighted for r in score.indicators)


def test_total_is_capped():
    s = _set(_ind("a", Curve.thresholds((0, 80))), _ind("b", Curve.thresholds((0, 80))))
    assert score_one(s, {"a": 1, "b": 1}).total == Decimal("100.00")
    totals, tiers = score_many(s, [[1, 1]])
    assert totals.tolist() == [100.0] and tiers.tolist() == ["A"]


def test_missing_values_score_zero_and_are_flagged():
    s = _set(_ind("a", Curve.linear((0, 10), (1, 20))), _ind("b", Curve.thresholds((0, 5))))
    score = score_one(s, {"a": None})  # b absent altogether
    assert score.missing == ("a", "b")
    assert all(r.missing and r.points == 0 and r.value is None for r in score.indicators)
    assert score_one(s, {"a": NAN, "b": 3}).missing == ("a",)
    totals, _ = score_many(s, [[NAN, NAN], [NAN, 3]])
    assert totals.tolist() == [0.0, 5.0]


@pytest.mark.parametrize(
    ("total", "tier"),
    [(0, "D"), (54.99, "D"), (55, "C"), (69.99, "C"), (70, "B"), (85, "A"), (100, "A")],
)
def test_tier_cut_offs_are_inclusive(total, tier):
    s = _set(_ind("x", Curve.linear((0, 0), (100, 100))))
    assert score_one(s, {"x": total}).tier == tier
    assert score_many(s, [[total]])[1].tolist() == [tier]


def test_tier_cut_offs_are_configurable():
    s = _set(_ind("x", Curve.linear((0, 0), (100, 100))), tiers={"优": 90, "良": 60})
    s = IndicatorSet("t", s.indicators, tiers={"优": 90, "良": 60}, floor_tier="一般")
    assert [score_one(s, {"x": v}).tier for v in (10, 60, 95)] == ["一般", "良", "优"]
    assert score_many(s, [[10], [60], [95]])[1].tolist() == ["一般", "良", "优"]


# --- best_gain -----------------------------------------------------------------------------------


def test_best_gain_picks_the_indicator_whose_next_step_raises_the_weighted_total_most():
    s = _set(
        _ind("patents", Curve.thresholds((1, 10), (5, 20)), weight="0.5"),  # next: +5 weighted
        _ind("rd_ratio", Curve.thresholds((3, 10), (6, 30)), weight="0.4"),  # next: +8 weighted
    )
    gain = score_one(s, {"patents": 2, "rd_ratio": 4}).best_gain
    assert gain is not None
    assert (gain.key, gain.value_needed, gain.points_after, gain.gain) == (
        "rd_ratio",
        6.0,
        Decimal("30.00"),
        Decimal("8.00"),
    )


def test_best_gain_for_a_missing_value_is_the_first_scoring_bound():
    s = _set(_ind("a", Curve.thresholds((0, 0), (2, 10))), _ind("b", Curve.thresholds((1, 1))))
    gain = score_one(s, {"b": 5}).best_gain
    assert gain is not None and (gain.key, gain.value_needed, gain.gain) == ("a", 2.0, Decimal("10.00"))


def test_best_gain_on_linear_curve_is_the_end_of_the_rising_segment_and_respects_caps():
    s = _set(_ind("x", Curve.linear((0, 0), (10, 50), (20, 80)), cap=60))
    gain = score_one(s, {"x": 4}).best_gain
    assert gain is not None and (gain.value_needed, gain.points_after, gain.gain) == (
        10.0,
        Decimal("50.00"),
        Decimal("30.00"),
    )
    gain = score_one(s, {"x": 12}).best_gain  # 56 now, the cap allows 4 more
    assert gain is not None and (gain.value_needed, gain.gain) == (20.0, Decimal("4.00"))
    assert score_one(s, {"x": 15}).best_gain is None  # already at the cap


def test_best_gain_respects_the_total_cap_and_is_none_at_the_top():
    s = _set(_ind("a", Curve.thresholds((0, 90), (1, 100))), _ind("b", Curve.thresholds((0, 5), (1, 8))))
    gain = score_one(s, {"a": 0, "b": 0}).best_gain
    assert gain is not None and (gain.key, gain.gain) == ("a", Decimal("5.00"))  # 95 -> 100 (capped)
    assert score_one(s, {"a": 1, "b": 0}).best_gain is None


# --- score_many / percentile ----------------------------------------------------------------------


def test_score_many_checks_the_matrix_shape():
    s = _set(_ind("a", Curve.thresholds((0, 1))))
    with pytest.raises(ValueError):
        score_many(s, np.zeros((3, 2)))


def test_percentile_is_the_share_of_totals_at_or_below():
    totals = np.array([10.0, 20.0, 20.0, 30.0])
    assert percentile(totals, 20.0) == 75.0
    assert percentile(totals, 5.0) == 0.0
    assert percentile(totals, 30.0) == 100.0


# --- property: the vectorised path equals the reference exactly ------------------------------------

_cents = st.integers(min_value=0, max_value=10_000).map(lambda c: Decimal(c) / 100)


@st.composite
def _curves(draw: st.DrawFn) -> Curve:
    kind = draw(st.sampled_from(["thresholds", "linear"]))
    n = draw(st.integers(min_value=1 if kind == "thresholds" else 2, max_value=6))
    bounds = draw(
        st.lists(
            st.floats(min_value=-1e6, max_value=1e6, allow_nan=False) | st.integers(-100, 100).map(float),
            min_size=n,
            max_size=n,
            unique=True,
        )
    )
    points = draw(st.lists(_cents, min_size=n, max_size=n))
    return Curve(kind, tuple(zip(sorted(bounds), points, strict=True)))


@st.composite
def _indicator_sets(draw: st.DrawFn) -> IndicatorSet:
    k = draw(st.integers(min_value=1, max_value=20))
    indicators = tuple(
        Indicator(
            f"i{j}",
            f"指标{j}",
            draw(st.sampled_from(["技术创新", "成长经营", "辅助"])),
            "",
            draw(_curves()),
            weight=draw(st.integers(0, 20_000).map(lambda w: Decimal(w) / 10_000)),
            cap=draw(st.none() | _cents),
        )
        for j in range(k)
    )
    cuts = draw(st.lists(st.integers(0, 10_000), min_size=1, max_size=4, unique=True))
    tiers = {label: Decimal(c) / 100 for label, c in zip("ABCD", sorted(cuts, reverse=True), strict=False)}
    return IndicatorSet("prop", indicators, tiers=tiers, floor_tier="E", total_cap=draw(_cents))


def _random_matrix(s: IndicatorSet, n: int, seed: int) -> np.ndarray:
    """Values spread over each curve's range, with exact bounds, values just below them, segment midpoints,
    ±inf and NaN gaps."""
    rng = np.random.default_rng(seed)
    cols = []
    for ind in s.indicators:
        b = np.asarray(ind.curve.bounds)
        lo, hi = b[0], b[-1]
        span = max(hi - lo, 1.0)
        x = rng.uniform(lo - 0.2 * span, hi + 0.2 * span, n)
        pick = rng.random(n)
        exact = rng.choice(b, n)
        x = np.where(pick < 0.15, exact, x)
        x = np.where((pick >= 0.15) & (pick < 0.2), np.nextafter(exact, -np.inf), x)
        x = np.where((pick >= 0.2) & (pick < 0.21), rng.choice([-np.inf, np.inf], n), x)
        if len(b) > 1:  # segment midpoints: exact half-hundredths where rounding ties are decided
            mids = (b[:-1] + b[1:]) / 2
            x = np.where((pick >= 0.21) & (pick < 0.3), rng.choice(mids, n), x)
        x = np.where(rng.random(n) < 0.12, np.nan, x)
        cols.append(x)
    return np.column_stack(cols)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s=_indicator_sets(), seed=st.integers(0, 2**32 - 1))
def test_score_many_equals_score_one_exactly_on_1000_random_enterprises(s, seed):
    matrix = _random_matrix(s, 1000, seed)
    totals, tiers = score_many(s, matrix)
    keys = s.keys
    for row, total, tier in zip(matrix, totals, tiers, strict=True):
        ref = score_one(s, dict(zip(keys, row.tolist(), strict=True)))
        assert float(ref.total) == total
        assert ref.tier == tier
