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
