"""Crash recovery in one call (the hourly housekeeping, ``manage.py recover``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from .uploads import orphan_uploads_sweep
from .workers import recover_lost_work


@dataclass
class RecoveryReport:
    tasks_requeued: int = 0  # tasks of dead workers put back in the queue
    tasks_failed: int = 0  # … given up after their last attempt
    imports_failed: int = 0  # import jobs ended visibly (重新导入)
    index_missing: int = 0  # public records without a search document: indexing queued
    index_stale: int = 0  # … with an outdated one: indexing queued
    index_removed: int = 0  # documents of records no longer public: removed
    uploads_removed: int = 0  # private files no row refers to, past the grace period


def recover(*, now: dt.datetime | None = None) -> RecoveryReport:
    """Re-queue or fail the tasks of dead workers, end import jobs nothing will finish, reconcile the
    search index with the public records, and delete orphan uploads."""
    from innomarket.matching.reconcile import index_reconcile

    now = now or timezone.now()
    lost = recover_lost_work(now=now)
    index = index_reconcile()
    uploads = orphan_uploads_sweep(now=now)
    return RecoveryReport(
        tasks_requeued=lost.requeued,
        tasks_failed=lost.failed,
        imports_failed=lost.imports_failed,
        index_missing=len(index.missing),
        index_stale=len(index.stale),
        index_removed=len(index.removed),
        uploads_removed=uploads.removed,
    )
