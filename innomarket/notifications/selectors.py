"""Reads of the notification inbox."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from . import replies
from .models import Notification


def inbox(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own notifications, newest first; nothing for an anonymous visitor."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    """How many of the user's notifications are unread (one query; none for an anonymous visitor)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@dataclass
class ReplyStats:
    """Response times of one kind of request (``notifications.replies.ReplyRule``).

    ``submitted``: requests that reached the answering side; ``answered``: those answered at least
    once; ``pending``: awaiting an answer now; ``overdue``: of those, waiting longer than
    ``days``; ``within_share``: answered within ``days`` over the requests that have had ``days`` to be
    answered (answered ones plus those submitted at least ``days`` ago and never answered), ``None``
    when there are none yet; ``median_hours``: median time to the first answer.
    """

    key: str
    label: Any
    days: int
    submitted: int = 0
    answered: int = 0
    pending: int = 0
    overdue: int = 0
    within_share: float | None = None
    median_hours: float | None = None
    funnel: list[tuple[Any, int]] = field(default_factory=list)


def reply_stats(*, city_id: int | None = None, now: dt.datetime | None = None) -> list[ReplyStats]:
    """One ``ReplyStats`` per registered rule, for one city or (``None``) the whole alliance.

    Two queries per rule (the timestamps, and whatever the rule's funnel needs)."""
    now = now or timezone.now()
    results = []
    for rule in replies.rules():
        qs = rule.model._default_manager.filter(submitted_at__isnull=False)
        if city_id is not None:
            qs = qs.filter(**{f"{rule.city_field}_id": city_id})
        days = rule.days_to_answer
        stats = ReplyStats(key=rule.key, label=rule.label, days=days)
        limit = dt.timedelta(days=days)
        due = within = 0
        durations = []
        for submitted_at, first_answered_at, awaiting_since in qs.values_list(
            "submitted_at", "first_answered_at", "awaiting_since"
        ):
            stats.submitted += 1
            if awaiting_since is not None:
                stats.pending += 1
                if now - awaiting_since > limit:
                    stats.overdue += 1
            if first_answered_at is not None:
                stats.answered += 1
                duration = first_answered_at - submitted_at
                durations.append(duration.total_seconds() / 3600)
                due += 1
                within += duration <= limit
            elif now - submitted_at >= limit and awaiting_since is not None:
                due += 1
        stats.within_share = within / due if due else None
        stats.median_hours = statistics.median(durations) if durations else None
        if rule.funnel is not None:
            stats.funnel = rule.funnel(city_id)
        results.append(stats)
    return results
