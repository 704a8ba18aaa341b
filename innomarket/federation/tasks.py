"""Background tasks of the federation app (django-tasks; ``manage.py db_worker`` runs them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import task

from . import services


@task()
def harvest_due_feeds_task(reschedule_minutes: int = 0) -> list[dict[str, Any]]:
    """Harvest every due feed (see ``services.harvest_due_feeds``); optionally run again later."""
    results = [result.as_dict() for result in services.harvest_due_feeds()]
    if reschedule_minutes > 0:
        harvest_due_feeds_task.using(
            run_after=timezone.now() + dt.timedelta(minutes=reschedule_minutes)
        ).enqueue(reschedule_minutes)
    return results
