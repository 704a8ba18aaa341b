"""Writes of the notification inbox (通知): send to people, mark as read.

Other apps call ``notify`` from inside their own services (揭榜挂帅: a challenge published, a bid
declined …). The inbox rows are written in the caller's transaction; e-mails go out only after it
commits, so a rolled-back workflow step never mails anyone, and a mail server that fails never undoes
the step.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innomarket.accounts.models import User
from innomarket.common.exceptions import PermissionDenied

from . import replies
from .models import Notification, ReplyReminder
from .recipients import alliance_admins, city_admins

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = Notification._meta.get_field("title").max_length or 200


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _fit_title(title: str) -> str:
    title = _one_line(title)
    if len(title) > TITLE_MAX_LENGTH:
        title = title[: TITLE_MAX_LENGTH - 1] + "…"
    return title


def _unique_active(recipients: Iterable[User | None]) -> list[User]:
    seen: set[int] = set()
    users = []
    for user in recipients:
        if user is None or user.pk is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        users.append(user)
    return users


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User | None],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    about: models.Model | None = None,
    email: bool = True,
) -> list[Notification]:
    """Put one notification into the inbox of each recipient; with ``email``, also mail it.

    ``recipients`` may be any iterable of users (a queryset from ``notifications.recipients``, a
    list); ``None``, inactive users and repeats are skipped. ``kind`` is a stable slug
    ("bid_declined"), ``title`` one line (whitespace is collapsed; cut to 200 characters with "…"),
    ``body`` plain text, ``url`` an internal path such as ``/challenges/12/``, ``about`` the saved
    record the message is about. Text is stored as given: build it in the site's language
    (``translation.override(settings.LANGUAGE_CODE)``) rather than the acting user's.

    Mail goes out after the surrounding transaction commits, one plain-text message per recipient
    with an e-mail address; each sent one gets ``emailed_at``. A failing mail is logged and leaves
    ``emailed_at`` empty; it never raises into the caller. Returns the created notifications in
    recipient order (empty when nobody is left).
    """
    users = _unique_active(recipients)
    if not users:
        return []
    if about is not None and about.pk is None:
        raise ValueError("notify(about=...) needs a saved record")
    content_type = ContentType.objects.get_for_model(about) if about is not None else None
    object_id = about.pk if about is not None else None

    def build(user: User) -> Notification:
        return Notification(
            recipient=user,
            kind=kind,
            title=_fit_title(title),
            body=str(body or ""),
            url=str(url or ""),
            content_type=content_type,
            object_id=object_id,
        )

    # Every row differs only by recipient: validate one, write all in one statement.
    build(users[0]).full_clean(exclude=["recipient", "content_type"])
    notifications = Notification.objects.bulk_create([build(user) for user in users])
    if email:
        ids = [n.pk for n in notifications if n.recipient.email]
        if ids:
            # robust: whatever slips past the per-message handling is logged, not raised after commit.
            transaction.on_commit(partial(send_emails, ids), robust=True)
    return notifications


def _absolute(url: str) -> str:
    base = str(getattr(settings, "INNOMARKET_SITE_URL", "") or "").rstrip("/")
    if base and url.startswith("/") and not url.startswith("//"):
        return base + url
    return url


def _message(notification: Notification) -> EmailMessage:
    site_name = getattr(settings, "INNOMARKET_SITE_NAME", "")
    title = _one_line(notification.title)
    subject = (_("【%(site)s】%(title)s") % {"site": site_name, "title": title}) if site_name else title
    parts = [notification.body.strip()] if notification.body.strip() else []
    if notification.url:
        parts.append(_absolute(notification.url))
    return EmailMessage(
        subject=subject,
        body="\n\n".join(parts) or title,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
    )


def send_emails(notification_ids: list[int]) -> int:
    """Mail the given notifications that have not been mailed yet; returns how many were sent.

    Called after commit by ``notify``. Each message is sent on its own, so one bad address or a
    mail server hiccup loses only that message; failures are logged with their traceback and leave
    ``emailed_at`` empty.
    """
    pending = list(
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("pk")
    )
    if not pending:
        return 0
    sent: list[int] = []
    # Recipients have no language of their own: mail in the site's language, whoever triggered it.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with get_connection() as connection:  # one connection (SMTP session) for the batch
                for notification in pending:
                    try:
                        if connection.send_messages([_message(notification)]):
                            sent.append(notification.pk)
                    except Exception:
                        logger.exception(
                            "notification e-mail %s to user %s failed",
                            notification.pk,
                            notification.recipient_id,
                        )
        except Exception:
            logger.exception(
                "notification e-mail: the mail connection failed (notifications %s)", notification_ids
            )
    if sent:
        now = timezone.now()
        Notification.objects.filter(pk__in=sent).update(emailed_at=now, updated_at=now)
    return len(sent)


def mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications as read (keeps the first reading time)."""
    if not getattr(actor, "is_authenticated", False) or notification.recipient_id != actor.pk:
        raise PermissionDenied(_("只能标记自己的通知。"))
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=now, updated_at=now
        )
        notification.read_at = now
    return notification


def mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor as read; returns how many were unread."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"))
    now = timezone.now()
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=now, updated_at=now
    )


# ---------------------------------------------------------------- nobody left unanswered (有问必答)


@dataclass
class ReplyReminderReport:
    reminded: int = 0
    escalated: int = 0


def _reminder_once(*, record: models.Model, level: str, waiting_since: dt.datetime) -> bool:
    """Record a reminder for this round of waiting; False when it was already sent."""
    try:
        with transaction.atomic():
            ReplyReminder.objects.create(
                content_type=ContentType.objects.get_for_model(record),
                object_id=record.pk,
                level=level,
                waiting_since=waiting_since,
            )
    except IntegrityError:
        return False
    return True


def reply_reminders_send(*, now: dt.datetime | None = None) -> ReplyReminderReport:
    """催办 and 督办 for every registered kind of request (``notifications.replies``).

    A request awaiting an answer for ``days_to_answer`` days reminds the answering side once per
    round of waiting; after ``days_to_escalate`` days the city's administrators (the alliance's when
    the record has no city) are asked to step in and the requester is told. Safe to run often and
    concurrently: each reminder is recorded once under a unique constraint before it is sent.
    """
    now = now or timezone.now()
    report = ReplyReminderReport()
    with translation.override(settings.LANGUAGE_CODE):
        for rule in replies.rules():
            remind_before = now - dt.timedelta(days=rule.days_to_answer)
            escalate_before = now - dt.timedelta(days=rule.days_to_escalate)
            waiting = rule.pending().filter(awaiting_since__isnull=False, awaiting_since__lte=remind_before)
            for record in waiting.order_by("pk"):
                since = record.awaiting_since
                days = (now - since).days
                what = rule.describe(record)
                if since <= escalate_before and _reminder_once(
                    record=record, level=ReplyReminder.Level.ESCALATE, waiting_since=since
                ):
                    with transaction.atomic():
                        _reminder_once(record=record, level=ReplyReminder.Level.REMIND, waiting_since=since)
                        city_id = rule.city_id(record)
                        admins = city_admins(city_id) if city_id else alliance_admins()
                        notify(
                            recipients=admins,
                            kind=f"{rule.key}_escalated",
                            title=_("督办：%(label)s %(days)d 天未获答复")
                            % {"label": rule.label, "days": days},
                            body=what,
                            url=rule.answer_url(record),
                            about=record,
                        )
                        notify(
                            recipients=rule.requesters(record),
                            kind=f"{rule.key}_escalated_requester",
                            title=(
                                _("您的%(label)s已 %(days)d 天未获答复，已转城市管理员督办")
                                if city_id
                                else _("您的%(label)s已 %(days)d 天未获答复，已转联盟管理员督办")
                            )
                            % {"label": rule.label, "days": days},
                            body=what,
                            url=rule.answer_url(record),
                            about=record,
                        )
                    report.escalated += 1
                elif _reminder_once(record=record, level=ReplyReminder.Level.REMIND, waiting_since=since):
                    body = (
                        _(
                            "%(what)s\n请答复（同意、提出其他安排或说明理由婉拒）；%(escalate)d 天未答复将转城市管理员督办。"
                        )
                        if rule.city_id(record)
                        else _(
                            "%(what)s\n请答复（同意、提出其他安排或说明理由婉拒）；%(escalate)d 天未答复将转联盟管理员督办。"
                        )
                    )
                    notify(
                        recipients=rule.answerers(record),
                        kind=f"{rule.key}_reminder",
                        title=_("提醒：%(label)s已等待 %(days)d 天") % {"label": rule.label, "days": days},
                        body=body % {"what": what, "escalate": rule.days_to_escalate},
                        url=rule.answer_url(record),
                        about=record,
                    )
                    report.reminded += 1
    return report
