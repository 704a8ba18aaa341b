"""创新积分 recompute speed: N enterprises × 20 indicators scored by the vectorised ``score_many``, next to
the plain-Python reference ``score_one`` on a sample, in the same run; exits 1 unless both agree exactly.

    .venv/bin/python bench/points_speed.py [--enterprises 100000] [--reference 2000] [--repeat 5] [--seed 12] [--json]

The indicator set is ILLUSTRATIVE: 20 indicators shaped like the classes of the national 企业创新积分制
guideline (技术创新 / 成长经营 / 辅助), with plausible names, units, curves and weights; the figures and
thresholds are invented for the benchmark, not taken from the guideline or any city's scheme. Enterprises
are random (seeded), their indicators correlated through a latent strength: log-normal amounts, normal
ratios and rates, Poisson counts, about 10% missing values.

``score_many`` is timed best of ``--repeat`` runs over all enterprises (the matrix is built beforehand).
``score_one`` is timed once over the first ``--reference`` enterprises (their value dicts are built
beforehand; it also computes each explanation and ``best_gain``). Every reference score is then compared
with the vectorised total and tier (identity, not closeness).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from innomarket.points.engine import (  # noqa: E402
    Curve,
    Indicator,
    IndicatorSet,
    percentile,
    score_many,
    score_one,
)

T, L = Curve.thresholds, Curve.linear


def illustrative_set() -> IndicatorSet:
    """20 indicators, weights summing to 1, each scoring 0–100 points (so the total is 0–100)."""
    ind = Indicator
    indicators = (
        # 技术创新 (weights 0.50)
        ind(
            "rd_expense",
            "研发费用总额",
            "技术创新",
            "万元",
            L((0, 0), (100, 40), (500, 75), (2000, 100)),
            "0.08",
        ),
        ind(
            "rd_ratio",
            "研发费用占营业收入比重",
            "技术创新",
            "%",
            L((0, 0), (3, 50), (6, 80), (10, 100)),
            "0.09",
        ),
        ind("rd_staff", "研发人员数", "技术创新", "人", T((1, 20), (10, 50), (30, 80), (100, 100)), "0.04"),
        ind(
            "rd_staff_ratio",
            "研发人员占职工总数比重",
            "技术创新",
            "%",
            L((0, 0), (10, 60), (30, 100)),
            "0.05",
        ),
        ind(
            "invention_patents",
            "有效发明专利数",
            "技术创新",
            "件",
            T((1, 30), (3, 60), (10, 85), (30, 100)),
            "0.08",
        ),
        ind(
            "new_ip_3y",
            "近三年新增知识产权数",
            "技术创新",
            "件",
            T((1, 20), (5, 50), (15, 80), (40, 100)),
            "0.05",
        ),
        ind("tech_contracts", "技术合同成交额", "技术创新", "万元", L((0, 0), (50, 40), (500, 100)), "0.04"),
        ind("standards", "主导或参与制定标准数", "技术创新", "项", T((1, 50), (2, 75), (4, 100)), "0.03"),
        ind(
            "new_product_share", "新产品销售收入占比", "技术创新", "%", L((0, 0), (20, 60), (50, 100)), "0.04"
        ),
        # 成长经营 (weights 0.35)
        ind(
            "revenue",
            "营业收入",
            "成长经营",
            "万元",
            L((0, 0), (1000, 40), (10000, 80), (50000, 100)),
            "0.07",
        ),
        ind(
            "revenue_growth",
            "营业收入增长率",
            "成长经营",
            "%",
            L((-20, 0), (0, 30), (20, 70), (50, 100)),
            "0.07",
        ),
        ind(
            "net_profit", "净利润", "成长经营", "万元", L((0, 0), (100, 40), (1000, 80), (5000, 100)), "0.05"
        ),
        ind(
            "profit_growth",
            "净利润增长率",
            "成长经营",
            "%",
            L((-30, 0), (0, 30), (30, 80), (60, 100)),
            "0.04",
        ),
        # lower is better: the curve falls
        ind("debt_ratio", "资产负债率", "成长经营", "%", T((0, 100), (50, 70), (70, 30), (85, 0)), "0.03"),
        ind(
            "equity_financing",
            "近三年股权融资额",
            "成长经营",
            "万元",
            T((1, 40), (500, 70), (3000, 100)),
            "0.05",
        ),
        ind("tax_paid", "纳税总额", "成长经营", "万元", L((0, 0), (50, 40), (500, 80), (2000, 100)), "0.04"),
        # 辅助 (weights 0.15; the award points are capped at 80)
        ind("awards", "省级以上科技奖励数", "辅助", "项", T((1, 60), (2, 90), (3, 100)), "0.04", cap=80),
        ind("projects", "承担省级以上科技计划项目数", "辅助", "项", T((1, 50), (3, 80), (5, 100)), "0.04"),
        ind(
            "rd_platform",
            "研发机构级别（0无/1市/2省/3国家）",
            "辅助",
            "级",
            T((1, 40), (2, 75), (3, 100)),
            "0.04",
        ),
        ind("talents", "高层次人才数", "辅助", "人", T((1, 40), (3, 70), (6, 100)), "0.03"),
    )
    return IndicatorSet("illustrative-2026", indicators, tiers={"A": 85, "B": 70, "C": 55})


def random_enterprises(indicator_set: IndicatorSet, n: int, seed: int) -> np.ndarray:
    """A latent innovation strength per enterprise correlates its indicators (so the tiers spread out);
    amounts are log-normal, ratios and growth rates normal, counts Poisson; about 10% missing."""
    rng = np.random.default_rng(seed)
    strength = rng.normal(0, 1, n)
    lognormal = {  # (median, sigma) of skewed amounts
        "rd_expense": (200, 1.2),
        "tech_contracts": (60, 1.5),
        "revenue": (4000, 1.3),
        "net_profit": (250, 1.4),
        "equity_financing": (300, 1.8),
        "tax_paid": (150, 1.3),
    }
    normal = {  # (mean, sd) of ratios and rates
        "rd_ratio": (4, 3),
        "rd_staff_ratio": (14, 9),
        "new_product_share": (25, 18),
        "revenue_growth": (12, 22),
        "profit_growth": (10, 28),
        "debt_ratio": (50, -18),  # stronger enterprises carry less debt
    }
    counts = {"rd_staff": 18, "invention_patents": 4, "new_ip_3y": 9, "standards": 0.8, "awards": 0.8}
    cols: list[np.ndarray] = []
    for ind in indicator_set.indicators:
        key = ind.key
        g = 0.8 * strength + 0.6 * rng.normal(0, 1, n)  # unit variance, correlated through strength
        if key in lognormal:
            median, sigma = lognormal[key]
            x = np.exp(np.log(median) + sigma * g)
            if key in ("equity_financing", "tech_contracts"):
                x[rng.random(n) < 0.4] = 0.0  # many have none
        elif key in normal:
            mean, sd = normal[key]
            x = mean + sd * g
            if key != "revenue_growth" and key != "profit_growth":
                x = np.clip(x, 0, 100)
        elif key == "rd_platform":
            x = np.digitize(g, [0.2, 1.0, 1.8]).astype(float)  # 0 none, 1 市, 2 省, 3 国家
        else:
            x = rng.poisson(counts.get(key, 1.0) * np.exp(0.8 * g)).astype(float)
        x[rng.random(n) < 0.10] = np.nan
        cols.append(x)
    return np.column_stack(cols)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--reference", type=int, default=2_000, help="enterprises scored by score_one")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    load_before = os.getloadavg()
    s = illustrative_set()
    matrix = random_enterprises(s, args.enterprises, args.seed)

    best = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        totals, tiers = score_many(s, matrix)
        best = min(best, time.perf_counter() - t0)
    many_rate = args.enterprises / best

    n_ref = min(args.reference, args.enterprises)
    keys = s.keys
    dicts = [dict(zip(keys, row, strict=True)) for row in matrix[:n_ref].tolist()]
    t0 = time.perf_counter()
    refs = [score_one(s, values) for values in dicts]
    ref_time = time.perf_counter() - t0
    one_rate = n_ref / ref_time

    mismatches = [
        i
        for i, ref in enumerate(refs)
        if float(ref.total) != totals[i] or ref.tier != tiers[i]  # exact: identity, not closeness
    ]
    load_after = os.getloadavg()

    labels, counts = np.unique(tiers, return_counts=True)
    result = {
        "enterprises": args.enterprises,
        "indicators": len(s.indicators),
        "missing_share": float(np.isnan(matrix).mean()),
        "score_many_best_s": best,
        "score_many_per_s": many_rate,
        "score_one_enterprises": n_ref,
        "score_one_s": ref_time,
        "score_one_per_s": one_rate,
        "speedup": many_rate / one_rate,
        "identity_checked": n_ref,
        "identity_mismatches": len(mismatches),
        "tiers": {str(k): int(v) for k, v in zip(labels, counts, strict=True)},
        "total_mean": float(totals.mean()),
        "percentile_of_70": percentile(totals, 70.0),
        "load_before": load_before,
        "load_after": load_after,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(
            f"{args.enterprises:,} enterprises × {len(s.indicators)} indicators "
            f"({result['missing_share']:.1%} missing), set {s.version}"
        )
        print(
            f"score_many (numpy, best of {args.repeat}): {best * 1000:.1f} ms  → {many_rate:,.0f} enterprises/s"
        )
        print(
            f"score_one  (plain Python, {n_ref:,}):     {ref_time * 1000:.1f} ms  → {one_rate:,.0f} enterprises/s"
        )
        print(f"ratio: {many_rate / one_rate:,.0f}×")
        print(f"identity on {n_ref:,}: {'OK' if not mismatches else f'{len(mismatches)} MISMATCHES'}")
        print(
            "tiers: "
            + ", ".join(f"{k} {v:,}" for k, v in result["tiers"].items())
            + f"; mean total {result['total_mean']:.2f}; 70 points is percentile {result['percentile_of_70']:.1f}"
        )
        print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    if mismatches:
        for i in mismatches[:10]:
            print(
                f"mismatch row {i}: reference {refs[i].total} {refs[i].tier}, vectorised {totals[i]} {tiers[i]}"
            )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
