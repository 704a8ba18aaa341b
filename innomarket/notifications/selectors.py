"""Reads of the notification inbox."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, QuerySet
from django.urls import reverse
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

    @property
    def median_days(self) -> float | None:
        return None if self.median_hours is None else self.median_hours / 24


def _reply_rows(rule: replies.ReplyRule, city_id: int | None) -> list[tuple[Any, ...]]:
    qs = rule.model._default_manager.filter(submitted_at__isnull=False)
    if city_id is not None:
        qs = qs.filter(**{f"{rule.city_field}_id": city_id})
    return list(
        qs.values_list(f"{rule.city_field}_id", "submitted_at", "first_answered_at", "awaiting_since")
    )


def _summarise(rule: replies.ReplyRule, rows: list[tuple[Any, ...]], now: dt.datetime) -> ReplyStats:
    days = rule.days_to_answer
    stats = ReplyStats(key=rule.key, label=rule.label, days=days)
    limit = dt.timedelta(days=days)
    due = within = 0
    durations = []
    for _city_id, submitted_at, first_answered_at, awaiting_since in rows:
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
        elif awaiting_since is not None and now - submitted_at >= limit:
            due += 1
    stats.within_share = within / due if due else None
    stats.median_hours = statistics.median(durations) if durations else None
    return stats


def reply_stats(*, city_id: int | None = None, now: dt.datetime | None = None) -> list[ReplyStats]:
    """One ``ReplyStats`` per registered rule, for one city or (``None``) the whole alliance.

    Two queries per rule (the timestamps, and whatever the rule's funnel needs)."""
    now = now or timezone.now()
    results = []
    for rule in replies.rules():
        stats = _summarise(rule, _reply_rows(rule, city_id), now)
        if rule.funnel is not None:
            stats.funnel = rule.funnel(city_id)
        results.append(stats)
    return results


def reply_stats_by_city(*, now: dt.datetime | None = None) -> dict[int, list[ReplyStats]]:
    """Response times (no funnels) of every rule for every city that has requests: one query per rule."""
    now = now or timezone.now()
    grouped: dict[int, dict[str, list[tuple[Any, ...]]]] = {}
    rules = replies.rules()
    for rule in rules:
        for row in _reply_rows(rule, None):
            grouped.setdefault(row[0], {}).setdefault(rule.key, []).append(row)
    return {
        city_id: [_summarise(rule, by_rule.get(rule.key, []), now) for rule in rules]
        for city_id, by_rule in grouped.items()
    }


@dataclass
class AwaitingMine:
    key: str
    label: Any
    count: int
    oldest: dt.datetime | None
    overdue: bool
    url: str


def _inbox_url(rule: replies.ReplyRule, user: Any) -> str:
    if callable(rule.inbox_url):
        return rule.inbox_url(user)
    return reverse(rule.inbox_url) if rule.inbox_url else ""


def awaiting_my_reply(user: Any, *, now: dt.datetime | None = None) -> list[AwaitingMine]:
    """待我答复: per registered rule, how many requests await an answer from the user's side and since
    when (one query per rule that knows how to find them); rules with nothing waiting are left out."""
    if not getattr(user, "is_authenticated", False):
        return []
    now = now or timezone.now()
    found = []
    for rule in replies.rules():
        if rule.mine is None:
            continue
        figures = (
            rule.mine(user)
            .filter(awaiting_since__isnull=False)
            .aggregate(n=Count("pk"), oldest=Min("awaiting_since"))
        )
        if not figures["n"]:
            continue
        oldest = figures["oldest"]
        found.append(
            AwaitingMine(
                key=rule.key,
                label=rule.label,
                count=figures["n"],
                oldest=oldest,
                overdue=oldest is not None and now - oldest > dt.timedelta(days=rule.days_to_answer),
                url=_inbox_url(rule, user),
            )
        )
    return found
