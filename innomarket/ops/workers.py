"""Tasks whose worker died: heartbeats of the workers and the reaper that re-queues their tasks.

django-tasks-db claims a task by setting it RUNNING and appending the worker's id to
``worker_ids``; a worker killed with SIGKILL never writes the outcome, so the row would stay RUNNING
for ever. ``manage.py run_worker`` registers a ``WorkerHeartbeat`` and refreshes it from a thread;
``tasks_reap`` (at every worker start, every minute from each worker's heartbeat thread and from the
hourly housekeeping) finds RUNNING tasks whose worker is gone and puts them back in the queue
(READY), or after ``TASK_MAX_ATTEMPTS`` runs marks them FAILED with the reason in the traceback.

A re-queued task runs again from the start, so every task must be idempotent (docs/deploy.md lists
ours). A task whose worker is alive is never touched, however long it runs: the lease only decides
for workers that keep no heartbeat (a plain ``db_worker``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string

from .models import TaskRecovery, WorkerHeartbeat

logger = logging.getLogger(__name__)

# The exception class path written on a task given up after its workers died.
WORKER_LOST = "innomarket.ops.workers.WorkerLost"


class WorkerLost(Exception):
    """The worker running a task died (killed, out of memory, host lost) before the task finished."""


def recovery_settings() -> dict[str, Any]:
    return dict(settings.INNOMARKET_RECOVERY)


def lease_for(task_path: str) -> dt.timedelta:
    """How long a task may run under a worker that keeps no heartbeat before it counts as lost."""
    config = recovery_settings()
    seconds = config.get("TASK_LEASES", {}).get(task_path, config["TASK_LEASE_SECONDS"])
    return dt.timedelta(seconds=float(seconds))


def hostname() -> str:
    return socket.gethostname()[:255]


def new_worker_id() -> str:
    """Unique across hosts and restarts, at most 64 characters (db_worker's limit)."""
    return f"{socket.gethostname()[:36]}-{os.getpid()}-{get_random_string(12)}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


ALIVE, GONE, UNKNOWN = "alive", "gone", "unknown"


def worker_state(heartbeat: WorkerHeartbeat | None, *, now: dt.datetime) -> str:
    """alive | gone | unknown (no heartbeat row: a worker started without ``run_worker``)."""
    if heartbeat is None:
        return UNKNOWN
    if heartbeat.stopped_at is not None:
        return GONE
    if heartbeat.hostname == hostname() and not _pid_alive(heartbeat.pid):
        return GONE
    timeout = dt.timedelta(seconds=float(recovery_settings()["HEARTBEAT_TIMEOUT_SECONDS"]))
    if heartbeat.last_seen_at < now - timeout:
        return GONE
    return ALIVE


# -- heartbeat ------------------------------------------------------------------------------------


def heartbeat_register(*, worker_id: str) -> WorkerHeartbeat:
    now = timezone.now()
    heartbeat, _created = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": hostname(), "pid": os.getpid(), "started_at": now, "last_seen_at": now},
    )
    return heartbeat


def heartbeat_beat(*, worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen_at=timezone.now())


def heartbeat_stop(*, worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(stopped_at=timezone.now())


class HeartbeatThread(threading.Thread):
    """Refreshes the worker's heartbeat every ``HEARTBEAT_SECONDS`` and reaps every ``reap_every``
    beats, independently of the task the worker runs (a long import does not look like a dead worker).
    """

    def __init__(self, worker_id: str, *, reap_every: int = 6) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.reap_every = reap_every
        self.stopping = threading.Event()

    def run(self) -> None:
        interval = float(recovery_settings()["HEARTBEAT_SECONDS"])
        beats = 0
        try:
            while not self.stopping.wait(interval):
                beats += 1
                try:
                    close_old_connections()
                    heartbeat_beat(worker_id=self.worker_id)
                    if self.reap_every and beats % self.reap_every == 0:
                        recover_lost_work()
                except Exception:  # a locked SQLite file, a restarting server: try again next beat
                    logger.warning("heartbeat of %s failed", self.worker_id, exc_info=True)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()


# -- the reaper -----------------------------------------------------------------------------------


@dataclass
class ReapReport:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)  # running past the lease under a live worker

    def as_dict(self) -> dict[str, int]:
        return {"requeued": len(self.requeued), "failed": len(self.failed), "overdue": len(self.overdue)}


def lost_reason(*, attempts: int, worker_id: str) -> str:
    """The visible reason on a task given up (stored in its traceback field, read by the back office)."""
    return (
        f"{WORKER_LOST}: 执行该任务的后台工作进程意外退出（已执行 {attempts} 次，均未完成），不再自动重试。\n"
        f"The worker running this task died ({attempts} attempt(s), last worker {worker_id or '?'}); "
        "not retried again."
    )


def tasks_reap(*, now: dt.datetime | None = None) -> ReapReport:
    """Re-queue (or, after the last attempt, fail) every RUNNING task whose worker is gone.

    Safe to run from several processes at once: each change is a conditional UPDATE on the row's
    status and start time, so a task a worker finishes meanwhile, or another reaper already moved,
    is left alone."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    report = ReapReport()
    max_attempts = max(1, int(recovery_settings()["TASK_MAX_ATTEMPTS"]))
    running = list(DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING))
    if not running:
        return report
    last_workers = {row.worker_ids[-1] for row in running if row.worker_ids}
    heartbeats = {h.worker_id: h for h in WorkerHeartbeat.objects.filter(worker_id__in=last_workers)}
    for row in running:
        worker_id = row.worker_ids[-1] if row.worker_ids else ""
        state = worker_state(heartbeats.get(worker_id), now=now)
        overdue = row.started_at is None or row.started_at + lease_for(row.task_path) < now
        if state == ALIVE or (state == UNKNOWN and not overdue):
            if overdue:
                report.overdue.append(str(row.pk))
            continue
        attempts = len(row.worker_ids)
        claimed = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        )
        if attempts < max_attempts:
            if claimed.update(status=TaskResultStatus.READY):
                report.requeued.append(str(row.pk))
                _record(row, worker_id, attempts, TaskRecovery.Action.REQUEUED, "worker gone")
                logger.warning("re-queued task %s (%s): worker %s is gone", row.pk, row.task_path, worker_id)
            continue
        reason = lost_reason(attempts=attempts, worker_id=worker_id)
        if claimed.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=WORKER_LOST,
            traceback=reason,
            return_value=None,
        ):
            report.failed.append(str(row.pk))
            _record(row, worker_id, attempts, TaskRecovery.Action.FAILED, reason)
            logger.error("gave up task %s (%s) after %d attempts", row.pk, row.task_path, attempts)
    return report


def _record(row: Any, worker_id: str, attempts: int, action: str, reason: str) -> None:
    TaskRecovery.objects.create(
        task_id=str(row.pk),
        task_path=row.task_path,
        worker_id=worker_id,
        attempt=attempts,
        action=action,
        reason=reason,
    )


@dataclass
class LostWorkReport:
    requeued: int = 0
    failed: int = 0
    imports_failed: int = 0


def recover_lost_work(*, now: dt.datetime | None = None) -> LostWorkReport:
    """What a worker does at start (and every minute): reap lost tasks, then end the import jobs whose
    task is gone visibly (their page offers 重新导入)."""
    from innomarket.intake.services import import_jobs_recover

    reaped = tasks_reap(now=now)
    imports = import_jobs_recover(now=now)
    return LostWorkReport(requeued=len(reaped.requeued), failed=len(reaped.failed), imports_failed=imports)
