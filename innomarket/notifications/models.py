"""通知: one message in a person's in-app inbox, optionally also sent by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from innomarket.common.models import BaseModel


class Notification(BaseModel):
    """A message to one recipient. Rows are written by ``services.notify`` only.

    ``kind`` is a stable machine-readable slug chosen by the caller ("challenge_published",
    "bid_declined" …); ``url`` is an internal path the inbox links to; ``about`` optionally points at
    the record the message is about.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类型"), max_length=40, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("相关对象类型"), null=True, blank=True, on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("相关对象编号"), null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class AwaitsReply(models.Model):
    """Mixin of every request that someone owes an answer to (预约、申请、咨询、洽谈 …).

    ``submitted_at`` is when the request first reached the answering side; ``awaiting_since`` is set
    while the answering side owes a reply (set again when the requester adds something that needs
    a new answer, cleared by the answer); ``first_answered_at`` is the first answer ever, for
    response-time statistics. Services set them through ``notifications.replies.awaiting`` /
    ``answered``; ``services.reply_reminders_send`` reminds and escalates from them.
    """

    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    awaiting_since = models.DateTimeField(_("待答复起始时间"), null=True, blank=True, db_index=True)
    first_answered_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)

    class Meta:
        abstract = True


class ReplyReminder(BaseModel):
    """One reminder (催办) or escalation (督办) sent for one round of waiting on one request.

    Unique per record, level and ``waiting_since``, so the hourly job sends each at most once per
    round, also when two workers run it at the same moment.
    """

    class Level(models.TextChoices):
        REMIND = "remind", _("催办")
        ESCALATE = "escalate", _("督办")

    content_type = models.ForeignKey(ContentType, verbose_name=_("相关对象类型"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("相关对象编号"))
    about = GenericForeignKey("content_type", "object_id")
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    waiting_since = models.DateTimeField(_("待答复起始时间"))

    class Meta:
        verbose_name = _("催办记录")
        verbose_name_plural = _("催办记录")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "level", "waiting_since"],
                name="reply_reminder_once_per_round",
            )
        ]
