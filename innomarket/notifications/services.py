"""Writes of the notification inbox (通知): send to people, mark as read.

Other apps call ``notify`` from inside their own services (揭榜挂帅: a challenge published, a bid
declined …). The inbox rows are written in the caller's transaction; e-mails go out only after it
commits, so a rolled-back workflow step never mails anyone, and a mail server that fails never undoes
the step.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from innomarket.accounts.models import User
from innomarket.common.exceptions import PermissionDenied

from .models import Notification

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
