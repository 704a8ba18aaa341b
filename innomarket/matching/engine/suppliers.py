"""Suppliers, not papers: the people and organisations behind the records that match a need.

The engine ranks records (achievements, experts, organisations …). A need is answered by a
*supplier* — a research group, an expert, an organisation — and a record is evidence that the
supplier can do it. :class:`SupplierRecommender` gathers the best records for a need
(:meth:`MatchingEngine.candidates`), groups them by the supplier each belongs to (the caller says
which: :class:`Evidence`), scores every supplier with a calibrated model (:mod:`relevance`) and
returns at most one supplier per organisation, best first, only those whose probability of being
relevant reaches the threshold — possibly none: then the site says so instead of padding.

Supplier features (:data:`SUPPLIER_FEATURES`):

* ``best`` / ``second``: the semantic similarity of the supplier's best and second-best record;
  ``best_z``: the best in standard deviations above the background (``Candidates.dense_mean``,
  shrunk towards a prior on small catalogues);
* ``agree``: how much of the need's neighbourhood (its ``neighbours`` most similar records,
  weighted by similarity, only those clearly above the background, plus an "unrelated"
  pseudo-record just above it) carries
  one of the supplier's labels (discipline or field) — whether the need lies in the supplier's
  field, not only near one of its papers;
* ``gap``: ``best`` minus the best similarity of any supplier (how far behind the leader);
* ``corpus_top`` / ``spread``: the best similarity of any record and the spread of similarities
  over all records the filters allow — whether the need is covered by this catalogue at all;
* ``word_cov``: the best share of the need's information the supplier's records contain as words;
* ``feedback`` / ``field_feedback``: earlier answers to similar needs, the supplier's own and
  those of suppliers in its fields (:mod:`feedback`; 0 without history).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .engine import Filters, MatchingEngine, Query
from .feedback import OutcomeMemory
from .relevance import RelevanceModel

SUPPLIER_FEATURES = (
    "best",
    "best_z",
    "second",
    "agree",
    "gap",
    "corpus_top",
    "spread",
    "word_cov",
    "feedback",
    "field_feedback",
)


@dataclass(frozen=True)
class Evidence:
    """What an indexed record says about who offers it."""

    supplier: str  # the unit recommended: a group's lead expert, an expert, or an organisation
    organisation: str | None  # the organisation the supplier belongs to (one recommendation each)
    labels: frozenset[str] = frozenset()  # discipline / field labels of the record


# Which supplier each record is evidence for: a mapping, or a function given the candidate record
# ids (once per need, so the caller can look them all up in one go) returning one.
EvidenceSource = Mapping[str, Evidence] | Callable[[list[str]], Mapping[str, Evidence]]


@dataclass
class SupplierMatch:
    supplier: str
    organisation: str | None
    probability: float
    records: list[str]  # the supplier's matching records, best first
    similarities: list[float]
    features: dict[str, float] = field(default_factory=dict)
    labels: frozenset[str] = frozenset()  # disciplines and fields of its matching records


@dataclass
class Recommendation:
    """The outcome for one need: the suppliers shown (possibly none) and how many were weighed."""

    matches: list[SupplierMatch]
    considered: int
    threshold: float
    dense_top: float = 0.0

    @property
    def abstained(self) -> bool:
        return not self.matches


class SupplierRecommender:
    def __init__(
        self,
        engine: MatchingEngine,
        model: RelevanceModel,
        *,
        pool: int = 300,
        neighbours: int = 20,
        temperature: float = 0.01,
        null_z: float = 2.5,
        vote_z: float = 2.0,
        memory: OutcomeMemory | None = None,
    ) -> None:
        self.engine = engine
        self.model = model
        self.pool = pool
        self.neighbours = neighbours
        self.temperature = temperature
        self.null_z = null_z
        self.vote_z = vote_z
        self.memory = memory

    def score(
        self,
        query: Query,
        evidence_of: EvidenceSource,
        *,
        filters: Filters | None = None,
        exclude_organisations: frozenset[str] = frozenset(),
        exclude_suppliers: frozenset[str] = frozenset(),
    ) -> tuple[list[SupplierMatch], float]:
        """Every supplier with evidence among the candidates, scored, best first (no threshold, no
        de-duplication), and the best similarity of any record."""
        cands = self.engine.candidates(query, filters, pool=self.pool)
        feats = cands.features
        dense = feats.get("dense", np.zeros(len(cands.ids)))
        word_cov = feats.get("word_cov", np.zeros(len(cands.ids)))
        known = evidence_of if isinstance(evidence_of, Mapping) else evidence_of(list(cands.ids))
        rows: list[tuple[int, Evidence]] = []
        for i, doc_id in enumerate(cands.ids):
            ev = known.get(doc_id)
            if ev is None or ev.supplier in exclude_suppliers:
                continue
            if ev.organisation is not None and ev.organisation in exclude_organisations:
                continue
            rows.append((i, ev))
        if not rows:
            return [], cands.dense_top
        # The need's neighbourhood: its most similar records, weighted by similarity.
        by_sim = sorted(rows, key=lambda r: -dense[r[0]])[: self.neighbours]
        # Plus one "unrelated" pseudo-neighbour as similar as a record ``null_z`` standard
        # deviations above the background: a neighbourhood barely above the background (a need
        # the catalogue does not cover, or a catalogue of a few records) agrees with nobody.
        null_sim = cands.dense_mean + self.null_z * cands.dense_std
        near = np.array([dense[i] for i, _ in by_sim])
        top_sim = max(float(near.max()), null_sim)
        # Records not clearly above the background (vote_z) do not vote at all: in a small
        # catalogue a distant need's "neighbours" are just the few records there are.
        voting = near >= cands.dense_mean + self.vote_z * cands.dense_std
        weights = np.exp((near - top_sim) / self.temperature) * voting
        neighbour_labels = [ev.labels for _, ev in by_sim]
        total = float(weights.sum() + np.exp((null_sim - top_sim) / self.temperature))
        grouped: dict[str, list[tuple[int, Evidence]]] = {}
        for i, ev in rows:
            grouped.setdefault(ev.supplier, []).append((i, ev))
        suppliers = list(grouped)
        bests = {s: max(float(dense[i]) for i, _ in grouped[s]) for s in suppliers}
        leader = max(bests.values())
        supplier_labels = [frozenset().union(*(ev.labels for _, ev in grouped[s])) for s in suppliers]
        fb = np.zeros(len(suppliers))
        field_fb = np.zeros(len(suppliers))
        if self.memory is not None and query.embedding is not None and len(self.memory):
            fb = self.memory.feedback(
                query.embedding, suppliers, [grouped[s][0][1].organisation for s in suppliers]
            )
            field_fb = self.memory.field_feedback(query.embedding, supplier_labels)
        matches = []
        table: dict[str, list[float]] = {name: [] for name in SUPPLIER_FEATURES}
        for n, s in enumerate(suppliers):
            items = sorted(grouped[s], key=lambda r: -dense[r[0]])
            sims = [float(dense[i]) for i, _ in items]
            labels = supplier_labels[n]
            agree = (
                sum(w for w, lab in zip(weights, neighbour_labels, strict=True) if lab & labels) / total
                if labels
                else 0.0
            )
            values = {
                "best": sims[0],
                "best_z": (sims[0] - cands.dense_mean) / cands.dense_std,
                "second": sims[1] if len(sims) > 1 else sims[0] - 0.02,
                "agree": float(agree),
                "gap": sims[0] - leader,
                "corpus_top": cands.dense_top,
                "spread": cands.dense_std,
                "word_cov": max(float(word_cov[i]) for i, _ in items),
                "feedback": float(fb[n]),
                "field_feedback": float(field_fb[n]),
            }
            for name in SUPPLIER_FEATURES:
                table[name].append(values[name])
            matches.append(
                SupplierMatch(
                    supplier=s,
                    organisation=items[0][1].organisation,
                    probability=0.0,
                    records=[cands.ids[i] for i, _ in items],
                    similarities=sims,
                    features=values,
                    labels=labels,
                )
            )
        probabilities = self.model.probability({k: np.array(v) for k, v in table.items()})
        for m, p in zip(matches, probabilities.tolist(), strict=True):
            m.probability = float(p)
        matches.sort(key=lambda m: (-m.probability, -m.similarities[0], m.supplier))
        return matches, cands.dense_top

    def recommend(
        self,
        query: Query,
        evidence_of: EvidenceSource,
        *,
        k: int = 5,
        threshold: float | None = None,
        filters: Filters | None = None,
        exclude_organisations: frozenset[str] = frozenset(),
        exclude_suppliers: frozenset[str] = frozenset(),
    ) -> Recommendation:
        """At most ``k`` suppliers, one per organisation, whose probability reaches ``threshold``
        (the model's ``"show"`` threshold by default), best first; none if none does."""
        threshold = self.model.threshold("show") if threshold is None else threshold
        scored, top = self.score(
            query,
            evidence_of,
            filters=filters,
            exclude_organisations=exclude_organisations,
            exclude_suppliers=exclude_suppliers,
        )
        shown = top_suppliers(scored, threshold, k)
        return Recommendation(matches=shown, considered=len(scored), threshold=threshold, dense_top=top)


def top_suppliers(matches: Sequence[SupplierMatch], threshold: float, k: int) -> list[SupplierMatch]:
    """At most ``k`` of ``matches`` (best first) at or above ``threshold``, one per organisation."""
    shown: list[SupplierMatch] = []
    seen: set[str] = set()
    for m in matches:
        if m.probability < threshold:
            break
        org = m.organisation or m.supplier
        if org in seen:
            continue
        seen.add(org)
        shown.append(m)
        if len(shown) >= k:
            break
    return shown
