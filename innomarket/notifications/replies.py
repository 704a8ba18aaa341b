"""Nobody left unanswered (有问必答): the rule every transaction of the platform follows.

Each kind of request that someone owes an answer to (an instrument booking, a loan application, a
talent application, an enquiry …) registers one ``ReplyRule`` from its app's ``ready()``. Its model
mixes in ``notifications.models.AwaitsReply``; its services call ``awaiting(record)`` when the ball
is in the answering side's court and ``answered(record)`` when they answer. The hourly housekeeping
(``services.reply_reminders_send``) then reminds the answering side after ``response_days`` and
escalates to the city's administrators after ``escalate_days`` (telling the requester it did so);
``selectors.reply_stats`` measures response times the same way for every rule.

Pure bookkeeping: no queries here except through the callables a rule provides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils import timezone


@dataclass(frozen=True)
class ReplyRule:
    """How one kind of request is answered.

    - ``key``: stable slug ("booking"), also the prefix of the notification kinds it sends;
    - ``label``: what the request is called in messages and statistics (「仪器预约」);
    - ``pending``: the records that may be awaiting an answer (the rule filters ``awaiting_since``);
    - ``answerers(record)``: who owes the answer (the owner organisation's members …);
    - ``requesters(record)``: who asked (told when the request is escalated);
    - ``city_id(record)``: whose administrators the escalation goes to (``None``: the alliance's);
    - ``describe(record)``: one line naming the request for a human (「某公司预约扫描电镜」);
    - ``answer_url(record)``: where the answering side answers it;
    - ``funnel(city_id)``: the stages of this transaction for the statistics, ``[(label, count)]``;
    - ``mine(user)``: the records awaiting an answer from the user's side (the workspace's 待我答复);
    - ``inbox_url``: URL name of the answering side's list of these requests, or a callable taking
      the user and returning a path (when the list is per organisation);
    - ``response_days`` / ``escalate_days``: override the site-wide ``INNOMARKET_REPLIES``.
    """

    key: str
    label: Any
    model: type[Model]
    pending: Callable[[], QuerySet]
    answerers: Callable[[Any], Iterable[Any]]
    requesters: Callable[[Any], Iterable[Any]]
    city_id: Callable[[Any], int | None]
    describe: Callable[[Any], str]
    answer_url: Callable[[Any], str]
    funnel: Callable[[int | None], list[tuple[Any, int]]] | None = None
    city_field: str = "city"  # the lookup from the model to its City, for per-city statistics
    mine: Callable[[Any], QuerySet] | None = None
    inbox_url: str | Callable[[Any], str] = ""  # a URL name, or (user) -> path
    response_days: int | None = None
    escalate_days: int | None = None

    @property
    def days_to_answer(self) -> int:
        return int(self.response_days or settings.INNOMARKET_REPLIES["RESPONSE_DAYS"])

    @property
    def days_to_escalate(self) -> int:
        return int(self.escalate_days or settings.INNOMARKET_REPLIES["ESCALATE_DAYS"])


_RULES: dict[str, ReplyRule] = {}


def register(rule: ReplyRule) -> ReplyRule:
    """Register a rule (from an ``AppConfig.ready``); registering the same key again replaces it."""
    _RULES[rule.key] = rule
    return rule


def rules() -> list[ReplyRule]:
    return list(_RULES.values())


def rule(key: str) -> ReplyRule:
    return _RULES[key]


def awaiting(record: Any, *, now: dt.datetime | None = None) -> None:
    """The answering side now owes a reply (a new round of waiting). Caller saves the record."""
    now = now or timezone.now()
    if record.submitted_at is None:
        record.submitted_at = now
    record.awaiting_since = now


def answered(record: Any, *, now: dt.datetime | None = None) -> None:
    """The answering side replied. Caller saves the record."""
    now = now or timezone.now()
    record.awaiting_since = None
    if record.first_answered_at is None:
        record.first_answered_at = now


def closed(record: Any) -> None:
    """Nobody owes an answer any more (the requester withdrew). Caller saves the record."""
    record.awaiting_since = None


REPLY_FIELDS = ["submitted_at", "awaiting_since", "first_answered_at"]
