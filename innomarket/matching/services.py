"""Writes of the search index: documents in, change rows out.

``index_records`` brings the stored documents of some records in line with the database (upsert
public ones, remove the rest) and logs each change for the web processes to apply;
``rebuild_index`` does it for everything. ``schedule_reindex`` is what record writes call: it
enqueues one background task per transaction, after the commit, with every record touched.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction

from innomarket.catalog import LISTING_TYPES
from innomarket.common.text import without_sample_marker

from .documents import DocumentData, document_data, is_indexable, records_for
from .engine import Document, MatchingEngine
from .engine.dense import Embedder, EmbeddingCache
from .index import embedder, engine_config
from .models import IndexChange, SearchDocument, document_key

logger = logging.getLogger(__name__)

BATCH = 256
EMBED_TASK_SIZE = 32  # documents per background embedding task
_FACET_FIELDS = (
    "engine_type",
    "title",
    "text",
    "city",
    "fields",
    "accepts_vouchers",
    "completed_cooperations",
    "expires_on",
)


@dataclass
class IndexReport:
    upserted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    embedded_passages: int = 0
    deferred: int = 0  # documents left for background tasks to embed

    def as_dict(self) -> dict[str, Any]:
        return {
            "upserted": len(self.upserted),
            "unchanged": len(self.unchanged),
            "removed": len(self.removed),
            "embedded_passages": self.embedded_passages,
            "deferred": self.deferred,
        }


@lru_cache(maxsize=1)
def _passage_engine() -> MatchingEngine:
    """An empty engine used only for its passage splitting (same configuration as the index)."""
    return MatchingEngine(config=engine_config())


def _embed(
    data: list[DocumentData], emb: Embedder, cache: EmbeddingCache | None
) -> tuple[list[np.ndarray], int]:
    """Passage vectors of each document; with ``cache``, passages embedded before are reused."""
    splitter = _passage_engine()
    texts = [splitter.embedding_texts(Document(id="", title=d.title, text=d.text)) for d in data]
    flat = [t for ts in texts for t in ts]
    if cache is not None:
        before = len(cache)
        vecs = cache.get_or_compute(flat, emb.embed_documents) if flat else np.zeros((0, emb.dim), np.float32)
        computed = len(cache) - before
    else:
        vecs, computed = emb.embed_documents(flat), len(flat)
    bounds = np.cumsum([0] + [len(ts) for ts in texts])
    return [vecs[bounds[i] : bounds[i + 1]] for i in range(len(data))], computed


def _sync_type(
    type_key: str,
    ids: list[int] | None,
    report: IndexReport,
    emb: Embedder | None,
    cache: EmbeddingCache | None,
    deferred: list[str] | None = None,
) -> set[str]:
    """Bring the documents of ``ids`` (all of the type if None) in line; returns the keys seen public.

    With ``deferred`` (a list), documents needing new vectors are stored without them (searchable
    by their words at once) and their keys appended, for a background task to embed."""
    records = list(records_for(type_key, ids))
    public = [r for r in records if is_indexable(r)]
    existing = {
        d.object_id: d
        for d in SearchDocument.objects.filter(
            type_key=type_key, **({"object_id__in": ids} if ids is not None else {})
        )
    }
    public_keys = set()
    for start in range(0, len(public), BATCH):
        data = document_data(type_key, public[start : start + BATCH])
        name = emb.name if emb else ""
        stale = []
        for d in data:
            old = existing.get(d.object_id)
            if old is None or old.content_hash != d.content_hash(name) or old.embedder != name:
                stale.append(d)
        vectors: dict[int, np.ndarray] = {}
        stale_ids = {id(d) for d in stale}
        if emb is not None and stale and deferred is not None:
            deferred.extend(document_key(type_key, d.object_id) for d in stale)
        elif emb is not None and stale:
            computed, n = _embed(stale, emb, cache)
            report.embedded_passages += n
            vectors = {id(d): v for d, v in zip(stale, computed, strict=True)}
        with transaction.atomic():
            for d in data:
                key = document_key(type_key, d.object_id)
                public_keys.add(key)
                old = existing.get(d.object_id)
                values: dict[str, Any] = {f: getattr(d, f) for f in _FACET_FIELDS}
                if (
                    old is not None
                    and id(d) not in stale_ids
                    and all(getattr(old, k) == v for k, v in values.items())
                ):
                    report.unchanged.append(key)
                    continue
                if id(d) in vectors:
                    vec = vectors[id(d)]
                    values.update(
                        content_hash=d.content_hash(name),
                        embedder=name,
                        embedding=np.ascontiguousarray(vec, dtype=np.float16).tobytes(),
                        passages=len(vec),
                    )
                elif id(d) in stale_ids:  # no embedder, or vectors deferred to a task
                    values.update(content_hash=d.content_hash(""), embedder="", embedding=None, passages=0)
                SearchDocument.objects.update_or_create(
                    type_key=type_key, object_id=d.object_id, defaults=values
                )
                IndexChange.objects.create(action=IndexChange.Action.UPSERT, key=key)
                report.upserted.append(key)
    gone = [doc for pk, doc in existing.items() if document_key(type_key, pk) not in public_keys]
    if gone:
        with transaction.atomic():
            SearchDocument.objects.filter(pk__in=[d.pk for d in gone]).delete()
            IndexChange.objects.bulk_create(
                [IndexChange(action=IndexChange.Action.REMOVE, key=d.key) for d in gone]
            )
        report.removed.extend(d.key for d in gone)
    return public_keys


def index_records(keys: Iterable[str]) -> IndexReport:
    """Index the records behind ``keys`` ("achievement:12" …): public ones are (re)stored with
    their embeddings (computed only if their text changed), others are removed."""
    by_type: dict[str, list[int]] = {}
    for key in keys:
        type_key, _sep, pk = key.partition(":")
        if type_key in LISTING_TYPES and pk.isdigit():
            by_type.setdefault(type_key, []).append(int(pk))
    report = IndexReport()
    emb = embedder()
    for type_key, ids in by_type.items():
        _sync_type(type_key, sorted(set(ids)), report, emb, None)
    return report


def rebuild_index(*, background: bool = False, progress: Any = None) -> IndexReport:
    """Bring every stored document in line with the database, then make every process reload.

    Embeddings are reused from the stored documents when the text did not change, else from the
    on-disk passage cache, else computed (in batches). With ``background``, documents needing new
    vectors are stored at once without them and embedded by background tasks
    (``report.deferred``), so the site is searchable by words within seconds of a fresh start."""
    report = IndexReport()
    emb = embedder()
    cache = None
    if emb is not None:
        cache = EmbeddingCache(settings.INNOMARKET_MATCHING["EMBEDDING_CACHE_DIR"], emb.name)
    deferred: list[str] | None = [] if background else None
    for type_key in LISTING_TYPES:
        _sync_type(type_key, None, report, emb, cache, deferred)
        if progress:
            progress(type_key, report)
    SearchDocument.objects.exclude(type_key__in=list(LISTING_TYPES)).delete()
    IndexChange.objects.create(action=IndexChange.Action.RESET)
    if deferred:
        report.deferred = len(deferred)
        for start in range(0, len(deferred), EMBED_TASK_SIZE):
            transaction.on_commit(partial(_enqueue, deferred[start : start + EMBED_TASK_SIZE]))
    return report


# -- scheduling -----------------------------------------------------------------------------

_local = threading.local()


@contextmanager
def indexing_suspended() -> Iterator[None]:
    """Bulk writers (the demo loader, imports) write without scheduling a task per record and
    re-index in one go afterwards."""
    previous = getattr(_local, "suspended", False)
    _local.suspended = True
    try:
        yield
    finally:
        _local.suspended = previous


def schedule_reindex(type_key: str, object_id: int) -> None:
    """Re-index this record in the background once the current transaction commits. All records
    touched in one transaction go into one task."""
    if getattr(_local, "suspended", False) or type_key not in LISTING_TYPES:
        return
    key = document_key(type_key, object_id)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _enqueue([key])
        return
    pending: set[str] = _local.__dict__.setdefault("pending", set())
    pending.add(key)
    # Every call registers a flush; the first to run after the commit takes all pending keys and
    # the rest find nothing. (Keys left by a rolled-back transaction ride along harmlessly: the
    # task re-reads each record's current state.)
    transaction.on_commit(_flush)


def _flush() -> None:
    keys = sorted(_local.__dict__.pop("pending", set()))
    if keys:
        _enqueue(keys)


def _enqueue(keys: list[str]) -> None:
    from .tasks import index_records_task

    index_records_task.enqueue(keys)


# -- outcomes and vocabulary ----------------------------------------------------------------


def outcome_record(
    *,
    challenge: Any,
    organisation_id: int,
    kind: str,
    supplier: str | None = None,
) -> Any:
    """Remember a supplier's answer to a challenge (``MatchOutcome``), once per kind, so later
    recommendations for similar needs learn from it (``engine/feedback.py``).

    ``supplier`` is the unit that was recommended ("expert:12"); without it the answer counts for
    the organisation as a whole. The need's vector is the challenge's public teaser embedded as
    recommendations embed it; with no embedder configured the outcome is stored without one and
    does not count."""
    from .engine.feedback import OUTCOME_VALUES
    from .models import MatchOutcome

    key = supplier or document_key("organisation", organisation_id)
    emb = embedder()
    vector = None
    if emb is not None:
        from .index import live_index

        with live_index.engine() as engine:
            vector = engine.embed_query(need_text(challenge)).astype(np.float16).tobytes()
    outcome, _created = MatchOutcome.objects.get_or_create(
        challenge=challenge,
        supplier=key,
        kind=kind,
        defaults={
            "organisation_id": organisation_id,
            "value": OUTCOME_VALUES[kind],
            "embedder": emb.name if emb is not None else "",
            "vector": vector,
        },
    )
    return outcome


def need_text(challenge: Any) -> str:
    """What a challenge asks for, as recommendations match it: its public teaser only (without the
    demo's 【示例】 marker)."""
    return " ".join(p for p in (without_sample_marker(challenge.title), challenge.summary) if p).strip()


def synonyms_changed() -> None:
    """The administrators' synonym groups changed: every process reloads its engine (the groups'
    words enter the segmenter's dictionary, so documents are tokenised again)."""
    transaction.on_commit(lambda: IndexChange.objects.create(action=IndexChange.Action.RESET))
