"""Close challenges at their deadline and send reminders / escalations for unanswered bids and invitations.

Run it from cron (hourly is plenty), or once with ``--every MINUTES`` to queue a self-repeating
background task for ``manage.py db_worker`` (what ``make run`` does).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from innomarket.challenges import services
from innomarket.challenges.tasks import housekeeping_task


class Command(BaseCommand):
    help = "揭榜挂帅: close due challenges, remind owners of unanswered bids and invitations, escalate."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="MINUTES",
            help="queue a background task repeating every MINUTES",
        )

    def handle(self, *args: Any, every: int = 0, **options: Any) -> None:
        if every > 0:
            if self._already_queued():
                self.stdout.write("housekeeping already queued")
                return
            housekeeping_task.enqueue(every)
            self.stdout.write(f"queued: housekeeping every {every} min")
            return
        report = services.housekeeping()
        self.stdout.write(
            f"closed {report.closed}, expired {report.expired}, reminded {report.reminded}, escalated {report.escalated}; "
            f"other requests reminded {report.replies_reminded}, escalated {report.replies_escalated}; "
            f"innovation scores changed {report.scores_changed}; vouchers expired {report.vouchers_expired}; "
            f"tasks re-queued {report.tasks_requeued}, failed {report.tasks_failed}; imports failed "
            f"{report.imports_failed}; index missing {report.index_missing}, stale {report.index_stale}, "
            f"removed {report.index_removed}; orphan uploads removed {report.uploads_removed}"
        )

    @staticmethod
    def _already_queued() -> bool:
        """One repeating chain is enough: rerunning ``make run`` must not start a second one."""
        from django.apps import apps

        if not apps.is_installed("django_tasks_db"):
            return False
        from django_tasks_db.models import DBTaskResult

        path = f"{housekeeping_task.func.__module__}.{housekeeping_task.func.__qualname__}"
        return DBTaskResult.objects.filter(task_path=path, status__in=["READY", "RUNNING"]).exists()
