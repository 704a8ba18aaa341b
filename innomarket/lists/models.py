from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innomarket.common.choices import Phase
from innomarket.verification.models import Listing
from innomarket.verification.workflow import LISTING_WORKFLOW


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


class CooperationMilestone(models.Model):
    """里程碑 of a cooperation project (set at award); completing the last one moves it to 过去时."""

    cooperation = models.ForeignKey(Cooperation, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("里程碑"), max_length=200)
    due_on = models.DateField(_("计划完成日期"))
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("完成说明"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("合作里程碑")
        verbose_name_plural = _("合作里程碑")
        ordering = ["sort_order", "due_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None
