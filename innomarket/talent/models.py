from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innomarket.verification.models import Listing
from innomarket.verification.workflow import LISTING_WORKFLOW


class Expert(Listing):
    """专家: a person who evaluates challenges and advises. ``title`` holds the name shown publicly."""

    WORKFLOW = LISTING_WORKFLOW

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("关联用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_profile",
    )
    professional_title = models.CharField(_("职称"), max_length=60, blank=True)
    affiliation = models.CharField(_("工作单位"), max_length=120, blank=True)
    expertise = models.TextField(_("专业方向"), blank=True)
    accepts_evaluation = models.BooleanField(_("接受评审邀请"), default=True)

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家")
        ordering = ["title"]

    def get_absolute_url(self) -> str:
        return reverse("talent:expert-detail", kwargs={"pk": self.pk})


class TechManager(Listing):
    """技术经理人: a broker who follows a match to a contract. ``title`` holds the name shown publicly."""

    WORKFLOW = LISTING_WORKFLOW

    class Grade(models.TextChoices):
        JUNIOR = "junior", _("初级")
        INTERMEDIATE = "intermediate", _("中级")
        SENIOR = "senior", _("高级")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("关联用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tech_manager_profile",
    )
    grade = models.CharField(_("职业等级"), max_length=20, choices=Grade.choices, blank=True)
    certificate = models.CharField(_("证书编号"), max_length=60, blank=True)
    services = models.TextField(_("服务内容"), blank=True)

    class Meta:
        verbose_name = _("技术经理人")
        verbose_name_plural = _("技术经理人")
        ordering = ["title"]

    def get_absolute_url(self) -> str:
        return reverse("talent:techmanager-detail", kwargs={"pk": self.pk})


class TalentPost(Listing):
    """人才需求: a position an organisation wants to fill."""

    WORKFLOW = LISTING_WORKFLOW

    class Kind(models.TextChoices):
        FULL_TIME = "full_time", _("全职")
        PART_TIME = "part_time", _("兼职/柔性引进")
        POSTDOC = "postdoc", _("博士后")
        INTERN = "intern", _("实习")

    kind = models.CharField(_("用工形式"), max_length=20, choices=Kind.choices, default=Kind.FULL_TIME)
    headcount = models.PositiveSmallIntegerField(_("人数"), null=True, blank=True)
    qualifications = models.TextField(_("任职要求"), blank=True)
    salary_note = models.CharField(_("薪酬"), max_length=60, blank=True)
    location = models.CharField(_("工作地点"), max_length=120, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("人才需求")
        verbose_name_plural = _("人才需求")
        ordering = ["-published_at", "-id"]

    def get_absolute_url(self) -> str:
        return reverse("talent:post-detail", kwargs={"pk": self.pk})


class TalentStation(Listing):
    """人才服务站: a physical service point for talent (settlement, housing, policy consultation …)."""

    WORKFLOW = LISTING_WORKFLOW

    address = models.CharField(_("地址"), max_length=200, blank=True)
    services = models.TextField(_("服务事项"), blank=True)
    opening_hours = models.CharField(_("开放时间"), max_length=120, blank=True)
    contact = models.CharField(_("联系方式"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("人才服务站")
        verbose_name_plural = _("人才服务站")
        ordering = ["title"]

    def get_absolute_url(self) -> str:
        return reverse("talent:station-detail", kwargs={"pk": self.pk})
