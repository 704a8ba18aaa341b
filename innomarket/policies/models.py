from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innomarket.common.choices import Level
from innomarket.common.validators import validate_http_url
from innomarket.verification.models import Listing
from innomarket.verification.workflow import LISTING_WORKFLOW


class Policy(Listing):
    """政策: support measures, action plans and guidelines issued by a city or district."""

    WORKFLOW = LISTING_WORKFLOW

    class SupportType(models.TextChoices):
        FUNDING = "funding", _("资金扶持")
        TAX = "tax", _("税收优惠")
        SPACE = "space", _("载体与空间")
        TALENT = "talent", _("人才支持")
        FINANCE = "finance", _("金融支持")
        PLATFORM = "platform", _("平台建设")
        COOPERATION = "cooperation", _("协同合作")
        PLAN = "plan", _("规划与行动方案")
        OTHER = "other", _("其他")

    issuer = models.CharField(_("发文机关"), max_length=120)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices, blank=True)
    support_type = models.CharField(_("支持方式"), max_length=20, choices=SupportType.choices, db_index=True)
    issued_on = models.DateField(_("发布日期"), null=True, blank=True)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    effective_to = models.DateField(_("截止日期"), null=True, blank=True)
    full_text = models.TextField(_("全文"), blank=True)
    original_url = models.URLField(_("原文链接"), blank=True, validators=[validate_http_url])
    apply_from = models.DateField(_("申报开始"), null=True, blank=True)
    apply_until = models.DateField(_("申报截止"), null=True, blank=True)
    apply_url = models.URLField(
        _("申报入口"), blank=True, validators=[validate_http_url], help_text=_("在线申报系统的地址")
    )
    # 支持金额: what an eligible organisation may receive, as the policy states it (最高 50 万元,
    # 10–50 万元), with a note for how it is computed (按研发费用的 10% 给予补助).
    amount_min_wan = models.DecimalField(
        _("支持金额下限（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    amount_max_wan = models.DecimalField(
        _("支持金额上限（万元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("政策写“最高 X 万元”时只填上限；固定金额时上下限相同。"),
    )
    amount_note = models.CharField(
        _("支持金额说明"), max_length=200, blank=True, help_text=_("如：按上年度研发费用的 10% 给予补助")
    )

    class Meta:
        verbose_name = _("政策")
        verbose_name_plural = _("政策")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_min_wan__isnull=True)
                | models.Q(amount_max_wan__isnull=True)
                | models.Q(amount_min_wan__lte=models.F("amount_max_wan")),
                name="policy_amount_min_within_max",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("policies:detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        super().clean()
        low, high = self.amount_min_wan, self.amount_max_wan
        if low is not None and high is not None and low > high:
            from django.core.exceptions import ValidationError

            raise ValidationError({"amount_min_wan": _("支持金额下限不能高于上限。")})

    @property
    def amount_display(self) -> str:
        """支持金额 in words: 「最高 50 万元」, 「10–50 万元」, 「20 万元」, 「不低于 10 万元」 or ""."""
        from django.utils.translation import gettext

        low, high = self.amount_min_wan, self.amount_max_wan
        if low is None and high is None:
            return ""

        def fmt(value: Any) -> str:
            return f"{value.normalize():f}"

        if low is not None and high is not None:
            if low == high:
                return gettext("%(amount)s 万元") % {"amount": fmt(high)}
            return gettext("%(low)s–%(high)s 万元") % {"low": fmt(low), "high": fmt(high)}
        if high is not None:
            return gettext("最高 %(amount)s 万元") % {"amount": fmt(high)}
        return gettext("不低于 %(amount)s 万元") % {"amount": fmt(low)}


class PolicyCondition(models.Model):
    """适用条件: one eligibility condition of a policy (营业收入 ≥ 1000 万元, 高新技术企业 …), entered
    by an administrator or proposed from the policy's text (``conditions.propose_conditions``) and
    then confirmed. Only confirmed conditions decide who a policy applies to."""

    class Kind(models.TextChoices):
        REVENUE = "revenue", _("营业收入（万元）")
        RD_EXPENSE = "rd_expense", _("研发费用（万元）")
        TOTAL_ASSETS = "total_assets", _("资产总额（万元）")
        RD_RATIO = "rd_ratio", _("研发费用占营业收入比例（%）")
        TECH_STAFF_RATIO = "tech_staff_ratio", _("科技人员占职工总数比例（%）")
        HIGH_TECH_REVENUE_RATIO = "high_tech_revenue_ratio", _("高新技术产品（服务）收入占比（%）")
        REVENUE_GROWTH = "revenue_growth", _("营业收入增长率（%）")
        HEADCOUNT = "headcount", _("职工总数（人）")
        YEARS_FOUNDED = "years_founded", _("成立年限（年）")
        IP_COUNT = "ip_count", _("知识产权数量（件）")
        QUALIFICATION = "qualification", _("资质/称号")
        REGISTERED_IN = "registered_in", _("注册地")

    NAMED_KINDS = ("qualification", "registered_in")

    class Op(models.TextChoices):
        GE = ">=", "≥"
        GT = ">", ">"
        LE = "<=", "≤"
        LT = "<", "<"
        EQ = "==", _("为")

    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="conditions", verbose_name=_("政策")
    )
    kind = models.CharField(_("条件"), max_length=30, choices=Kind.choices)
    op = models.CharField(_("比较"), max_length=2, choices=Op.choices)
    number = models.DecimalField(_("数值"), max_digits=14, decimal_places=2, null=True, blank=True)
    name = models.CharField(_("名称"), max_length=60, blank=True, help_text=_("资质、称号或注册地"))
    qualifier = models.CharField(
        _("限定"), max_length=40, blank=True, help_text=_("如知识产权类型：发明专利")
    )
    source_text = models.CharField(_("原文依据"), max_length=200, blank=True)
    proposed = models.BooleanField(_("系统建议"), default=False, editable=False)
    is_confirmed = models.BooleanField(_("已确认"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("适用条件")
        verbose_name_plural = _("适用条件")
        ordering = ["policy", "id"]
        constraints = [
            # A named condition (资质, 注册地) has a name and "为"; a measured one a number and a bound.
            models.CheckConstraint(
                condition=(
                    models.Q(kind__in=("qualification", "registered_in"), op="==", number__isnull=True)
                    & ~models.Q(name="")
                )
                | (
                    ~models.Q(kind__in=("qualification", "registered_in"))
                    & ~models.Q(op="==")
                    & models.Q(number__isnull=False, name="")
                ),
                name="policycondition_named_or_measured",
            )
        ]

    def __str__(self) -> str:
        if self.kind in self.NAMED_KINDS or self.number is None:
            value = self.name
        else:
            value = f"{self.number.normalize():f}"  # 1000, not 1E+3
        return f"{self.get_kind_display()} {self.get_op_display()} {value}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.kind in self.NAMED_KINDS:
            errors = {}
            if self.op != self.Op.EQ:
                errors["op"] = _("资质或注册地条件只能选“为”。")
            if not self.name:
                errors["name"] = _("请填写资质、称号或注册地的名称。")
            if self.number is not None:
                errors["number"] = _("资质或注册地条件不填数值。")
            if errors:
                raise ValidationError(errors)
        else:
            errors = {}
            if self.op == self.Op.EQ:
                errors["op"] = _("数量条件请选择 ≥、>、≤ 或 <。")
            if self.number is None:
                errors["number"] = _("请填写数值。")
            if self.name:
                errors["name"] = _("数量条件不填名称。")
            if errors:
                raise ValidationError(errors)


class PolicyPush(models.Model):
    """免申即享: an organisation was told that it meets every confirmed condition of a policy. One row
    per (organisation, policy), ever: the unique constraint is what makes the push happen once, even
    when two workers judge the same pair at the same time."""

    class Trigger(models.TextChoices):
        PUBLISHED = "published", _("政策发布")
        CONDITIONS = "conditions", _("适用条件更新")
        PROFILE = "profile", _("经营数据更新")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="policy_pushes",
        verbose_name=_("机构"),
    )
    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="pushes", verbose_name=_("政策")
    )
    trigger = models.CharField(_("触发原因"), max_length=12, choices=Trigger.choices)
    recipients = models.PositiveIntegerField(_("通知人数"), default=0)
    created_at = models.DateTimeField(_("推送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("免申即享推送")
        verbose_name_plural = _("免申即享推送")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "policy"], name="policypush_once")]

    def __str__(self) -> str:
        return f"{self.policy} → {self.organisation}"
