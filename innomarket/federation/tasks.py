"""Background tasks of the federation app (django-tasks; ``manage.py db_worker`` runs them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import task

from . import services
from .models import HarvestRun


@task()
def harvest_due_feeds_task(reschedule_minutes: int = 0) -> list[dict[str, Any]]:
    """Harvest every due feed (see ``services.harvest_due_feeds``); optionally run again later.

    The next run is queued even when this one fails, so that one bad night does not end the chain.
    """
    try:
        return [result.as_dict() for result in services.harvest_due_feeds()]
    finally:
        if reschedule_minutes > 0:
            harvest_due_feeds_task.using(
                run_after=timezone.now() + dt.timedelta(minutes=reschedule_minutes)
            ).enqueue(reschedule_minutes)


@task()
def harvest_feed_task(run_id: int) -> dict[str, Any]:
    """Carry out a run queued by 立即采集 (``services.harvest_request``)."""
    run = HarvestRun.objects.select_related("feed", "feed__city").filter(pk=run_id).first()
    if run is None:  # the feed was deleted meanwhile
        return {"run_id": run_id, "ok": False, "message": "run not found"}
    return services.harvest(run.feed, run=run, trigger=HarvestRun.Trigger.MANUAL).as_dict()
