"""Smoke tests of the benchmark scripts (tiny sizes, no database, no embedding)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
DATA = ROOT.parent / "shared" / "data" / "csl-match"


@pytest.fixture(autouse=True)
def _data_present():
    # ../shared sits beside the repository in development and CI; its absence is a setup error.
    assert (DATA / "corpus.tsv").exists(), f"{DATA} is missing: the repository needs ../shared beside it"


def _run(*args: str) -> dict:
    proc = subprocess.run(  # noqa: S603 - our own scripts with the test interpreter
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_match_latency_smoke():
    out = _run(
        "bench/match_latency.py",
        "--sizes",
        "2000",
        "--queries",
        "30",
        "--dense",
        "none",
        "--publish-rounds",
        "2",
        "--json",
    )
    assert set(out) >= {"sizes", "dense", "machine", "k"}
    assert out["k"] == 20 and out["dense"]["vectors"] == "none"
    (row,) = out["sizes"]
    assert row["size"] == 2000
    for key in ("tokenize_s", "engine_build_s", "tantivy_build_s", "engine_index_mb", "rss_delta_mb"):
        assert key in row
    assert row["engine_build_s"] > 0 and row["tokenize_s"] > 0
    for side in ("engine_lexical", "tantivy"):
        stats = row[side]
        assert stats["queries"] == 30
        assert 0 < stats["p50_ms"] <= stats["p95_ms"] <= stats["p99_ms"]
    assert row["ratio_lexical_to_tantivy"]["p95_ms"] > 0
    pub = row["publish_to_found"]
    assert pub["engine_found"] == pub["rounds"] == 2
    assert pub["tantivy_found"] == 2
    assert pub["engine_ms_median"] > 0 and pub["tantivy_ms_median"] > 0


def test_match_quality_smoke():
    out = _run(
        "bench/match_quality.py",
        "--corpus",
        str(DATA / "corpus.tsv"),
        "--queries",
        str(DATA / "dev_queries.tsv"),
        "--methods",
        "baseline,lexical",
        "--limit",
        "40",
        "--json",
    )
    assert set(out) == {"baseline", "lexical"}
    for metrics in out.values():
        assert 0.0 <= metrics["mrr@10"] <= 1.0
        assert 0.0 <= metrics["recall@100"] <= 1.0
