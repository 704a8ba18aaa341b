"""创新积分: indicator sets as versioned data, enterprise scores per set, and the consents that let a bank,
investor or guarantor see an enterprise's tier and score.

A published :class:`IndicatorSet` is immutable (the services refuse edits); an alliance administrator copies
it into a new draft, edits the copy and publishes it, which retires the previous set. Scores are stored per
(organisation, set), so publishing a new version never changes a score computed under an older one.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from innomarket.common.models import BaseModel

from . import engine

# The organisation kinds that may receive an enterprise's consent to see its score.
INSTITUTION_KINDS: tuple[str, ...] = ("bank", "investor", "guarantor")


class IndicatorSet(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("现行")
        RETIRED = "retired", _("已停用")

    version = models.PositiveIntegerField(_("版本号"), unique=True)
    name = models.CharField(_("名称"), max_length=120)
    description = models.TextField(_("说明与依据"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    copied_from = models.ForeignKey(
        "self", verbose_name=_("复制自"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # {"A": 75, "B": 60, "C": 40, "D": 0}: a total reaching a cut-off gets that tier; the tier with the
    # lowest cut-off is the floor every other total falls into.
    tier_cutoffs = models.JSONField(
        _("等级分界"),
        default=dict,
        help_text=_('如 {"A": 75, "B": 60, "C": 40, "D": 0}：总分达到分界即为该等级。'),
    )
    total_cap = models.DecimalField(_("总分上限"), max_digits=6, decimal_places=2, default=Decimal(100))

    class Meta:
        verbose_name = _("创新积分指标体系")
        verbose_name_plural = _("创新积分指标体系")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="published"), name="points_one_published_set"
            ),
        ]

    def __str__(self) -> str:
        return f"V{self.version} {self.name}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def to_engine(self, definitions: list[IndicatorDefinition] | None = None) -> engine.IndicatorSet:
        """This set as the scoring engine's :class:`engine.IndicatorSet` (raises ValueError when invalid)."""
        rows = definitions if definitions is not None else list(self.definitions.order_by("order", "id"))
        cutoffs = {str(k): Decimal(str(v)) for k, v in (self.tier_cutoffs or {}).items()}
        if not cutoffs:
            raise ValueError("an indicator set needs tier cut-offs")
        floor = min(cutoffs, key=lambda k: (cutoffs[k], k))
        tiers = {k: v for k, v in cutoffs.items() if k != floor}
        return engine.IndicatorSet(
            version=str(self.version),
            indicators=tuple(d.to_engine() for d in rows),
            tiers=tiers,
            floor_tier=floor,
            total_cap=self.total_cap,
        )


class IndicatorDefinition(BaseModel):
    class Klass(models.TextChoices):
        TECH = "技术创新", _("技术创新")
        GROWTH = "成长经营", _("成长经营")
        AUXILIARY = "辅助", _("辅助")

    class Source(models.TextChoices):
        PROFILE = "profile", _("经营数据（企业填报）")
        PLATFORM = "platform", _("平台记录")
        IMPORT = "import", _("批量导入")

    class CurveKind(models.TextChoices):
        THRESHOLDS = "thresholds", _("分档")
        LINEAR = "linear", _("分段线性")

    indicator_set = models.ForeignKey(
        IndicatorSet, verbose_name=_("指标体系"), on_delete=models.CASCADE, related_name="definitions"
    )
    key = models.SlugField(_("指标代码"), max_length=60)
    name = models.CharField(_("指标名称"), max_length=80)
    klass = models.CharField(_("指标类别"), max_length=10, choices=Klass.choices)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    source = models.CharField(_("数据来源"), max_length=10, choices=Source.choices, default=Source.PROFILE)
    # The profile field (source "profile"/"import") or the platform measure (source "platform") the value
    # comes from; see ``selectors.indicator_values``.
    source_field = models.CharField(_("取值字段"), max_length=60)
    curve_kind = models.CharField(
        _("计分方式"), max_length=12, choices=CurveKind.choices, default=CurveKind.THRESHOLDS
    )
    steps = models.JSONField(
        _("计分档位"),
        default=list,
        help_text=_("[[下限, 得分], …]，下限递增；分档取达到的最高档，分段线性在相邻两点间插值。"),
    )
    weight = models.DecimalField(_("权重"), max_digits=8, decimal_places=4, default=Decimal(1))
    cap = models.DecimalField(_("单项得分上限"), max_digits=6, decimal_places=2, null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("创新积分指标")
        verbose_name_plural = _("创新积分指标")
        ordering = ["indicator_set", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "key"], name="points_unique_indicator_key"),
        ]

    def __str__(self) -> str:
        return self.name

    def to_engine(self) -> engine.Indicator:
        curve = engine.Curve(self.curve_kind, tuple((float(x), str(p)) for x, p in (self.steps or [])))
        return engine.Indicator(
            key=self.key,
            name=self.name,
            klass=self.klass,  # type: ignore[arg-type]
            unit=self.unit,
            curve=curve,
            weight=self.weight,
            cap=self.cap,
        )

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        try:
            self.to_engine()
        except (ValueError, TypeError) as exc:
            raise ValidationError({"steps": _("计分档位无效：%(error)s") % {"error": exc}}) from exc


class EnterpriseScore(BaseModel):
    """One enterprise's 创新积分 under one indicator set (recomputed only while that set is current)."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="innovation_scores",
    )
    indicator_set = models.ForeignKey(
        IndicatorSet, verbose_name=_("指标体系"), on_delete=models.PROTECT, related_name="scores"
    )
    city = models.ForeignKey(
        "regions.City",
        verbose_name=_("所属城市"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data_year = models.PositiveSmallIntegerField(_("数据年度"), null=True, blank=True)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    tier = models.CharField(_("等级"), max_length=1, db_index=True)
    values = models.JSONField(_("指标取值"), default=dict)
    # [{key, name, klass, unit, value, points, weight, weighted, missing, best_gain}, …] in indicator order
    explanation = models.JSONField(_("得分说明"), default=list)
    # {key, name, value_needed, points_after, gain} or {} when nothing can raise the total
    best_gain = models.JSONField(_("最能提分的指标"), default=dict, blank=True)
    percentile_city = models.DecimalField(
        _("市内百分位"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    percentile_alliance = models.DecimalField(
        _("联盟内百分位"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("企业创新积分")
        verbose_name_plural = _("企业创新积分")
        ordering = ["-total", "organisation_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "indicator_set"], name="points_unique_score_per_set"
            ),
        ]
        indexes = [models.Index(fields=["indicator_set", "city", "tier"], name="points_score_set_city_idx")]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.total} ({self.tier})"


class ScoreConsent(BaseModel):
    """An enterprise lets one bank, investor or guarantor see its tier and score; revocable."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="score_consents",
    )
    institution = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("授权机构"),
        on_delete=models.CASCADE,
        related_name="score_consents_received",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("授权人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("授权时间"))
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("积分查看授权")
        verbose_name_plural = _("积分查看授权")
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "institution"],
                condition=Q(revoked_at__isnull=True),
                name="points_one_active_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.institution}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ConsentEvent(models.Model):
    """History of a consent (granted, revoked), shown to both the enterprise and the institution."""

    class Action(models.TextChoices):
        GRANTED = "granted", _("授权查看")
        REVOKED = "revoked", _("撤回授权")

    consent = models.ForeignKey(
        ScoreConsent, verbose_name=_("授权"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("授权记录")
        verbose_name_plural = _("授权记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.consent} · {self.get_action_display()}"
