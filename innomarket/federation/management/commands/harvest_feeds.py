"""Harvest city feeds: ``manage.py harvest_feeds [--feed ID …] [--all-due] [--full] [--every MINUTES]``.

Prints one line per feed (``#ID 名称: 成功：新增 …`` or ``…: 失败：…``) and exits 1 when any failed.
``--every MINUTES`` queues a self-repeating background task for ``manage.py db_worker`` instead, once:
when the chain is already queued or running (``make run`` run again), it queues nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from innomarket.backoffice.models import Feed
from innomarket.federation import services
from innomarket.federation.selectors import due_feeds
from innomarket.federation.tasks import harvest_due_feeds_task


class Command(BaseCommand):
    help = "Harvest the JSON feeds of member cities into their verification queues."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--feed",
            type=int,
            action="append",
            default=[],
            metavar="ID",
            help="harvest this feed (repeatable)",
        )
        parser.add_argument("--all-due", action="store_true", help="harvest every enabled feed that is due")
        parser.add_argument("--full", action="store_true", help="ignore the incremental mark (no ?since=)")
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="MINUTES",
            help="queue a background task repeating every MINUTES",
        )

    def handle(
        self, *args: Any, feed: list[int], all_due: bool, full: bool, every: int, **options: Any
    ) -> None:
        if every > 0:
            if self._already_queued():
                self.stdout.write("already queued: harvest due feeds (nothing added)")
                return
            harvest_due_feeds_task.enqueue(every)
            self.stdout.write(f"queued: harvest due feeds every {every} min")
            return
        if not feed and not all_due:
            raise CommandError("give --feed ID or --all-due")
        feeds: list[Feed] = []
        if feed:
            found = {f.pk: f for f in Feed.objects.filter(pk__in=feed).select_related("city")}
            missing = [str(pk) for pk in feed if pk not in found]
            if missing:
                raise CommandError(f"no feed with id {', '.join(missing)}")
            feeds.extend(found[pk] for pk in dict.fromkeys(feed))
        if all_due:
            feeds.extend(f for f in due_feeds() if f.pk not in {x.pk for x in feeds})
        failed = 0
        for item in feeds:
            result = services.harvest(item, full=full)
            failed += not result.ok and not result.busy
            self.stdout.write(f"#{item.pk} {item.name}: {result.message}")
        if not feeds:
            self.stdout.write("no feed is due")
        if failed:
            raise CommandError(f"{failed} of {len(feeds)} feeds failed")

    @staticmethod
    def _already_queued() -> bool:
        """One repeating chain is enough (as ``refresh_listings --every-hours``): is one waiting or running?"""
        from django.apps import apps

        if not apps.is_installed("django_tasks_db"):
            return False
        from django_tasks_db.models import DBTaskResult

        func = harvest_due_feeds_task.func
        path = f"{func.__module__}.{func.__qualname__}"
        return DBTaskResult.objects.filter(task_path=path, status__in=["READY", "RUNNING"]).exists()
