"""揭榜挂帅: challenges (榜单), bids (揭榜方案), their evaluation, disclosure and follow-up.

Two explicit state machines (``CHALLENGE_WORKFLOW``, ``BID_WORKFLOW``) are tables; the transitions
are functions in ``services.py`` that check the actor's permission on the object, lock the row, write
and append a ``verification.StatusEvent`` (who, when, from, to, why).

Challenge: draft → submitted → (city administrator) published | returned → bidding (first bid) →
evaluating (owner closes bidding, or the deadline passes) → awarded → in progress (contract signed,
milestones) → completed; cancelled from any open state, always with a reason every bidder receives.

Bid: draft → submitted → shortlisted | declined (structured reason) → awarded → contracted;
withdrawn by the bidder until awarded; cancelled with its challenge.
"""

import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innomarket.common.exceptions import ApplicationError, ErrorCode
from innomarket.common.files import random_upload_path
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
        # Editing a published challenge without bids re-submits it; the first bid opens "bidding".
        "published": frozenset({"submitted", "bidding", "evaluating", "cancelled", "archived", "expired"}),
        "bidding": frozenset({"evaluating", "cancelled", "expired"}),
        "evaluating": frozenset({"awarded", "cancelled"}),
        "awarded": frozenset({"in_progress", "cancelled"}),
        "in_progress": frozenset({"completed", "cancelled"}),
        "expired": frozenset({"submitted", "archived"}),
        "archived": frozenset({"submitted"}),
        "completed": frozenset(),
        "cancelled": frozenset(),
    },
    public=frozenset({"published", "bidding", "evaluating", "awarded", "in_progress", "completed"}),
    rejected="returned",
    # Once bids exist, the owner can no longer change what bidders answered.
    editable=frozenset({"draft", "returned", "submitted", "published", "expired", "archived"}),
)

# Open for bids; a bid can be submitted, edited or withdrawn in these states (and before the deadline).
BIDDABLE_STATUSES = frozenset({"published", "bidding"})
# The owner may still cancel the challenge in these states.
CANCELLABLE_STATUSES = frozenset({"published", "bidding", "evaluating", "awarded", "in_progress"})


class PrivateStorage(FileSystemStorage):
    """Files under ``INNOMARKET_PRIVATE_MEDIA_ROOT`` (read at each use), with no public URL at all."""

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(settings.INNOMARKET_PRIVATE_MEDIA_ROOT)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("private files are served by permission-checked views only")


def private_storage() -> FileSystemStorage:
    """Attachments never live under MEDIA_URL: they are served only through permission-checked views."""
    return PrivateStorage()


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
        _("状态"),
        max_length=20,
        choices=ChallengeStatus.choices,
        default=ChallengeStatus.DRAFT,
        db_index=True,
    )
    kind = models.CharField(_("榜单类型"), max_length=20, choices=Kind.choices, default=Kind.TECHNICAL)
    problem_statement = models.TextField(_("问题描述"), blank=True)
    indicators = models.TextField(_("技术指标"), blank=True)
    acceptance_criteria = models.TextField(_("验收标准"), blank=True)
    constraints = models.TextField(_("约束条件"), blank=True)
    expected_trl = models.PositiveSmallIntegerField(
        _("期望技术成熟度"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    budget_min = models.DecimalField(
        _("预算下限（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    budget_max = models.DecimalField(
        _("预算上限（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    deadline = models.DateField(_("揭榜截止日期"), null=True, blank=True, db_index=True)
    confidentiality = models.CharField(
        _("保密等级"), max_length=20, choices=Confidentiality.choices, default=Confidentiality.PUBLIC
    )
    tech_manager = models.ForeignKey(
        "talent.TechManager",
        verbose_name=_("技术经理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="challenges",
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

    def diagnosis_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            name: getattr(self, name)
            for name in (
                "title",
                "kind",
                "summary",
                "problem_statement",
                "indicators",
                "acceptance_criteria",
                "constraints",
                "expected_trl",
                "budget_min",
                "budget_max",
                "deadline",
                "confidentiality",
            )
        }
        data["fields"] = list(self.fields.all()) if self.pk else []
        return data

    def check_submittable(self) -> None:
        """需求诊断 before verification: a challenge with blockers (no acceptance criteria, …) is refused."""
        from .diagnosis import diagnose

        blockers = diagnose(self.diagnosis_data()).blockers
        if blockers:
            raise ApplicationError(
                _("需求诊断未通过，请先补充：%(items)s")
                % {"items": "；".join(str(f.message) for f in blockers)},
                ErrorCode.DIAGNOSIS_BLOCKED,
                {"field": blockers[0].field, "codes": [f.code for f in blockers]},
            )

    @property
    def is_open_for_bids(self) -> bool:
        from django.utils import timezone

        return self.status in BIDDABLE_STATUSES and (
            self.deadline is None or self.deadline >= timezone.localdate()
        )


class DeclineReason(models.TextChoices):
    """Why a bid was not chosen (the owner) or an invitation declined (the supplier): one list for both
    sides, so that the two can be read together, and several reasons per answer."""

    OUT_OF_SCOPE = "out_of_scope", _("不符合需求范围或研究方向")
    COST = "cost", _("报价或预算不合适")
    TRL_TOO_LOW = "trl_too_low", _("技术成熟度不足")
    TEAM_CAPACITY = "team_capacity", _("团队能力不足")
    TIMELINE = "timeline", _("周期不满足")
    WORKLOAD = "workload", _("近期任务已满")
    OTHER = "other", _("其他")


# Reasons that say the match did not fit (they teach the recommender); the others say nothing about fit.
NOT_FIT_REASONS = frozenset({"out_of_scope", "trl_too_low", "team_capacity"})


def decline_reasons_text(codes: list[str]) -> str:
    labels = dict(DeclineReason.choices)
    return "、".join(str(labels.get(code, code)) for code in codes)


BID_WORKFLOW = Workflow(
    transitions={
        "draft": frozenset({"submitted", "withdrawn"}),
        "submitted": frozenset({"shortlisted", "declined", "withdrawn", "cancelled"}),
        "shortlisted": frozenset({"awarded", "declined", "withdrawn", "cancelled"}),
        "awarded": frozenset({"contracted", "cancelled"}),
        "declined": frozenset(),
        "withdrawn": frozenset(),
        "contracted": frozenset(),
        "cancelled": frozenset(),
    },
    public=frozenset(),
    rejected="declined",
    withdrawn="withdrawn",
    editable=frozenset({"draft", "submitted"}),
)


class Bid(BaseModel):
    """揭榜方案: a team's answer to a challenge, visible to the challenge's owner, evaluators and city."""

    WORKFLOW = BID_WORKFLOW

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        SHORTLISTED = "shortlisted", _("入围")
        DECLINED = "declined", _("未入选")
        AWARDED = "awarded", _("中榜")
        CONTRACTED = "contracted", _("已签约")
        WITHDRAWN = "withdrawn", _("已撤回")
        CANCELLED = "cancelled", _("榜单已取消")

    DeclineReason = DeclineReason

    challenge = models.ForeignKey(
        Challenge, verbose_name=_("榜单"), on_delete=models.PROTECT, related_name="bids"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("揭榜机构"),
        on_delete=models.PROTECT,
        related_name="bids",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    team = models.TextField(_("团队"), blank=True)
    approach = models.TextField(_("技术方案"), blank=True)
    milestones = models.TextField(_("里程碑与进度"), blank=True)
    price = models.DecimalField(_("报价（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    credentials = models.TextField(_("资质与业绩"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decline_reasons = models.JSONField(_("未入选原因"), default=list, blank=True)  # DeclineReason codes
    decline_note = models.TextField(_("未入选说明"), blank=True)
    introduced_by = models.ForeignKey(
        "talent.TechManager",
        verbose_name=_("推荐的技术经理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="introduced_bids",
    )
    responded_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)
    is_sample = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        verbose_name = _("揭榜方案")
        verbose_name_plural = _("揭榜方案")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "organisation"],
                condition=~models.Q(status__in=["withdrawn", "declined", "cancelled"]),
                name="bid_one_live_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.challenge}"

    @property
    def city_id(self) -> int:
        return self.challenge.city_id

    @property
    def title(self) -> str:
        return str(self)

    @property
    def decline_reasons_display(self) -> str:
        return decline_reasons_text(self.decline_reasons)

    @property
    def is_live(self) -> bool:
        return self.status not in {"withdrawn", "declined", "cancelled"}


def challenge_attachment_path(instance: models.Model, filename: str) -> str:
    return random_upload_path("challenges", filename)


def bid_attachment_path(instance: models.Model, filename: str) -> str:
    return random_upload_path("bids", filename)


class ChallengeAttachment(BaseModel):
    """附件 of a challenge: opened only by shortlisted bidders, evaluators, the owner and the city."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), storage=private_storage, upload_to=challenge_attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("榜单附件")
        verbose_name_plural = _("榜单附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class BidAttachment(BaseModel):
    """附件 of a bid: opened by the bidder, the challenge's owner, its evaluators and its city."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), storage=private_storage, upload_to=bid_attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("方案附件")
        verbose_name_plural = _("方案附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class TermsAcceptance(models.Model):
    """签署保密条款: who accepted which version of a challenge's confidentiality terms, and when."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="terms_acceptances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    terms_version = models.CharField(_("条款版本"), max_length=20)
    accepted_at = models.DateTimeField(_("签署时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("保密条款签署")
        verbose_name_plural = _("保密条款签署")
        ordering = ["-accepted_at"]
        constraints = [models.UniqueConstraint(fields=["challenge", "user"], name="terms_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user} · {self.challenge} · {self.terms_version}"


class DisclosureView(models.Model):
    """Every view of a confidential part (full text or an attachment), shown to the challenge's owner."""

    class Part(models.TextChoices):
        FULL_TEXT = "full_text", _("完整需求")
        ATTACHMENT = "attachment", _("附件")

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="disclosure_views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    part = models.CharField(_("查看内容"), max_length=20, choices=Part.choices)
    attachment = models.ForeignKey(ChallengeAttachment, null=True, blank=True, on_delete=models.SET_NULL)
    viewed_at = models.DateTimeField(_("查看时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("保密内容查看记录")
        verbose_name_plural = _("保密内容查看记录")
        ordering = ["-viewed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_part_display()} · {self.challenge}"


class EvaluationCriterion(BaseModel):
    """评审指标 of one challenge, with its weight (weights are relative; shares are shown in percent)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("评审指标"), max_length=100)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("权重"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("评审指标")
        verbose_name_plural = _("评审指标")
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["challenge", "name"], name="criterion_name_unique")]

    def __str__(self) -> str:
        return self.name


class EvaluatorAssignment(BaseModel):
    """评审专家: an expert assigned to a challenge, who declares conflicts before seeing any bid."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("待声明利益冲突")
        ACTIVE = "active", _("评审中")
        RECUSED = "recused", _("已回避")

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="evaluators")
    expert = models.ForeignKey("talent.Expert", on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.ASSIGNED)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField(_("声明时间"), null=True, blank=True)
    conflict_note = models.TextField(_("利益冲突说明"), blank=True)
    recusal_reason = models.CharField(_("回避原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "expert"], name="evaluator_once_per_challenge")
        ]

    def __str__(self) -> str:
        return f"{self.expert} · {self.challenge}"


class Review(BaseModel):
    """One evaluator's scores and comment on one bid; ``total`` is the weighted score out of 100."""

    assignment = models.ForeignKey(EvaluatorAssignment, on_delete=models.CASCADE, related_name="reviews")
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="reviews")
    comment = models.TextField(_("评审意见"), blank=True)
    total = models.DecimalField(_("加权得分"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("评审打分")
        verbose_name_plural = _("评审打分")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["assignment", "bid"], name="review_once_per_bid")]


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(EvaluationCriterion, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField(_("得分"), validators=[MaxValueValidator(100)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_once_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class Invitation(BaseModel):
    """邀请揭榜: a supplier the matching engine recommended when the challenge was published."""

    class Status(models.TextChoices):
        SENT = "sent", _("已邀请")
        BID = "bid", _("已揭榜")
        DECLINED = "declined", _("已婉拒")

    DeclineReason = DeclineReason
    NOT_FIT_REASONS = NOT_FIT_REASONS

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="challenge_invitations"
    )
    via_type = models.CharField(_("推荐依据类型"), max_length=30)
    via_id = models.PositiveBigIntegerField(_("推荐依据编号"))
    via_title = models.CharField(_("推荐依据"), max_length=200)
    explanation = models.TextField(_("匹配原因"), blank=True)
    score = models.FloatField(_("相关可能性"), default=0)
    # The unit recommended ("expert:12" for a research group's lead, "organisation:7"), so that the
    # answer teaches the recommender about the right supplier.
    supplier = models.CharField(_("推荐对象"), max_length=60, blank=True)
    decline_reasons = models.JSONField(_("婉拒原因"), default=list, blank=True)  # DeclineReason codes
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SENT)
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    response_note = models.CharField(_("答复说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("揭榜邀请")
        verbose_name_plural = _("揭榜邀请")
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "organisation"], name="invitation_once_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ← {self.challenge}"

    @property
    def decline_reasons_display(self) -> str:
        return decline_reasons_text(self.decline_reasons)


class Reminder(models.Model):
    """A reminder or escalation already sent, so the periodic run never sends one twice."""

    class Level(models.TextChoices):
        REMIND = "remind", _("提醒")
        ESCALATE = "escalate", _("上报城市管理员")

    bid = models.ForeignKey(Bid, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders")
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    level = models.CharField(max_length=10, choices=Level.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("催办记录")
        verbose_name_plural = _("催办记录")
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "level"], condition=models.Q(bid__isnull=False), name="reminder_once_per_bid"
            ),
            models.UniqueConstraint(
                fields=["invitation", "level"],
                condition=models.Q(invitation__isnull=False),
                name="reminder_once_per_invitation",
            ),
            models.CheckConstraint(
                condition=models.Q(bid__isnull=False) ^ models.Q(invitation__isnull=False),
                name="reminder_about_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.bid or self.invitation}"


class BrokerLedgerEntry(models.Model):
    """技术经理人台账: who sourced, matched and closed each deal (append-only)."""

    class Role(models.TextChoices):
        SOURCED = "sourced", _("挖掘需求")
        MATCHED = "matched", _("促成匹配")
        CLOSED = "closed", _("促成签约")

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="ledger")
    tech_manager = models.ForeignKey("talent.TechManager", on_delete=models.PROTECT, related_name="ledger")
    role = models.CharField(_("贡献"), max_length=10, choices=Role.choices)
    bid = models.ForeignKey(Bid, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("技术经理人台账")
        verbose_name_plural = _("技术经理人台账")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "tech_manager", "role"], name="ledger_role_once")
        ]

    def __str__(self) -> str:
        return f"{self.tech_manager} · {self.get_role_display()} · {self.challenge}"
