"""The index checks itself against the database (hourly, from the housekeeping).

Every public record (each type's public selector, ``site.catalogue.queryset_for``) must have a
search document with its current content; no document may remain of a record that is no longer
public. A worker killed while indexing, a task lost before it ran, a record changed by a bulk write
that sends no signal: the next reconcile finds the difference and repairs it through the usual
entry point, ``services.index_records``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import transaction

from innomarket.catalog import LISTING_TYPES

from .documents import document_data, records_for
from .index import embedder
from .models import SearchDocument, document_key
from .services import _FACET_FIELDS, EMBED_TASK_SIZE, _enqueue, index_records

BATCH = 500


@dataclass
class ReconcileReport:
    missing: list[str] = field(default_factory=list)  # public, no document
    stale: list[str] = field(default_factory=list)  # public, document out of date
    removed: list[str] = field(default_factory=list)  # document of a record no longer public
    checked: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "checked": self.checked,
            "missing": len(self.missing),
            "stale": len(self.stale),
            "removed": len(self.removed),
        }


def _is_stale(doc: Any, data: Any, embedder_name: str) -> bool:
    if doc.content_hash != data.content_hash(doc.embedder):  # the text changed
        return True
    if doc.embedder != embedder_name:  # vectors pending (a lost embedding task) or another model
        return True
    return any(getattr(doc, name) != getattr(data, name) for name in _FACET_FIELDS)


def index_reconcile() -> ReconcileReport:
    """Compare the public records with the stored documents; remove the documents of records no
    longer public at once, and queue indexing (background tasks, after the commit) of public records
    whose document is missing or stale. Returns what was found."""
    from innomarket.site.catalogue import queryset_for

    report = ReconcileReport()
    emb = embedder()  # its name only: the model loads on first use, not here
    embedder_name = emb.name if emb is not None else ""
    for type_key in LISTING_TYPES:
        public_ids = set(queryset_for(type_key).order_by().values_list("pk", flat=True))
        docs = {d.object_id: d for d in SearchDocument.objects.filter(type_key=type_key).defer("embedding")}
        report.checked += len(public_ids)
        report.removed.extend(document_key(type_key, pk) for pk in sorted(set(docs) - public_ids))
        report.missing.extend(document_key(type_key, pk) for pk in sorted(public_ids - set(docs)))
        present = sorted(public_ids & set(docs))
        for start in range(0, len(present), BATCH):
            ids = present[start : start + BATCH]
            records = list(records_for(type_key, ids))
            for data in document_data(type_key, records):
                if _is_stale(docs[data.object_id], data, embedder_name):
                    report.stale.append(document_key(type_key, data.object_id))
    if report.removed:
        index_records(report.removed)  # no embedding needed: only deletes
    to_index = report.missing + report.stale
    for start in range(0, len(to_index), EMBED_TASK_SIZE):
        transaction.on_commit(partial(_enqueue, to_index[start : start + EMBED_TASK_SIZE]))
    return report
