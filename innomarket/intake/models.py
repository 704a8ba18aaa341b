"""Import jobs: one uploaded file, its validation report and its commit, worked off in the background."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innomarket.challenges.models import private_storage
from innomarket.common.files import random_upload_path
from innomarket.common.models import BaseModel

# Problems stored on the job for the report page; the count keeps the true total.
MAX_STORED_PROBLEMS = 1000


def import_file_path(instance: models.Model, filename: str) -> str:
    """Stored under a random name in private storage: the user's file name is kept in ``original_name``."""
    return random_upload_path("imports", filename)


class ImportJob(BaseModel):
    """批量导入任务: pending → validating → validated | invalid → committing → committed | failed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        VALIDATING = "validating", _("校验中")
        VALIDATED = "validated", _("校验通过")
        INVALID = "invalid", _("有错误")
        COMMITTING = "committing", _("导入中")
        COMMITTED = "committed", _("已导入")
        FAILED = "failed", _("导入失败")

    kind = models.CharField(_("数据类型"), max_length=30)
    city = models.ForeignKey(
        "regions.City", verbose_name=_("导入城市"), null=True, blank=True, on_delete=models.PROTECT
    )
    file = models.FileField(_("文件"), storage=private_storage, upload_to=import_file_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    valid_rows = models.PositiveIntegerField(_("正确行数"), default=0)
    invalid_rows = models.PositiveIntegerField(_("有误行数"), default=0)
    problems = models.JSONField(_("问题（最多 1000 条）"), default=list, blank=True)
    problem_count = models.PositiveIntegerField(_("问题总数"), default=0)
    keep_valid = models.BooleanField(_("只导入正确的行"), default=False)
    created_count = models.PositiveIntegerField(_("已导入条数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    # Where a failed job stopped ("validate" or "commit"): 重新导入 starts that step again.
    failed_stage = models.CharField(_("失败环节"), max_length=20, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} · {self.original_name or self.pk}"

    @property
    def progress_percent(self) -> int:
        if self.status in (self.Status.VALIDATED, self.Status.INVALID, self.Status.COMMITTED):
            return 100
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    def record_report(self, report: Any) -> None:
        """Copy a validation report's figures (not the rows) onto the job; the caller saves."""
        self.total_rows = report.total_rows
        self.processed_rows = report.total_rows
        self.valid_rows = report.valid_rows
        self.invalid_rows = report.invalid_rows
        self.problem_count = len(report.problems)
        self.problems = [p.as_dict() for p in report.problems[:MAX_STORED_PROBLEMS]]
