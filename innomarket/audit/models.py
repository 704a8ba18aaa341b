"""审计日志: one append-only row per create, update, status change or deletion of a tracked record.

``changes`` maps a field name to ``[before, after]`` in JSON-safe form: dates and times in ISO 8601,
decimals as strings, foreign keys as ``{"id": pk, "repr": "…"}``, many-to-many fields as the sorted list of
the related records' names. ``changes_text`` repeats the changes and the reason as plain text for search.
Rows are written by ``services.recording`` only; nothing updates or deletes them afterwards (the one
exception: the reason and actor of a status change are attached right after the row is written).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("创建")
        UPDATE = "update", _("修改")
        STATUS = "status", _("状态变更")
        DELETE = "delete", _("删除")

    content_type = models.ForeignKey(ContentType, verbose_name=_("数据类型"), on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(_("记录编号"))
    object_repr = models.CharField(_("记录"), max_length=200)
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as written, so the log still names the person after the account is renamed or deleted.
    actor_display = models.CharField(_("操作人名称"), max_length=150, blank=True)
    city = models.ForeignKey(
        "regions.City",
        verbose_name=_("所属城市"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    changes_text = models.TextField(_("变更内容（检索用）"), blank=True, editable=False)
    reason = models.TextField(_("理由"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "created_at"], name="audit_record_idx"),
            models.Index(fields=["city", "created_at"], name="audit_city_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.object_repr}"

    @property
    def actor_label(self) -> str:
        return self.actor_display or gettext("系统")

    @property
    def model_class(self) -> type[models.Model] | None:
        return self.content_type.model_class()

    def rows(self) -> list[dict[str, Any]]:
        """The changed fields for display: label, before, after (see ``presentation.change_rows``)."""
        from .presentation import change_rows

        return change_rows(self)
