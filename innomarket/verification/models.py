"""Verification (数据核验): the status every public record goes through, and the event rows it leaves.

``Verifiable`` is the abstract base of every record a city administrator verifies before it is
public (organisations and all listings). ``Listing`` adds what all listings share: an owner
organisation, a title, a summary and field tags. Each concrete model names its workflow in
``WORKFLOW`` (see ``workflow.py``); ``StatusEvent`` rows record every change of status.
"""

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from innomarket.common.models import BaseModel

from .workflow import Workflow


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待核验")
    PUBLISHED = "published", _("已发布")
    REJECTED = "rejected", _("已退回")
    EXPIRED = "expired", _("已过期")
    ARCHIVED = "archived", _("已下架")


class Source(models.TextChoices):
    FORM = "form", _("表单填报")
    IMPORT = "import", _("批量导入")
    FEED = "feed", _("数据源")
    SEED = "seed", _("公开文件整理")


class Verifiable(BaseModel):
    WORKFLOW: ClassVar[Workflow]  # each concrete model names its state machine

    status = models.CharField(
        _("状态"), max_length=20, choices=ListingStatus.choices, default=ListingStatus.DRAFT, db_index=True
    )
    city = models.ForeignKey("regions.City", verbose_name=_("所属城市"), on_delete=models.PROTECT)
    source = models.CharField(_("数据来源"), max_length=10, choices=Source.choices, default=Source.FORM)
    source_note = models.CharField(
        _("来源说明"), max_length=300, blank=True, help_text=_("如公开文件的文号与日期")
    )
    last_verified_at = models.DateTimeField(_("最近核验时间"), null=True, blank=True)
    status_reason = models.TextField(_("最近一次退回/下架理由"), blank=True)
    is_sample = models.BooleanField(
        _("示例数据"), default=False, help_text=_("演示用的生成数据，页面上明确标注为“示例”")
    )

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return self.status in self.WORKFLOW.public


class Listing(Verifiable):
    owner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("发布机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_set",
    )
    title = models.CharField(_("名称"), max_length=200)
    summary = models.TextField(_("简介"), blank=True)
    fields = models.ManyToManyField(
        "taxonomy.FieldTag", verbose_name=_("领域/产业"), blank=True, related_name="%(app_label)s_%(class)s_set"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title


# Reasons the system itself writes are stored in the source language and translated when shown, so
# the history reads the same whoever caused the event; people's own reasons are shown as written.
REASON_CREATED = "创建"
REASON_EDITED = "内容已修改，重新提交核验"
SYSTEM_REASONS = {REASON_CREATED: _("创建"), REASON_EDITED: _("内容已修改，重新提交核验")}


class StatusEvent(models.Model):
    """One change of status of any verifiable record: who, when, from, to, why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20)
    reason = models.TextField(_("理由"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("状态变更记录")
        verbose_name_plural = _("状态变更记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"

    def status_label(self, value: str) -> str:
        model = self.content_type.model_class()
        choices = dict(model._meta.get_field("status").choices) if model else {}
        return str(choices.get(value, value))

    @property
    def reason_display(self) -> str:
        return str(SYSTEM_REASONS.get(self.reason, self.reason))

    @property
    def from_label(self) -> str:
        return self.status_label(self.from_status) if self.from_status else ""

    @property
    def to_label(self) -> str:
        return self.status_label(self.to_status)
