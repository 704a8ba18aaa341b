"""Freshness (信息时效): expire public listings past their validity and remind owners before that.

Run it daily from cron, or once with ``--every-hours 24`` to queue a self-repeating background task for
``manage.py db_worker``. ``--dry-run`` only counts. ``--now`` (ISO date or datetime) pretends it is
another day, to preview what a later run will do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from innomarket.catalog import LISTING_TYPES
from innomarket.verification import freshness
from innomarket.verification.tasks import refresh_listings_task


def _parse_now(value: str) -> dt.datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(
                _("--now：无法识别的日期“%(value)s”，请用 2026-01-31 或 2026-01-31T08:00 的格式。")
                % {"value": value}
            )
        parsed = dt.datetime.combine(day, dt.time(hour=3))
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = "信息时效：将超过有效期未重新确认的公开信息标记为已过期，并在到期前提醒发布机构重新确认。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只统计，不做任何修改")
        parser.add_argument("--now", default="", help="以此时间为“现在”（ISO 日期/时间），用于预演")
        parser.add_argument(
            "--every-hours", type=int, default=0, metavar="HOURS", help="排入一个每 HOURS 小时重复的后台任务"
        )

    def handle(
        self, *args: Any, dry_run: bool = False, now: str = "", every_hours: int = 0, **options: Any
    ) -> None:
        if every_hours > 0:
            if self._already_queued():
                self.stdout.write(_("后台任务已在队列中，无需重复排入。"))
                return
            refresh_listings_task.enqueue(every_hours)
            self.stdout.write(_("已排入后台任务：每 %(n)d 小时检查一次信息时效。") % {"n": every_hours})
            return
        report = freshness.refresh_listings(now=_parse_now(now) if now else None, dry_run=dry_run)
        prefix = _("（预演，未做修改）") if dry_run else ""
        for key, listing_type in LISTING_TYPES.items():
            expired, reminded = report.expired.get(key, 0), report.reminded.get(key, 0)
            if expired or reminded:
                self.stdout.write(
                    _("%(kind)s：过期 %(expired)d 条，提醒 %(reminded)d 条")
                    % {"kind": listing_type.label, "expired": expired, "reminded": reminded}
                )
        for failure in report.failures:
            self.stderr.write(failure)
        self.stdout.write(
            _("%(prefix)s合计：过期 %(expired)d 条，提醒 %(reminded)d 条，失败 %(failed)d 条。")
            % {
                "prefix": prefix,
                "expired": report.expired_total,
                "reminded": report.reminded_total,
                "failed": len(report.failures),
            }
        )

    @staticmethod
    def _already_queued() -> bool:
        """One repeating chain is enough: queuing it again (``make run``) must not start a second one."""
        from django.apps import apps

        if not apps.is_installed("django_tasks_db"):
            return False
        from django_tasks_db.models import DBTaskResult

        func = refresh_listings_task.func
        path = f"{func.__module__}.{func.__qualname__}"
        return DBTaskResult.objects.filter(task_path=path, status__in=["READY", "RUNNING"]).exists()
