"""The harvester's own state: one row per run of a feed, and which local record each external id became.

``backoffice.Feed`` (the configured source) keeps only its last result; the history, the counts, the
incremental ``since`` mark and the idempotence map live here.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HarvestRun(models.Model):
    """采集记录: one harvest of one feed, with what it did or why it failed.

    At most one run of a feed is queued or running at a time (a partial unique constraint: a second
    one cannot even be written). A run whose process died is marked interrupted by the next harvest
    or the scheduled task (``services.reap_interrupted_runs``): its ``host`` and ``pid`` tell whether
    the process is still alive on this machine, ``heartbeat_at`` how long it has been silent elsewhere.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("成功")
        FAILED = "failed", _("失败")
        INTERRUPTED = "interrupted", _("已中断")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("定时采集")
        MANUAL = "manual", _("立即采集")
        COMMAND = "command", _("命令行")

    feed = models.ForeignKey(
        "backoffice.Feed", verbose_name=_("数据源"), on_delete=models.CASCADE, related_name="harvest_runs"
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.RUNNING)
    trigger = models.CharField(_("触发方式"), max_length=10, choices=Trigger.choices, default=Trigger.COMMAND)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    host = models.CharField(_("主机"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("进程号"), null=True, blank=True)
    since = models.DateTimeField(_("增量起点"), null=True, blank=True, help_text=_("本次请求的 since 参数"))
    high_water_mark = models.DateTimeField(
        _("已采集至"), null=True, blank=True, help_text=_("本次见到的最新 updated_at，下次从此处增量采集")
    )
    pages = models.PositiveIntegerField(_("页数"), default=0)
    attempts = models.PositiveIntegerField(_("请求次数"), default=0)
    retries = models.PositiveIntegerField(_("重试次数"), default=0)
    fetched = models.PositiveIntegerField(_("读取"), default=0, help_text=_("收到的条目与删除标记"))
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    deleted = models.PositiveIntegerField(_("下架"), default=0, help_text=_("按删除标记下架或退回的本地记录"))
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    errors = models.PositiveIntegerField(_("错误"), default=0)
    error = models.TextField(_("失败原因"), blank=True)
    item_errors = models.JSONField(_("错误明细"), default=list, blank=True)
    message = models.TextField(_("结果"), blank=True)

    class Meta:
        verbose_name = _("采集记录")
        verbose_name_plural = _("采集记录")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["feed", "status", "started_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["feed"],
                condition=models.Q(status__in=["queued", "running"]),
                name="federation_one_active_run_per_feed",
            )
        ]

    def __str__(self) -> str:
        return self.message or str(self.get_status_display())

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class HarvestedItem(models.Model):
    """The local record an external id of a feed became, and the hash of the content last applied."""

    feed = models.ForeignKey(
        "backoffice.Feed", verbose_name=_("数据源"), on_delete=models.CASCADE, related_name="harvested_items"
    )
    external_id = models.CharField(_("外部编号"), max_length=200)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    content_hash = models.CharField(_("内容摘要"), max_length=64)
    source_updated_at = models.DateTimeField(_("来源更新时间"), null=True, blank=True)
    source_url = models.URLField(_("来源链接"), max_length=500, blank=True)
    first_harvested_at = models.DateTimeField(_("首次采集"), default=timezone.now)
    last_harvested_at = models.DateTimeField(_("最近采集"), default=timezone.now)

    class Meta:
        verbose_name = _("已采集条目")
        verbose_name_plural = _("已采集条目")
        constraints = [
            models.UniqueConstraint(fields=["feed", "external_id"], name="federation_item_unique_per_feed")
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.external_id
