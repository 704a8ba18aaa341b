"""Precision and recall of the policy-condition assistant (``innomarket.policies.conditions``).

    .venv/bin/python bench/policy_conditions.py [--data bench/data/policy_clauses.tsv] [--split dev|test|fresh|all]
                                               [--errors] [--json]

The labelled clauses (``bench/data/policy_clauses.tsv``: id, split, source, clause, conditions as a
JSON list of {kind, op, value[, qualifier]}) were written down from public policy texts by a
person who had not seen the assistant. A proposed condition counts as right when kind, comparison
and value agree (numbers to 1e-6; a place named 本市/本区 in either matches any place) and, where
the label names an IP type, the type agrees too. Precision: right / proposed; recall: right /
labelled (micro, over the clauses of the split). Baseline in the same run: every comparison with
a number and a unit, its kind guessed from the unit alone. Targets (issue #11): precision ≥ 0.9,
recall ≥ 0.7.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from innomarket.policies.conditions import (  # noqa: E402
    _QUANTITY,
    _UNITS,
    Condition,
    _normalise,
    _number,
    _prefix_op,
    _suffix_op,
    propose_conditions,
)

DATA = ROOT / "bench" / "data" / "policy_clauses.tsv"
WILDCARD_PLACES = {"本市", "本区", "本省"}
BASELINE_KIND = {"money": "revenue", "percent": "rd_ratio", "people": "headcount", "years": "years_founded", "items": "ip_count"}


def read(path: Path, split: str) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    for row in rows:
        row["gold"] = json.loads(row["conditions"])
    return [r for r in rows if split == "all" or r["split"] == split]


def baseline(text: str) -> list[Condition]:
    out = []
    for m in _QUANTITY.finditer(_normalise(text)):
        op = (_prefix_op(m.group("pre")) if m.group("pre") else None) or (
            _suffix_op(m.group("post")) if m.group("post") else None
        )
        if op is None:
            continue
        if m.group("pct") is not None:
            cls, factor, value = "percent", 1.0, _number(m.group("pct"))
        else:
            cls, factor = _UNITS[m.group("unit")]
            value = _number(m.group("num"))
        if value is not None:
            out.append(Condition(BASELINE_KIND[cls], op, value * factor))
    return out


def same(pred: Condition, gold: dict) -> bool:
    if pred.kind != gold["kind"] or pred.op != gold["op"]:
        return False
    if gold.get("qualifier") and pred.qualifier != gold["qualifier"]:
        return False
    g, p = gold["value"], pred.value
    if isinstance(g, str) or isinstance(p, str):
        if pred.kind == "registered_in" and (g in WILDCARD_PLACES or p in WILDCARD_PLACES):
            return True
        return str(p) == str(g)
    return abs(float(p) - float(g)) <= 1e-6 * max(1.0, abs(float(g)))


def score(rows: list[dict], propose) -> dict:
    proposed = right = labelled = 0
    by_kind: Counter = Counter()
    by_kind_right: Counter = Counter()
    by_kind_gold: Counter = Counter()
    errors = []
    for row in rows:
        preds = propose(row["clause"])
        gold = list(row["gold"])
        unmatched = list(gold)
        wrong = []
        for p in preds:
            hit = next((g for g in unmatched if same(p, g)), None)
            by_kind[p.kind] += 1
            if hit is not None:
                unmatched.remove(hit)
                by_kind_right[p.kind] += 1
            else:
                wrong.append(p)
        for g in gold:
            by_kind_gold[g["kind"]] += 1
        proposed += len(preds)
        labelled += len(gold)
        right += len(preds) - len(wrong)
        if wrong or unmatched:
            errors.append((row["id"], row["clause"], wrong, unmatched))
    return {
        "clauses": len(rows),
        "labelled": labelled,
        "proposed": proposed,
        "right": right,
        "precision": round(right / proposed, 3) if proposed else 0.0,
        "recall": round(right / labelled, 3) if labelled else 0.0,
        "per_kind": {
            k: {
                "labelled": by_kind_gold[k],
                "proposed": by_kind[k],
                "right": by_kind_right[k],
            }
            for k in sorted(set(by_kind) | set(by_kind_gold))
        },
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--split", default="all", choices=["dev", "test", "fresh", "holdout", "blind4", "blind5", "all"])
    parser.add_argument("--errors", action="store_true", help="print every clause with a wrong or missed condition")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    args = parser.parse_args()

    out = {}
    for split in (["dev", "test", "all"] if args.split == "all" else [args.split]):
        rows = read(Path(args.data), split)
        t0 = time.perf_counter()
        ours = score(rows, propose_conditions)
        elapsed = time.perf_counter() - t0
        base = score(rows, baseline)
        out[split] = {"ours": ours, "baseline": base, "ms_per_clause": round(1000 * elapsed / max(len(rows), 1), 3)}
        print(
            f"{split:<5} {ours['clauses']:>4} clauses {ours['labelled']:>4} conditions | "
            f"ours P {ours['precision']:.3f} R {ours['recall']:.3f} | "
            f"baseline P {base['precision']:.3f} R {base['recall']:.3f} | "
            f"{out[split]['ms_per_clause']} ms/clause"
        )
    last = out[args.split]["ours"]
    print("per kind (labelled / proposed / right):")
    for kind, c in last["per_kind"].items():
        print(f"  {kind:<24}{c['labelled']:>5}{c['proposed']:>5}{c['right']:>5}")
    if args.errors:
        for cid, clause, wrong, missed in last["errors"]:
            print(f"{cid} {clause}")
            for w in wrong:
                print(f"    wrong  {w.kind} {w.op} {w.value} {w.qualifier} «{w.source}»")
            for g in missed:
                print(f"    missed {json.dumps(g, ensure_ascii=False)}")
    if args.json:
        for split in out.values():
            for side in ("ours", "baseline"):
                split[side] = {k: v for k, v in split[side].items() if k != "errors"}
        print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
