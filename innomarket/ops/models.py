"""Rows the recovery machinery keeps: which task workers are alive, and what recovery did."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per ``manage.py run_worker`` process: it refreshes ``last_seen_at`` every few seconds
    from a thread of its own, and sets ``stopped_at`` when it exits normally. A worker killed with
    SIGKILL leaves the row as it was; its heartbeat goes stale and, on the same host, its pid is gone."""

    worker_id = models.CharField(_("工作进程编号"), max_length=64, unique=True)
    hostname = models.CharField(_("主机"), max_length=255)
    pid = models.PositiveIntegerField(_("进程号"))
    started_at = models.DateTimeField(_("启动时间"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("最近心跳"), default=timezone.now, db_index=True)
    stopped_at = models.DateTimeField(_("退出时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台工作进程")
        verbose_name_plural = _("后台工作进程")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class TaskRecovery(models.Model):
    """What the reaper did to one task whose worker died: put it back in the queue or gave up."""

    class Action(models.TextChoices):
        REQUEUED = "requeued", _("重新排队")
        FAILED = "failed", _("标记失败")

    task_id = models.CharField(_("任务编号"), max_length=64, db_index=True)
    task_path = models.TextField(_("任务"))
    worker_id = models.CharField(_("中断的工作进程"), max_length=64, blank=True)
    attempt = models.PositiveSmallIntegerField(_("第几次执行"))
    action = models.CharField(_("处理"), max_length=20, choices=Action.choices)
    reason = models.TextField(_("原因"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("任务恢复记录")
        verbose_name_plural = _("任务恢复记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task_path} {self.action}"
