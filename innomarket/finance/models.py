from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innomarket.verification.models import Listing
from innomarket.verification.workflow import LISTING_WORKFLOW


class FinancialProduct(Listing):
    """金融产品 offered by a bank or another financial institution to technology enterprises."""

    WORKFLOW = LISTING_WORKFLOW

    class ProductType(models.TextChoices):
        CREDIT_LOAN = "credit_loan", _("信用贷款")
        IP_PLEDGE = "ip_pledge", _("知识产权质押融资")
        CREDIT_LINE = "credit_line", _("授信额度")
        GUARANTEE = "guarantee", _("政策性融资担保")
        INSURANCE = "insurance", _("科技保险")
        LEASING = "leasing", _("融资租赁")
        EQUITY = "equity", _("股权投资")
        OTHER = "other", _("其他")

    product_type = models.CharField(_("产品类型"), max_length=20, choices=ProductType.choices, db_index=True)
    amount_min_wan = models.DecimalField(_("额度下限（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    amount_max_wan = models.DecimalField(_("额度上限（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(_("期限（月）"), null=True, blank=True)
    rate_note = models.CharField(_("利率/费率说明"), max_length=120, blank=True)
    eligibility = models.TextField(_("申请条件"), blank=True)
    uses_innovation_score = models.BooleanField(_("参考创新积分"), default=False)

    class Meta:
        verbose_name = _("金融产品")
        verbose_name_plural = _("金融产品")
        ordering = ["-published_at", "-id"]

    def get_absolute_url(self) -> str:
        return reverse("finance:product-detail", kwargs={"pk": self.pk})


class Fund(Listing):
    """基金: a fund, its size, focus, manager and figures (DPI …) as of a date."""

    WORKFLOW = LISTING_WORKFLOW

    class Stage(models.TextChoices):
        PLANNED = "planned", _("筹划中")
        FUNDRAISING = "fundraising", _("募集中")
        INVESTING = "investing", _("投资期")
        EXITING = "exiting", _("退出期")
        CLOSED = "closed", _("已清算")

    manager = models.CharField(_("管理机构"), max_length=120, blank=True)
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices, db_index=True)
    size_yi = models.DecimalField(_("规模（亿元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    target_size_yi = models.DecimalField(_("目标规模（亿元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    focus = models.TextField(_("投资方向"), blank=True)
    projects_count = models.PositiveIntegerField(_("已投项目数"), null=True, blank=True)
    invested_yi = models.DecimalField(_("累计投资（亿元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    invested_ratio = models.DecimalField(
        _("投资占认缴比例（%）"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    exits_count = models.PositiveIntegerField(_("完全退出项目数"), null=True, blank=True)
    exits_note = models.CharField(_("退出项目"), max_length=300, blank=True)
    paid_in_wan = models.DecimalField(_("引导基金实缴（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    distributions_wan = models.DecimalField(
        _("累计收到分配（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    dpi = models.DecimalField(_("DPI（%）"), max_digits=6, decimal_places=2, null=True, blank=True)
    figures_as_of = models.CharField(_("数据截至"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("基金")
        verbose_name_plural = _("基金")
        ordering = ["-size_yi", "-id"]

    def get_absolute_url(self) -> str:
        return reverse("finance:fund-detail", kwargs={"pk": self.pk})


class FinancingRequest(Listing):
    """融资需求 of a technology enterprise."""

    WORKFLOW = LISTING_WORKFLOW

    class Round(models.TextChoices):
        SEED = "seed", _("种子轮")
        ANGEL = "angel", _("天使轮")
        A = "a", _("A 轮")
        B = "b", _("B 轮")
        C_PLUS = "c_plus", _("C 轮及以后")
        DEBT = "debt", _("债权融资")

    round = models.CharField(_("融资阶段"), max_length=10, choices=Round.choices, db_index=True)
    amount_wan = models.DecimalField(_("融资金额（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    use_of_funds = models.TextField(_("资金用途"), blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("融资需求")
        verbose_name_plural = _("融资需求")
        ordering = ["-published_at", "-id"]

    def get_absolute_url(self) -> str:
        return reverse("finance:request-detail", kwargs={"pk": self.pk})
