"""揭榜挂帅: challenges (榜单) and bids (揭榜方案).

Issue #2 models the fields and the verification step (a city administrator publishes or returns a
submitted challenge); bidding, evaluation and award are a later issue and extend ``CHALLENGE_WORKFLOW``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innomarket.common.models import BaseModel
from innomarket.verification.models import Listing
from innomarket.verification.workflow import Workflow


class ChallengeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待核验")
    RETURNED = "returned", _("已退回")
    PUBLISHED = "published", _("已发布")
    BIDDING = "bidding", _("揭榜中")
    EVALUATING = "evaluating", _("评审中")
    AWARDED = "awarded", _("已定榜")
    IN_PROGRESS = "in_progress", _("攻关中")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已取消")
    ARCHIVED = "archived", _("已下架")
    EXPIRED = "expired", _("已过期")


CHALLENGE_WORKFLOW = Workflow(
    transitions={
        "draft": frozenset({"submitted"}),
        "submitted": frozenset({"published", "returned", "draft"}),
        "returned": frozenset({"submitted", "draft"}),
        "published": frozenset({"submitted", "archived", "expired"}),
        "expired": frozenset({"submitted", "archived"}),
        "archived": frozenset({"submitted"}),
    },
    public=frozenset({"published", "bidding", "evaluating", "awarded", "in_progress", "completed"}),
    rejected="returned",
)


class Challenge(Listing):
    """榜单: an enterprise's technical challenge, open application scenario or factor need."""

    WORKFLOW = CHALLENGE_WORKFLOW

    class Kind(models.TextChoices):
        TECHNICAL = "technical", _("技术攻关需求")
        SCENARIO = "scenario", _("应用场景开放")
        FACTOR = "factor", _("要素对接需求")

    class Confidentiality(models.TextChoices):
        PUBLIC = "public", _("公开")
        MEMBERS = "members", _("注册机构可见全文")
        CONFIDENTIAL = "confidential", _("签署保密条款后可见全文")

    status = models.CharField(
        _("状态"), max_length=20, choices=ChallengeStatus.choices, default=ChallengeStatus.DRAFT, db_index=True
    )
    kind = models.CharField(_("榜单类型"), max_length=20, choices=Kind.choices, default=Kind.TECHNICAL)
    problem_statement = models.TextField(_("问题描述"), blank=True)
    indicators = models.TextField(_("技术指标"), blank=True)
    acceptance_criteria = models.TextField(_("验收标准"), blank=True)
    constraints = models.TextField(_("约束条件"), blank=True)
    expected_trl = models.PositiveSmallIntegerField(
        _("期望技术成熟度"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    budget_min = models.DecimalField(_("预算下限（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    budget_max = models.DecimalField(_("预算上限（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    deadline = models.DateField(_("揭榜截止日期"), null=True, blank=True, db_index=True)
    confidentiality = models.CharField(
        _("保密等级"), max_length=20, choices=Confidentiality.choices, default=Confidentiality.PUBLIC
    )

    class Meta:
        verbose_name = _("榜单")
        verbose_name_plural = _("榜单")
        ordering = ["-published_at", "-id"]

    def clean(self) -> None:
        super().clean()
        if self.budget_min is not None and self.budget_max is not None and self.budget_min > self.budget_max:
            raise ValidationError({"budget_max": _("预算上限不能小于预算下限。")})

    def get_absolute_url(self) -> str:
        return reverse("challenges:detail", kwargs={"pk": self.pk})


class Bid(BaseModel):
    """揭榜方案: a team's answer to a challenge. Fields only here; the workflow is a later issue."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        SHORTLISTED = "shortlisted", _("入围")
        DECLINED = "declined", _("未入选")
        AWARDED = "awarded", _("中榜")
        CONTRACTED = "contracted", _("已签约")
        WITHDRAWN = "withdrawn", _("已撤回")

    class DeclineReason(models.TextChoices):
        OUT_OF_SCOPE = "out_of_scope", _("不符合需求范围")
        COST = "cost", _("报价过高")
        TRL_TOO_LOW = "trl_too_low", _("技术成熟度不足")
        TEAM_CAPACITY = "team_capacity", _("团队能力不足")
        TIMELINE = "timeline", _("周期不满足")
        OTHER = "other", _("其他")

    challenge = models.ForeignKey(Challenge, verbose_name=_("榜单"), on_delete=models.PROTECT, related_name="bids")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("揭榜机构"), on_delete=models.PROTECT, related_name="bids"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    team = models.TextField(_("团队"), blank=True)
    approach = models.TextField(_("技术方案"), blank=True)
    milestones = models.TextField(_("里程碑与进度"), blank=True)
    price = models.DecimalField(_("报价（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    credentials = models.TextField(_("资质与业绩"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decline_reason = models.CharField(_("未入选原因"), max_length=20, choices=DeclineReason.choices, blank=True)
    decline_note = models.TextField(_("未入选说明"), blank=True)
    is_sample = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        verbose_name = _("揭榜方案")
        verbose_name_plural = _("揭榜方案")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "organisation"],
                condition=~models.Q(status__in=["withdrawn", "declined"]),
                name="bid_one_live_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.challenge}"

    @property
    def city_id(self) -> int:
        return self.challenge.city_id
