"""``manage.py run_worker``: django-tasks-db's ``db_worker`` with a heartbeat and crash recovery.

Before it takes its first task it re-queues the tasks of workers that died (SIGKILL, out of memory,
a lost host) and fails import jobs whose task is gone; while it runs, a thread refreshes its
heartbeat and repeats that check every minute. Every option of ``db_worker`` applies; autoreload is
off by default (a reloaded worker would kill its task half-way).
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from innomarket.ops import workers


class Command(DBWorkerCommand):
    help = "Run the background worker (db_worker) with a heartbeat; first re-queue tasks of dead workers."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.set_defaults(reload=False, worker_id=workers.new_worker_id())

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = options["worker_id"]
        workers.heartbeat_register(worker_id=worker_id)
        report = workers.recover_lost_work()
        if options.get("verbosity", 1):
            self.stdout.write(
                f"worker {worker_id}: re-queued {report.requeued}, failed {report.failed} task(s) of dead "
                f"workers; import jobs failed {report.imports_failed}"
            )
        beat = workers.HeartbeatThread(worker_id)
        beat.start()
        try:
            super().handle(*args, **options)
        finally:
            beat.stop()
            workers.heartbeat_stop(worker_id=worker_id)
