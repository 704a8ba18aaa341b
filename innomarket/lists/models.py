import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innomarket.common.choices import Phase
from innomarket.common.files import random_upload_path
from innomarket.common.models import BaseModel
from innomarket.verification.models import Listing
from innomarket.verification.workflow import LISTING_WORKFLOW, Workflow


class Cooperation(Listing):
    """合作清单: inter-city industrial cooperation, cross-city business, joint events, transfers of results."""

    WORKFLOW = LISTING_WORKFLOW

    class Kind(models.TextChoices):
        INDUSTRIAL = "industrial", _("城市间产业链合作")
        CROSS_CITY_BUSINESS = "cross_city", _("企业跨城业务")
        JOINT_EVENT = "joint_event", _("行业活动交往")
        TECH_TRANSFER = "tech_transfer", _("成果转化")
        JOINT_RESEARCH = "joint_research", _("联合攻关")
        FINANCING = "financing", _("投融资合作")

    kind = models.CharField(_("合作类型"), max_length=20, choices=Kind.choices, db_index=True)
    phase = models.CharField(_("时间维度"), max_length=10, choices=Phase.choices, db_index=True)
    partner_cities = models.ManyToManyField(
        "regions.City", verbose_name=_("合作城市"), blank=True, related_name="cooperations"
    )
    partners = models.ManyToManyField(
        "organisations.Organisation", verbose_name=_("合作机构"), blank=True, related_name="cooperations"
    )
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    date_note = models.CharField(_("时间说明"), max_length=100, blank=True)
    amount_wan = models.DecimalField(
        _("金额（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    outcome = models.TextField(_("成效"), blank=True)
    challenge = models.ForeignKey(
        "challenges.Challenge",
        verbose_name=_("来源榜单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cooperations",
    )

    class Meta:
        verbose_name = _("合作项目")
        verbose_name_plural = _("合作清单")
        ordering = ["-started_on", "-id"]

    def get_absolute_url(self) -> str:
        return reverse("lists:cooperation-detail", kwargs={"pk": self.pk})


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", _("待完成")
    REPORTED = "reported", _("已报告完成")
    ACCEPTED = "accepted", _("已验收")


# 里程碑验收: the bidder reports a milestone done (with a note and evidence), the owner accepts it or
# returns it with a reason (back to 待完成). An accepted milestone is final.
MILESTONE_WORKFLOW = Workflow(
    transitions={
        MilestoneStatus.PENDING: frozenset({MilestoneStatus.REPORTED}),
        MilestoneStatus.REPORTED: frozenset({MilestoneStatus.ACCEPTED, MilestoneStatus.PENDING}),
        MilestoneStatus.ACCEPTED: frozenset(),
    },
    public=frozenset({MilestoneStatus.ACCEPTED}),
    editable=frozenset(),
)


class CooperationMilestone(BaseModel):
    """里程碑 of a cooperation project (set at award), a state machine of its own (``MILESTONE_WORKFLOW``).

    Transitions are ``challenges.milestones`` services; each appends a ``StatusEvent`` (the report's
    note, the return's reason, the acceptance's comment). The fields below are the latest values, kept
    on the row for lists and the public page; the events are the history. Accepting the last
    milestone moves the cooperation to 过去时 and its challenge to 已完成.
    """

    WORKFLOW = MILESTONE_WORKFLOW

    cooperation = models.ForeignKey(Cooperation, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("里程碑"), max_length=200)
    due_on = models.DateField(_("计划完成日期"))
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.PENDING,
        db_index=True,
    )
    note = models.TextField(_("完成说明"), blank=True)
    reported_at = models.DateTimeField(_("报告完成时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField(_("最近一次退回理由"), blank=True)
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("合作里程碑")
        verbose_name_plural = _("合作里程碑")
        ordering = ["sort_order", "due_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.status == MilestoneStatus.ACCEPTED

    @property
    def accepted_on(self) -> dt.date | None:
        """实际完成日期: the local date of the acceptance."""
        return timezone.localdate(self.accepted_at) if self.accepted_at is not None else None

    @property
    def days_late(self) -> int | None:
        """Days between the planned and the accepted date (negative: early); None before acceptance."""
        accepted_on = self.accepted_on
        return (accepted_on - self.due_on).days if accepted_on is not None else None

    @property
    def days_early(self) -> int | None:
        late = self.days_late
        return -late if late is not None and late < 0 else None


def milestone_evidence_path(instance: models.Model, filename: str) -> str:
    return random_upload_path("milestones", filename)


def _private_storage():  # the challenges' storage: no URL, served only by permission-checked views
    from innomarket.challenges.models import private_storage

    return private_storage()


class MilestoneEvidence(BaseModel):
    """证明材料 sent with a milestone's report: opened by the two parties and the cooperation's city
    administrators only, through ``challenges:milestone-evidence``."""

    milestone = models.ForeignKey(CooperationMilestone, on_delete=models.CASCADE, related_name="evidence")
    report = models.ForeignKey(
        "verification.StatusEvent",
        verbose_name=_("所属报告"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(
        _("文件"), storage=_private_storage, upload_to=milestone_evidence_path, max_length=200
    )
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("里程碑证明材料")
        verbose_name_plural = _("里程碑证明材料")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
