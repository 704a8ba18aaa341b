from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innomarket.challenges.models import private_storage
from innomarket.common.files import random_upload_path
from innomarket.common.models import BaseModel
from innomarket.notifications.models import AwaitsReply
from innomarket.verification.models import Listing
from innomarket.verification.workflow import LISTING_WORKFLOW, Workflow


class ScoreTier(models.TextChoices):
    """创新积分等级 (A best). The same letters as ``innomarket.points.selectors.TIERS``."""

    A = "A", _("A 级")
    B = "B", _("B 级")
    C = "C", _("C 级")
    D = "D", _("D 级")


class FinancialProduct(Listing):
    """金融产品 offered by a bank or another financial institution to technology enterprises.

    ``min_tier`` is the lowest 创新积分等级 the institution accepts (blank: no requirement). A product
    with a tier requirement necessarily refers to the score (``uses_innovation_score``); applying to it
    requires the enterprise's consent to show its score to the institution.
    """

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
    amount_min_wan = models.DecimalField(
        _("额度下限（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    amount_max_wan = models.DecimalField(
        _("额度上限（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    term_months = models.PositiveSmallIntegerField(_("期限（月）"), null=True, blank=True)
    rate_note = models.CharField(_("利率/费率说明"), max_length=120, blank=True)
    eligibility = models.TextField(_("申请条件"), blank=True)
    uses_innovation_score = models.BooleanField(_("参考创新积分"), default=False)
    min_tier = models.CharField(
        _("积分等级要求"),
        max_length=1,
        choices=ScoreTier.choices,
        blank=True,
        db_index=True,
        help_text=_("需达到的创新积分等级；留空表示不设等级要求。"),
    )

    class Meta:
        verbose_name = _("金融产品")
        verbose_name_plural = _("金融产品")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_tier="") | models.Q(uses_innovation_score=True),
                name="financial_product_tier_uses_score",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("finance:product-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        super().clean()
        if self.min_tier and not self.uses_innovation_score:
            raise ValidationError(
                {"uses_innovation_score": _("设置了积分等级要求的产品须勾选“参考创新积分”。")}
            )

    @property
    def min_tier_text(self) -> str:
        """ "B 级及以上" ("" without a requirement; D is every scored enterprise)."""
        if not self.min_tier:
            return ""
        return str(_("%(tier)s 级及以上")) % {"tier": self.min_tier}


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
    target_size_yi = models.DecimalField(
        _("目标规模（亿元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    focus = models.TextField(_("投资方向"), blank=True)
    projects_count = models.PositiveIntegerField(_("已投项目数"), null=True, blank=True)
    invested_yi = models.DecimalField(
        _("累计投资（亿元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    invested_ratio = models.DecimalField(
        _("投资占认缴比例（%）"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    exits_count = models.PositiveIntegerField(_("完全退出项目数"), null=True, blank=True)
    exits_note = models.CharField(_("退出项目"), max_length=300, blank=True)
    paid_in_wan = models.DecimalField(
        _("引导基金实缴（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
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
    amount_wan = models.DecimalField(
        _("融资金额（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    use_of_funds = models.TextField(_("资金用途"), blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("融资需求")
        verbose_name_plural = _("融资需求")
        ordering = ["-published_at", "-id"]

    def get_absolute_url(self) -> str:
        return reverse("finance:request-detail", kwargs={"pk": self.pk})


# ---------------------------------------------------------------- 金融服务 as transactions
#
# Two requests that someone owes an answer to (``notifications.models.AwaitsReply``):
#
# LoanApplication (融资申请): an enterprise applies for a FinancialProduct; the institution that
# offers it answers. submitted (待受理) → accepted (已受理) → granted (已授信, with an amount) | declined
# (已婉拒, structured reason); either open state → needs_info (需补充材料: the ball is with the
# enterprise, nobody at the institution owes an answer) → back to submitted/accepted when the
# enterprise resubmits; withdrawn (已撤回) by the enterprise while open.
#
# FinancingInterest (投资/融资意向): an institution answers a published FinancingRequest with an
# expression of interest; the requesting enterprise owes the answer. submitted (待回复) → accepted
# (同意洽谈: the contacts are shown to both sides) | declined (已婉拒, structured reason); withdrawn by
# the institution while unanswered.

# Organisation kinds that answer applications and express interest (金融机构工作台).
INSTITUTION_KINDS = frozenset({"bank", "investor", "guarantor"})


def _no_public(transitions: dict[str, frozenset[str]]) -> Workflow:
    # Private between two parties: no state is ever public.
    return Workflow(transitions=transitions, public=frozenset(), editable=frozenset())


class LoanApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    NEEDS_INFO = "needs_info", _("需补充材料")
    GRANTED = "granted", _("已授信")
    DECLINED = "declined", _("已婉拒")
    WITHDRAWN = "withdrawn", _("已撤回")


LOAN_APPLICATION_WORKFLOW = _no_public(
    {
        "submitted": frozenset({"accepted", "needs_info", "granted", "declined", "withdrawn"}),
        "accepted": frozenset({"needs_info", "granted", "declined", "withdrawn"}),
        # Resubmitted material goes back to where it was asked for (submitted, or accepted).
        "needs_info": frozenset({"submitted", "accepted", "declined", "withdrawn"}),
        "granted": frozenset(),
        "declined": frozenset(),
        "withdrawn": frozenset(),
    }
)

# The institution owes an answer in these states; the enterprise may withdraw in these and needs_info.
LOAN_AWAITING_INSTITUTION = frozenset({"submitted", "accepted"})
LOAN_OPEN = frozenset({"submitted", "accepted", "needs_info"})


class LoanApplication(BaseModel, AwaitsReply):
    """融资申请: an enterprise's application for one financial product, answered by its institution."""

    WORKFLOW = LOAN_APPLICATION_WORKFLOW
    Status = LoanApplicationStatus

    class DeclineReason(models.TextChoices):
        NOT_ELIGIBLE = "not_eligible", _("不符合产品申请条件")
        CREDIT = "credit", _("信用记录或经营状况未达要求")
        COLLATERAL = "collateral", _("担保或抵质押条件不足")
        AMOUNT = "amount", _("申请金额超出可授信范围")
        INCOMPLETE = "incomplete", _("材料不全且未按要求补充")
        OTHER = "other", _("其他")

    product = models.ForeignKey(
        FinancialProduct, verbose_name=_("金融产品"), on_delete=models.PROTECT, related_name="applications"
    )
    institution = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("受理机构"),
        on_delete=models.PROTECT,
        related_name="loan_applications_received",
    )
    applicant = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("申请企业"),
        on_delete=models.PROTECT,
        related_name="loan_applications",
    )
    # The product's city: its administrators follow up an application nobody answers.
    city = models.ForeignKey(
        "regions.City", verbose_name=_("所属城市"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=LoanApplicationStatus.choices, default="submitted", db_index=True
    )
    amount_wan = models.DecimalField(_("申请金额（万元）"), max_digits=12, decimal_places=2)
    term_months = models.PositiveSmallIntegerField(_("申请期限（月）"), null=True, blank=True)
    purpose = models.TextField(_("资金用途"))
    company_profile = models.TextField(
        _("经营情况"), blank=True, help_text=_("主营业务、近一年营业收入、研发投入等。")
    )
    info_request = models.TextField(_("需补充的材料"), blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    granted_amount_wan = models.DecimalField(
        _("授信金额（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    granted_term_months = models.PositiveSmallIntegerField(_("授信期限（月）"), null=True, blank=True)
    granted_note = models.TextField(_("授信条件"), blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    decline_reason = models.CharField(_("婉拒原因"), max_length=20, choices=DeclineReason.choices, blank=True)
    decline_note = models.TextField(_("婉拒说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("融资申请")
        verbose_name_plural = _("融资申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "applicant"],
                condition=models.Q(status__in=["submitted", "accepted", "needs_info"]),
                name="loan_application_one_open_per_product",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_wan__gt=0), name="loan_application_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.product}"

    def get_absolute_url(self) -> str:
        return reverse("site:workspace-finance-application", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in LOAN_OPEN


def loan_attachment_path(instance: models.Model, filename: str) -> str:
    return random_upload_path("finance", filename)


class LoanApplicationAttachment(BaseModel):
    """附件 of an application (申请材料, 补充材料, 授信批复): opened by the two parties only."""

    application = models.ForeignKey(LoanApplication, on_delete=models.CASCADE, related_name="attachments")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("上传机构"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(
        _("文件"), storage=private_storage, upload_to=loan_attachment_path, max_length=200
    )
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("融资申请附件")
        verbose_name_plural = _("融资申请附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class FinancingInterestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待回复")
    ACCEPTED = "accepted", _("同意洽谈")
    DECLINED = "declined", _("已婉拒")
    WITHDRAWN = "withdrawn", _("已撤回")


FINANCING_INTEREST_WORKFLOW = _no_public(
    {
        "submitted": frozenset({"accepted", "declined", "withdrawn"}),
        "accepted": frozenset(),
        "declined": frozenset(),
        "withdrawn": frozenset(),
    }
)


class FinancingInterest(BaseModel, AwaitsReply):
    """投融资意向: an institution's expression of interest in a published financing request."""

    WORKFLOW = FINANCING_INTEREST_WORKFLOW
    Status = FinancingInterestStatus

    class DeclineReason(models.TextChoices):
        TERMS = "terms", _("金额或条件不匹配")
        STAGE = "stage", _("投资阶段或方式不匹配")
        FOUND = "found", _("已确定其他资金方")
        PAUSED = "paused", _("融资计划暂停")
        OTHER = "other", _("其他")

    request = models.ForeignKey(
        FinancingRequest, verbose_name=_("融资需求"), on_delete=models.PROTECT, related_name="interests"
    )
    institution = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("意向机构"),
        on_delete=models.PROTECT,
        related_name="financing_interests",
    )
    # The request's city: its administrators follow up an interest the enterprise never answers.
    city = models.ForeignKey(
        "regions.City", verbose_name=_("所属城市"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=FinancingInterestStatus.choices, default="submitted", db_index=True
    )
    amount_min_wan = models.DecimalField(_("意向金额下限（万元）"), max_digits=12, decimal_places=2)
    amount_max_wan = models.DecimalField(_("意向金额上限（万元）"), max_digits=12, decimal_places=2)
    note = models.TextField(_("意向说明"))
    decline_reason = models.CharField(_("婉拒原因"), max_length=20, choices=DeclineReason.choices, blank=True)
    decline_note = models.TextField(_("婉拒说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("投融资意向")
        verbose_name_plural = _("投融资意向")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "institution"],
                condition=models.Q(status__in=["submitted", "accepted"]),
                name="financing_interest_one_live_per_institution",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_min_wan__gt=0, amount_max_wan__gte=models.F("amount_min_wan")),
                name="financing_interest_amount_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} → {self.request}"

    def get_absolute_url(self) -> str:
        return reverse("site:workspace-finance-interest", kwargs={"pk": self.pk})
