"""Background tasks of 揭榜挂帅 (django-tasks; ``manage.py db_worker`` runs them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.utils import timezone
from django_tasks import task

from . import services
from .models import Challenge


@task()
def invite_suppliers_task(challenge_id: int) -> int:
    """Invite the engine's top suppliers of a just-published challenge; returns how many were invited."""
    challenge = Challenge.objects.select_related("owner", "city").filter(pk=challenge_id).first()
    if challenge is None:
        return 0
    return len(services.invite_suppliers(challenge))


@task()
def housekeeping_task(reschedule_minutes: int = 0) -> dict[str, Any]:
    """Close challenges at their deadline and send reminders; optionally run again later."""
    report = services.housekeeping()
    if reschedule_minutes > 0:
        housekeeping_task.using(run_after=timezone.now() + dt.timedelta(minutes=reschedule_minutes)).enqueue(
            reschedule_minutes
        )
    return asdict(report)
