"""API tokens (接口令牌): a key that acts for one person within one organisation, or within one city
for a city administrator, limited to a few scopes.

Only the SHA-256 of the key is stored; the key itself is shown once, when it is issued. ``prefix`` (the
key's first characters) is kept in clear so people can tell their tokens apart.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innomarket.common.models import BaseModel


class Scope(models.TextChoices):
    READ = "read", _("读取公开数据")
    ME_READ = "me:read", _("读取本人与本机构信息（含本机构咨询）")
    ENQUIRIES_WRITE = "enquiries:write", _("提交在线咨询")
    QUEUE_READ = "queue:read", _("读取本市核验队列统计")


# Which scopes a token may carry, by what it acts for.
ORGANISATION_SCOPES = (Scope.READ, Scope.ME_READ, Scope.ENQUIRIES_WRITE)
CITY_SCOPES = (Scope.READ, Scope.ME_READ, Scope.QUEUE_READ)


class ApiToken(BaseModel):
    name = models.CharField(_("名称"), max_length=80, help_text=_("用途，如“小程序后台”“市科创云平台同步”"))
    prefix = models.CharField(_("令牌前缀"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("令牌摘要（SHA-256）"), max_length=64, unique=True, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("所属机构"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    city = models.ForeignKey(
        "regions.City",
        verbose_name=_("所属城市"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    scopes = models.JSONField(_("权限范围"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人（令牌以其身份操作）"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A token acts for exactly one organisation or one city.
            models.CheckConstraint(
                condition=(Q(organisation__isnull=True) & Q(city__isnull=False))
                | (Q(organisation__isnull=False) & Q(city__isnull=True)),
                name="apitoken_organisation_xor_city",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.display_prefix}）"

    @property
    def display_prefix(self) -> str:
        return f"{self.prefix}…"

    def is_active_at(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def is_active(self) -> bool:
        return self.is_active_at()

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    def scope_labels(self) -> list[str]:
        return [str(Scope(s).label) for s in self.scopes or [] if s in Scope.values]
