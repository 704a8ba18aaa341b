"""Background tasks of verification (django-tasks; ``manage.py db_worker`` runs them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import task

from . import freshness


@task()
def refresh_listings_task(reschedule_hours: int = 0) -> dict[str, Any]:
    """Expire outdated listings and remind their owners (``freshness.refresh_listings``); with
    ``reschedule_hours``, queue itself again that many hours later (24: daily)."""
    report = freshness.refresh_listings()
    if reschedule_hours > 0:
        refresh_listings_task.using(run_after=timezone.now() + dt.timedelta(hours=reschedule_hours)).enqueue(
            reschedule_hours
        )
    return report.as_dict()
