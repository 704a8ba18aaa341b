"""BM25 over an inverted index kept in numpy arrays.

Layout (per field, e.g. words or character bigrams):

* ``vocab``: term → term id; ``df[term_id]`` document frequency.
* postings in immutable CSR *segments* (term-major: ``ptr[t]:ptr[t+1]`` slices ``docs``/``tfs``),
  plus a small in-memory buffer of documents added since the last flush. Segments are merged
  log-structured (a new segment absorbs its predecessor while it is at least a quarter of its
  size), so adding one document never rewrites the whole index.
* per-slot ``doc_len`` and ``alive``; removal is a tombstone (as in Lucene, df and N still count
  tombstoned documents until :meth:`BM25Index.compact`).

Query cost is one vectorised numpy pass per (query term × segment) into a dense score array;
there is no per-document Python loop.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np


@dataclass(frozen=True)
class BM25Params:
    """BM25 saturation ``k1`` and length normalisation ``b``.

    ``b`` = 0.4 (Lucene's default is 0.75) was chosen on the CSL dev pairs: records on a
    marketplace range from a bare title to a full description, and the full ones are the likelier
    answers; 0.75 penalises them too much (see bench/README.md for the measured effect).
    """

    k1: float = 1.2
    b: float = 0.4


class _Segment:
    __slots__ = ("ptr", "docs", "tfs")

    def __init__(self, ptr: np.ndarray, docs: np.ndarray, tfs: np.ndarray) -> None:
        self.ptr, self.docs, self.tfs = ptr, docs, tfs

    @property
    def n_postings(self) -> int:
        return len(self.docs)

    def postings(self, tid: int) -> tuple[np.ndarray, np.ndarray] | None:
        if tid + 1 >= len(self.ptr):
            return None
        s, e = self.ptr[tid], self.ptr[tid + 1]
        if s == e:
            return None
        return self.docs[s:e], self.tfs[s:e]

    @classmethod
    def build(cls, terms: np.ndarray, docs: np.ndarray, tfs: np.ndarray, n_terms: int) -> _Segment:
        terms = terms.astype(np.int32, copy=False)
        if len(docs) > 1 and not bool(np.all(docs[1:] >= docs[:-1])):
            order = np.lexsort((docs, terms))
        else:  # the usual case (documents arrive in slot order): one stable sort by term
            order = np.argsort(terms, kind="stable")
        terms, docs, tfs = terms[order], docs[order], tfs[order]
        ptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=n_terms), out=ptr[1:])
        return cls(ptr, docs.astype(np.int32, copy=False), tfs.astype(np.float32, copy=False))

    def padded_ptr(self, n_terms: int) -> np.ndarray:
        if len(self.ptr) >= n_terms + 1:
            return self.ptr[: n_terms + 1]
        return np.concatenate([self.ptr, np.full(n_terms + 1 - len(self.ptr), self.ptr[-1], dtype=np.int64)])

    def doc_range(self) -> tuple[int, int]:
        return (int(self.docs.min()), int(self.docs.max())) if len(self.docs) else (0, -1)

    @classmethod
    def concat(cls, segments: Sequence[_Segment], n_terms: int) -> _Segment:
        """Merge segments whose slot ranges are disjoint and increasing, without sorting: each
        term's postings are the segments' postings for it, one after the other (O(postings))."""
        ptrs = [s.padded_ptr(n_terms) for s in segments]
        counts = [np.diff(p) for p in ptrs]
        total = np.sum(counts, axis=0)
        ptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(total, out=ptr[1:])
        n = int(ptr[-1])
        docs = np.empty(n, dtype=np.int32)
        tfs = np.empty(n, dtype=np.float32)
        before = np.zeros(n_terms, dtype=np.int64)  # postings of earlier segments, per term
        for seg, p, c in zip(segments, ptrs, counts, strict=True):
            m = int(p[-1])
            if m:
                dest = np.arange(m, dtype=np.int64) + np.repeat(ptr[:-1] + before - p[:-1], c)
                docs[dest] = seg.docs[:m]
                tfs[dest] = seg.tfs[:m]
            before += c
        return cls(ptr, docs, tfs)

    def triples(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        counts = np.diff(self.ptr)
        terms = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
        return terms, self.docs, self.tfs


class BM25Index:
    """One BM25 field. Slots are document numbers assigned by the caller (the engine)."""

    FLUSH_POSTINGS = 1 << 23  # pending postings that trigger a flush during bulk adds

    def __init__(self, params: BM25Params | None = None) -> None:
        self.params = params or BM25Params()
        self.vocab: dict[str, int] = {}
        self._terms: list[str] = []
        self._df = np.zeros(1024, dtype=np.int64)
        self._doc_len = np.zeros(1024, dtype=np.float32)
        self._alive = np.zeros(1024, dtype=bool)
        self._present = np.zeros(1024, dtype=bool)  # slot holds postings (alive or tombstoned)
        self.size = 0
        self._n_docs = 0  # documents counted in df (incl. tombstones)
        self._total_len = 0.0
        self._segments: list[_Segment] = []
        # pending batches: (slot of each posting, term ids, weights), slots increasing
        self._pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._pending_postings = 0
        self._norm: np.ndarray | None = None  # per-slot BM25 length norm, rebuilt after changes
        self._norm_key: tuple[float, float, float, int] | None = None
        self._alive_count: int | None = None

    # -- building ---------------------------------------------------------------------------

    def _grow_slots(self, n: int) -> None:
        cap = len(self._doc_len)
        if n <= cap:
            return
        new = max(n, 2 * cap)
        for name in ("_doc_len", "_alive", "_present"):
            old = getattr(self, name)
            arr = np.zeros(new, dtype=old.dtype)
            arr[:cap] = old
            setattr(self, name, arr)

    def _term_id(self, term: str) -> int:
        tid = self.vocab.get(term)
        if tid is None:
            tid = len(self._terms)
            self.vocab[term] = tid
            self._terms.append(term)
            if tid >= len(self._df):
                df = np.zeros(2 * len(self._df), dtype=np.int64)
                df[: len(self._df)] = self._df
                self._df = df
        return tid

    def add(self, slot: int, terms: Mapping[str, float] | Iterable[str]) -> None:
        """Index a document at ``slot``: ``terms`` is a token list or a {token: weighted tf} map.

        Re-adding a present slot first tombstones the old postings' slot contents, so callers
        should give an updated document a new slot (the engine does).
        """
        self.add_many([slot], [terms if isinstance(terms, Mapping) else Counter(terms)])

    def add_many(self, slots: Sequence[int] | np.ndarray, docs: Sequence[Mapping[str, float]]) -> None:
        """Index ``docs[i]`` ({token: weighted tf}) at ``slots[i]``, vectorised over the batch:
        one dict lookup per token, everything else in numpy."""
        slots = np.asarray(slots, dtype=np.int64)
        if len(slots) != len(docs):
            raise ValueError("slots and docs differ in length")
        if len(slots) == 0:
            return
        if len(np.unique(slots)) != len(slots):
            raise ValueError("a slot appears twice in one batch")
        for slot in slots[slots < self.size]:
            if self._present[slot]:
                raise ValueError(f"slot {slot} already indexed; remove it and use a new slot")
        lens = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        total = int(lens.sum())
        flat = list(chain.from_iterable(docs))
        weights = np.fromiter(chain.from_iterable(d.values() for d in docs), dtype=np.float32, count=total)
        tids = np.fromiter(map(self.vocab.get, flat, repeat(-1)), dtype=np.int64, count=total)
        miss = np.flatnonzero(tids < 0)
        if len(miss):  # terms not seen before (few once the index is warm)
            missing = [flat[i] for i in miss.tolist()]
            fresh = list(dict.fromkeys(missing))
            base = len(self._terms)
            self.vocab.update(zip(fresh, range(base, base + len(fresh)), strict=True))
            self._terms.extend(fresh)
            if len(self._terms) > len(self._df):
                df = np.zeros(max(2 * len(self._df), len(self._terms)), dtype=np.int64)
                df[:base] = self._df[:base]
                self._df = df
            tids[miss] = np.fromiter(map(self.vocab.__getitem__, missing), dtype=np.int64, count=len(miss))
        row = np.repeat(np.arange(len(slots)), lens)
        keep = weights > 0
        if not bool(keep.all()):
            tids, weights, row = tids[keep], weights[keep], row[keep]
        self._grow_slots(int(slots.max()) + 1)
        self._df[: len(self._terms)] += np.bincount(tids, minlength=len(self._terms))
        doc_len = np.bincount(row, weights=weights, minlength=len(slots))
        owner = slots[row]
        self._doc_len[slots] = doc_len
        self._alive[slots] = True
        self._alive_count = None
        self._present[slots] = True
        self.size = max(self.size, int(slots.max()) + 1)
        self._n_docs += len(slots)
        self._total_len += float(doc_len.sum())
        self._pending.append((owner.astype(np.int32), tids, weights))
        self._pending_postings += len(tids)
        if self._pending_postings >= self.FLUSH_POSTINGS:
            self.flush()

    def remove(self, slot: int) -> None:
        """Tombstone ``slot``; it scores 0 from now on."""
        if slot < self.size:
            self._alive[slot] = False
            self._alive_count = None

    def flush(self) -> None:
        """Turn pending documents into a segment and merge segments log-structured."""
        if not self._pending:
            return
        docs = np.concatenate([d for d, _, _ in self._pending])
        terms = np.concatenate([t for _, t, _ in self._pending])
        tfs = np.concatenate([w for _, _, w in self._pending])
        self._pending = []
        self._pending_postings = 0
        self._segments.append(_Segment.build(terms, docs, tfs, len(self._terms)))
        while len(self._segments) >= 2 and 4 * self._segments[-1].n_postings >= self._segments[-2].n_postings:
            b = self._segments.pop()
            a = self._segments.pop()
            self._segments.append(self._merge([a, b]))

    def _merge(self, segments: Sequence[_Segment], remap: np.ndarray | None = None) -> _Segment:
        n_terms = len(self._terms)
        if remap is None:
            ranges = [s.doc_range() for s in segments if s.n_postings]
            if all(prev[1] < nxt[0] for prev, nxt in zip(ranges, ranges[1:], strict=False)):
                return _Segment.concat([s for s in segments if s.n_postings], n_terms)
        parts = [s.triples() for s in segments]
        terms = np.concatenate([p[0] for p in parts])
        docs = np.concatenate([p[1] for p in parts])
        tfs = np.concatenate([p[2] for p in parts])
        if remap is not None:
            new_docs = remap[docs]
            keep = new_docs >= 0
            terms, docs, tfs = terms[keep], new_docs[keep], tfs[keep]
        return _Segment.build(terms, docs, tfs, n_terms)

    def compact(self, remap: np.ndarray) -> None:
        """Drop tombstones: ``remap[old_slot]`` is the new slot or -1 (shared with the other indexes)."""
        self.flush()
        remap = (
            remap[: self.size]
            if len(remap) >= self.size
            else np.concatenate([remap, -np.ones(self.size - len(remap), dtype=remap.dtype)])
        )
        remap = np.where(self._alive[: self.size], remap, -1)
        seg = self._merge(self._segments, remap) if self._segments else None
        keep = np.flatnonzero(remap >= 0)
        new_size = int(remap[keep].max()) + 1 if len(keep) else 0
        doc_len = np.zeros(max(new_size, 1024), dtype=np.float32)
        doc_len[remap[keep]] = self._doc_len[keep]
        alive = np.zeros(len(doc_len), dtype=bool)
        alive[remap[keep]] = True
        self._doc_len, self._alive, self._present = doc_len, alive, alive.copy()
        self._alive_count = None
        self._norm = None
        self.size = new_size
        self._segments = [seg] if seg is not None and seg.n_postings else []
        n_terms = len(self._terms)
        df = np.zeros(max(len(self._df), n_terms), dtype=np.int64)
        if seg is not None:
            df[:n_terms] = np.diff(seg.ptr)
        self._df = df
        self._n_docs = len(keep)
        self._total_len = float(doc_len.sum())

    # -- querying ---------------------------------------------------------------------------

    @property
    def n_docs(self) -> int:
        return int(self._alive[: self.size].sum())

    def idf(self, term: str) -> float:
        tid = self.vocab.get(term)
        if tid is None:
            return 0.0
        df = float(self._df[tid])
        n = float(max(self._n_docs, 1))
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def scores(self, query_terms: Iterable[str], n_slots: int | None = None) -> np.ndarray:
        """BM25 score of every slot for ``query_terms`` (a repeated term counts once per occurrence
        — callers deduplicate if they want set semantics). Removed slots score 0."""
        self.flush()
        n = self.size if n_slots is None else n_slots
        out = np.zeros(max(n, self.size), dtype=np.float32)
        if self._n_docs == 0 or not self._segments:
            return out[:n]
        tids: list[int] = []
        scales: list[float] = []
        n_docs = float(max(self._n_docs, 1))
        k1 = self.params.k1
        for term, qtf in Counter(query_terms).items():
            tid = self.vocab.get(term)
            if tid is not None:
                df = float(self._df[tid])
                tids.append(tid)
                scales.append(math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5)) * qtf * (k1 + 1.0))
        if not tids:
            return out[:n]
        norm = self._length_norm()
        # All the query's postings in a segment are gathered (term after term), scored in one
        # pass and summed with ``np.add.at``, which adds them in that order: the same float32
        # sums as scoring term by term, without a handful of numpy calls per term (they dominate
        # on small indexes; ~1.3× faster than ``out[docs] += part`` per term at 1M records).
        for seg in self._segments:
            ptr, last = seg.ptr, len(seg.ptr) - 1  # later terms have no postings here
            docs_parts, tfs_parts, lens, seg_scales = [], [], [], []
            for tid, scale in zip(tids, scales, strict=True):
                if tid >= last:
                    continue
                start, end = ptr[tid], ptr[tid + 1]
                if end > start:
                    docs_parts.append(seg.docs[start:end])
                    tfs_parts.append(seg.tfs[start:end])
                    lens.append(end - start)
                    seg_scales.append(scale)
            if not lens:
                continue
            docs = np.concatenate(docs_parts) if len(lens) > 1 else docs_parts[0]
            tfs = np.concatenate(tfs_parts) if len(lens) > 1 else tfs_parts[0]
            part = tfs + norm[docs]
            np.divide(tfs, part, out=part)
            part *= np.repeat(np.array(seg_scales, dtype=np.float32), lens)
            np.add.at(out, docs, part)
        if self._n_docs > self.n_alive_hint():
            out[: self.size] *= self._alive[: self.size]
        return out[:n]

    def n_alive_hint(self) -> int:
        """Number of live slots (cached; tombstones are rare)."""
        if self._alive_count is None:
            self._alive_count = int(self._alive[: self.size].sum())
        return self._alive_count

    def _length_norm(self) -> np.ndarray:
        """``k1 * (1 - b + b * len / avgdl)`` per slot, cached until the next add or compaction."""
        k1, b = self.params.k1, self.params.b
        key = (k1, b, self._total_len, self._n_docs)
        if self._norm is None or len(self._norm) < self.size or self._norm_key != key:
            self._norm_key = key
            avgdl = self._total_len / self._n_docs if self._total_len > 0 else 1.0
            dl = self._doc_len[: self.size]
            self._norm = (k1 * (1.0 - b + b * (dl / np.float32(avgdl)))).astype(np.float32)
        return self._norm

    def idf_or_max(self, term: str) -> float:
        """:meth:`idf`, but a term no document has counts as the rarest possible (a query asking for
        something the index has never seen asks for something specific, not for nothing)."""
        if term in self.vocab:
            return self.idf(term)
        n = float(max(self._n_docs, 1))
        return math.log(1.0 + (n + 0.5) / 0.5)

    def contains(self, terms: Sequence[str], slots: np.ndarray) -> np.ndarray:
        """``(len(terms), len(slots))`` booleans: whether each slot has each term (postings looked
        up by binary search; cost independent of the index size)."""
        self.flush()
        slots = np.asarray(slots, dtype=np.int64)
        out = np.zeros((len(terms), len(slots)), dtype=bool)
        if not len(slots):
            return out
        for i, term in enumerate(terms):
            tid = self.vocab.get(term)
            if tid is None:
                continue
            for seg in self._segments:
                hit = seg.postings(tid)
                if hit is None:
                    continue
                docs = hit[0]
                pos = np.searchsorted(docs, slots)
                found = pos < len(docs)
                found[found] = docs[pos[found]] == slots[found]
                out[i] |= found
        return out

    def term_frequencies(self, slot: int, terms: Iterable[str]) -> dict[str, float]:
        """tf of each of ``terms`` in ``slot`` (for explanations; a handful of binary searches)."""
        self.flush()
        found: dict[str, float] = {}
        for term in terms:
            tid = self.vocab.get(term)
            if tid is None:
                continue
            for seg in self._segments:
                hit = seg.postings(tid)
                if hit is None:
                    continue
                docs, tfs = hit
                i = int(np.searchsorted(docs, slot))
                if i < len(docs) and docs[i] == slot:
                    found[term] = float(tfs[i])
        return found

    # -- persistence ------------------------------------------------------------------------

    def state(self) -> dict[str, object]:
        self.flush()
        seg = (
            self._merge(self._segments)
            if len(self._segments) > 1
            else (self._segments[0] if self._segments else None)
        )
        return {
            # terms never contain whitespace (the tokenizer strips it), so a newline-joined blob
            # round-trips and keeps np.load free of pickles.
            "terms": np.frombuffer("\n".join(self._terms).encode("utf-8"), dtype=np.uint8),
            "df": self._df[: len(self._terms)],
            "doc_len": self._doc_len[: self.size],
            "alive": self._alive[: self.size],
            "present": self._present[: self.size],
            "ptr": seg.ptr if seg is not None else np.zeros(1, dtype=np.int64),
            "docs": seg.docs if seg is not None else np.zeros(0, dtype=np.int32),
            "tfs": seg.tfs if seg is not None else np.zeros(0, dtype=np.float32),
            "meta": np.array([self._n_docs, self._total_len, self.params.k1, self.params.b]),
        }

    @classmethod
    def from_state(cls, state: Mapping[str, np.ndarray]) -> BM25Index:
        meta = state["meta"]
        index = cls(BM25Params(k1=float(meta[2]), b=float(meta[3])))
        blob = state["terms"].tobytes().decode("utf-8")
        index._terms = blob.split("\n") if blob else []
        index.vocab = {t: i for i, t in enumerate(index._terms)}
        index._df = np.zeros(max(1024, 2 * len(index._terms)), dtype=np.int64)
        index._df[: len(index._terms)] = state["df"]
        size = len(state["doc_len"])
        index._grow_slots(size)
        index._doc_len[:size] = state["doc_len"]
        index._alive[:size] = state["alive"]
        index._present[:size] = state["present"]
        index.size = size
        index._n_docs = int(meta[0])
        index._total_len = float(meta[1])
        if len(state["docs"]):
            index._segments = [_Segment(state["ptr"], state["docs"], state["tfs"])]
        return index
