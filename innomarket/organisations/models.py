from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innomarket.common.models import BaseModel
from innomarket.common.validators import validate_http_url, validate_uscc
from innomarket.regions.models import Located
from innomarket.verification.models import Verifiable
from innomarket.verification.workflow import LISTING_WORKFLOW


class OrganisationTag(BaseModel):
    """Qualifications and lists an organisation belongs to: 高新技术企业, 专精特新, 白名单, 上市后备库 …"""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    slug = models.SlugField(_("网址标识"), max_length=60, unique=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("机构标签")
        verbose_name_plural = _("机构标签")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Organisation(Located, Verifiable):
    """机构: an enterprise, university, institute, platform, carrier, investor, bank, guarantor, service provider or bureau."""

    WORKFLOW = LISTING_WORKFLOW

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        UNIVERSITY = "university", _("高校")
        INSTITUTE = "institute", _("科研院所")
        PLATFORM = "platform", _("科研平台")
        CARRIER = "carrier", _("载体/孵化器/科技园")
        INVESTOR = "investor", _("投资机构")
        BANK = "bank", _("金融机构")
        GUARANTOR = "guarantor", _("担保机构")
        SERVICE_PROVIDER = "service_provider", _("服务机构")
        GOVERNMENT = "government", _("政府部门")

    name = models.CharField(_("机构名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    kind = models.CharField(_("机构类型"), max_length=20, choices=Kind.choices, db_index=True)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_uscc], help_text=_("18 位")
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    website = models.URLField(_("网站"), blank=True, validators=[validate_http_url])
    intro = models.TextField(_("简介"), blank=True)
    fields = models.ManyToManyField("taxonomy.FieldTag", verbose_name=_("领域/产业"), blank=True)
    tags = models.ManyToManyField(OrganisationTag, verbose_name=_("资质与名单"), blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级机构"), null=True, blank=True, on_delete=models.SET_NULL, related_name="units"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", verbose_name=_("成员"), related_name="organisations"
    )

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~models.Q(credit_code=""), name="organisation_unique_credit_code"
            ),
            models.UniqueConstraint(fields=["name", "city"], name="organisation_unique_name_per_city"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", kwargs={"pk": self.pk})

    @property
    def title(self) -> str:
        return self.name


class Membership(BaseModel):
    class Role(models.TextChoices):
        ADMIN = "admin", _("机构管理员")
        MEMBER = "member", _("成员")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, verbose_name=_("机构"), on_delete=models.CASCADE)
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = _("机构成员")
        verbose_name_plural = _("机构成员")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class OrganisationProfile(BaseModel):
    """经营数据: the figures an organisation reports once (last full year) and every calculator
    reads — the policy calculator today, the innovation points later. Self-reported: shown back to
    the organisation only, never on public pages."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="profile", verbose_name=_("机构")
    )
    year = models.PositiveSmallIntegerField(_("数据年度"), null=True, blank=True, help_text=_("如 2025"))
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    district = models.CharField(_("注册所在区县"), max_length=30, blank=True, help_text=_("如 江北新区、工业园区"))
    headcount = models.PositiveIntegerField(_("职工总数（人）"), null=True, blank=True)
    tech_staff = models.PositiveIntegerField(_("科技人员数（人）"), null=True, blank=True)
    revenue_wan = models.DecimalField(_("营业收入（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    revenue_prev_wan = models.DecimalField(
        _("上一年营业收入（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    rd_expense_wan = models.DecimalField(_("研发费用（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    high_tech_revenue_wan = models.DecimalField(
        _("高新技术产品（服务）收入（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    total_assets_wan = models.DecimalField(_("资产总额（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    ip_total = models.PositiveIntegerField(_("有效知识产权（件）"), null=True, blank=True)
    invention_patents = models.PositiveIntegerField(_("其中发明专利（件）"), null=True, blank=True)
    class1_ip = models.PositiveIntegerField(_("其中Ⅰ类知识产权（件）"), null=True, blank=True)
    # The 创新积分 indicators the figures above do not cover (科技部《“创新积分制”工作指引》2024).
    rd_staff = models.PositiveIntegerField(
        _("研发人员数（人）"), null=True, blank=True, help_text=_("从事研发活动的人员，不多于职工总数")
    )
    tech_contract_wan = models.DecimalField(
        _("技术合同成交额（万元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("当年登记的技术合同成交额（技术开发、转让、许可、咨询、服务）"),
    )
    equity_financing_wan = models.DecimalField(
        _("股权融资额（万元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("当年获得的股权投资金额"),
    )
    rd_institutions = models.PositiveIntegerField(
        _("省级以上研发机构（个）"),
        null=True,
        blank=True,
        help_text=_("如省级以上企业技术中心、工程技术研究中心、重点实验室"),
    )
    science_awards = models.PositiveIntegerField(
        _("省部级以上科技奖励（项）"), null=True, blank=True, help_text=_("近三年获得的")
    )

    class Meta:
        verbose_name = _("经营数据")
        verbose_name_plural = _("经营数据")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tech_staff__isnull=True)
                | models.Q(headcount__isnull=True)
                | models.Q(tech_staff__lte=models.F("headcount")),
                name="profile_tech_staff_within_headcount",
            ),
            models.CheckConstraint(
                condition=models.Q(rd_staff__isnull=True)
                | models.Q(headcount__isnull=True)
                | models.Q(rd_staff__lte=models.F("headcount")),
                name="profile_rd_staff_within_headcount",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.tech_staff is not None and self.headcount is not None and self.tech_staff > self.headcount:
            errors["tech_staff"] = _("科技人员数不能多于职工总数。")
        if self.rd_staff is not None and self.headcount is not None and self.rd_staff > self.headcount:
            errors["rd_staff"] = _("研发人员数不能多于职工总数。")
        if (
            self.invention_patents is not None
            and self.ip_total is not None
            and self.invention_patents > self.ip_total
        ):
            errors["invention_patents"] = _("发明专利数不能多于有效知识产权总数。")
        if (
            self.high_tech_revenue_wan is not None
            and self.revenue_wan is not None
            and self.high_tech_revenue_wan > self.revenue_wan
        ):
            errors["high_tech_revenue_wan"] = _("高新技术产品（服务）收入不能多于营业收入。")
        if errors:
            raise ValidationError(errors)
