"""创新券 (通用通兑): programmes, vouchers and the double-entry ledger that moves their money."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innomarket.common.models import BaseModel
from innomarket.notifications.models import AwaitsReply
from innomarket.verification.workflow import Workflow


class VoucherProgram(BaseModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("筹备中")
        OPEN = "open", _("申领中")
        CLOSED = "closed", _("已结束")

    city = models.ForeignKey("regions.City", verbose_name=_("发券城市"), on_delete=models.PROTECT)
    name = models.CharField(_("名称"), max_length=120)
    issuer = models.CharField(_("发券机构"), max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    total_budget_wan = models.DecimalField(
        _("总额度（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_per_enterprise_wan = models.DecimalField(
        _("单家企业上限（万元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    eligible_services = models.TextField(_("可兑付服务"), blank=True)
    cross_city = models.BooleanField(_("跨城通用通兑"), default=True)
    # 通用通兑 acceptance list: with ``cross_city`` on, providers from these cities may be accepted
    # (empty: from any city). Providers from the programme's own city are always acceptable.
    accepted_cities = models.ManyToManyField(
        "regions.City",
        verbose_name=_("可跨城兑付的城市"),
        blank=True,
        related_name="+",
        help_text=_("留空表示任何城市的服务机构均可登记。"),
    )
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_to = models.DateField(_("有效期止"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        verbose_name = _("创新券计划")
        verbose_name_plural = _("创新券计划")
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("vouchers:programme-detail", kwargs={"pk": self.pk})


class Voucher(BaseModel):
    class Status(models.TextChoices):
        ISSUED = "issued", _("已发放")
        PARTIAL = "partial", _("部分使用")
        REDEEMED = "redeemed", _("已使用")
        SETTLED = "settled", _("已结算")
        EXPIRED = "expired", _("已过期")
        CANCELLED = "cancelled", _("已作废")

    program = models.ForeignKey(VoucherProgram, verbose_name=_("创新券计划"), on_delete=models.PROTECT)
    code = models.CharField(_("券号"), max_length=40, unique=True)
    enterprise = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("持券企业"),
        on_delete=models.PROTECT,
        related_name="vouchers",
    )
    amount_wan = models.DecimalField(_("面额（万元）"), max_digits=10, decimal_places=2)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    issued_at = models.DateTimeField(_("发放时间"), null=True, blank=True)
    redeemed_with = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("服务机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="redeemed_vouchers",
    )
    redeemed_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("创新券")
        verbose_name_plural = _("创新券")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("site:workspace-vouchers-voucher", kwargs={"pk": self.pk})

    @property
    def city_id(self) -> int:
        return self.program.city_id


# ---------------------------------------------------------------- double-entry ledger
#
# Every movement of money is one ``LedgerTransaction`` with two or more ``LedgerEntry`` rows whose
# amounts sum to zero. Sign convention: an entry's ``amount`` is in 分 (fen); positive is a debit
# (money arrives in the account), negative a credit (money leaves it). Balances are the sums of
# entries, never stored. Rows are append-only: a mistake is undone by a reversal transaction whose
# entries are the negated originals, never by editing or deleting.
#
#   funding ──fund──▶ programme_budget ──issue──▶ voucher (wallet) ──reserve──▶ provider_receivable
#                        ▲                            │  ▲                         │   │
#                        └───────────expire───────────┘  └─────────release─────────┘   └─settle─▶ settled


class LedgerAccount(models.Model):
    """One account of a programme's ledger. ``programme`` is set on every account so each
    programme's ledger balances on its own."""

    class Kind(models.TextChoices):
        # The source of a programme's money (财政拨款). It is the only account whose balance is
        # negative: it is the contra side of everything the programme ever received.
        FUNDING = "funding", _("财政拨款")
        PROGRAMME_BUDGET = "programme_budget", _("计划可发额度")
        VOUCHER = "voucher", _("企业券余额")
        PROVIDER_RECEIVABLE = "provider_receivable", _("服务机构待结算")
        SETTLED = "settled", _("已结算支付")

    kind = models.CharField(_("科目"), max_length=20, choices=Kind.choices)
    programme = models.ForeignKey(
        VoucherProgram, verbose_name=_("创新券计划"), on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    voucher = models.ForeignKey(
        Voucher, verbose_name=_("创新券"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("服务机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voucher_ledger_accounts",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    PROGRAMME_KINDS = (Kind.FUNDING, Kind.PROGRAMME_BUDGET)
    PROVIDER_KINDS = (Kind.PROVIDER_RECEIVABLE, Kind.SETTLED)

    class Meta:
        verbose_name = _("创新券账户")
        verbose_name_plural = _("创新券账户")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="ledger_account_owner_matches_kind",
                condition=(
                    Q(
                        kind__in=["funding", "programme_budget"],
                        voucher__isnull=True,
                        organisation__isnull=True,
                    )
                    | Q(kind="voucher", voucher__isnull=False, organisation__isnull=True)
                    | Q(
                        kind__in=["provider_receivable", "settled"],
                        voucher__isnull=True,
                        organisation__isnull=False,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["programme", "kind"],
                condition=Q(kind__in=["funding", "programme_budget"]),
                name="ledger_account_programme_once",
            ),
            models.UniqueConstraint(
                fields=["voucher"], condition=Q(kind="voucher"), name="ledger_account_voucher_once"
            ),
            models.UniqueConstraint(
                fields=["programme", "organisation", "kind"],
                condition=Q(kind__in=["provider_receivable", "settled"]),
                name="ledger_account_provider_once",
            ),
        ]

    def __str__(self) -> str:
        owner = self.voucher or self.organisation or self.programme
        return f"{self.get_kind_display()} · {owner}"


class LedgerTransaction(models.Model):
    """One balanced movement. ``reverses`` and ``closes`` are one-to-one, so the database itself
    refuses a second reversal of a transaction and a second release/settlement of a reservation."""

    class Kind(models.TextChoices):
        FUND = "fund", _("拨入额度")
        ISSUE = "issue", _("发券")
        RESERVE = "reserve", _("预留兑付")
        RELEASE = "release", _("释放预留")
        SETTLE = "settle", _("结算")
        EXPIRE = "expire", _("到期收回")
        REVERSAL = "reversal", _("冲正")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    programme = models.ForeignKey(
        VoucherProgram,
        verbose_name=_("创新券计划"),
        on_delete=models.PROTECT,
        related_name="ledger_transactions",
    )
    voucher = models.ForeignKey(
        Voucher,
        verbose_name=_("创新券"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_transactions",
    )
    idempotency_key = models.CharField(_("幂等键"), max_length=80, unique=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲正的交易"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    # A release, a settlement or a reversal of a reservation closes that reservation, once.
    closes = models.OneToOneField(
        "self",
        verbose_name=_("了结的预留"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="closed_by",
    )
    memo = models.CharField(_("摘要"), max_length=200, blank=True)
    # Where the provider was when this was posted (reserve, release, settle and their reversals):
    # settlement statements count a line under this city, so an organisation that moves later
    # does not rewrite closed months. Empty for movements without a provider.
    provider_city = models.ForeignKey(
        "regions.City",
        verbose_name=_("服务机构所在城市（记账时）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记账时间"), default=timezone.now, editable=False, db_index=True)

    class Meta:
        verbose_name = _("创新券交易")
        verbose_name_plural = _("创新券交易")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class LedgerEntry(models.Model):
    """One leg of a transaction: ``amount`` in 分, positive = debit (into the account), negative =
    credit (out of it). Never zero."""

    transaction = models.ForeignKey(
        LedgerTransaction, verbose_name=_("交易"), on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(
        LedgerAccount, verbose_name=_("账户"), on_delete=models.PROTECT, related_name="entries"
    )
    amount = models.BigIntegerField(_("金额（分）"))

    class Meta:
        verbose_name = _("创新券分录")
        verbose_name_plural = _("创新券分录")
        ordering = ["id"]
        constraints = [models.CheckConstraint(name="ledger_entry_not_zero", condition=~Q(amount=0))]

    def __str__(self) -> str:
        return f"{self.account} {self.amount:+d}"


# ---------------------------------------------------------------- redemption (兑付) workflow


class ProgrammeProvider(BaseModel):
    """A service provider (仪器设备方、检验检测机构、技术转移机构 …) accepted in one programme by the
    programme city's administrator. Only accepted providers' members may request redemptions."""

    programme = models.ForeignKey(
        VoucherProgram, verbose_name=_("创新券计划"), on_delete=models.PROTECT, related_name="providers"
    )
    provider = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("服务机构"),
        on_delete=models.PROTECT,
        related_name="voucher_programmes",
    )
    services = models.TextField(_("可兑付服务"), blank=True)
    accepted_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("创新券服务机构")
        verbose_name_plural = _("创新券服务机构")
        ordering = ["programme", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "provider"], name="programme_provider_once")
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.provider}"


class RedemptionStatus(models.TextChoices):
    REQUESTED = "requested", _("待企业确认")
    CONFIRMED = "confirmed", _("已确认待结算")
    SETTLED = "settled", _("已结算")
    DECLINED = "declined", _("企业已拒绝")
    CANCELLED = "cancelled", _("已撤销")
    RELEASED = "released", _("已释放")
    LAPSED = "lapsed", _("已失效")


REDEMPTION_WORKFLOW = Workflow(
    transitions={
        # The voucher expiring before the enterprise answers lapses the request.
        "requested": frozenset({"confirmed", "declined", "cancelled", "lapsed"}),
        "confirmed": frozenset({"settled", "released"}),
        "settled": frozenset(),
        "declined": frozenset(),
        "cancelled": frozenset(),
        "released": frozenset(),
        "lapsed": frozenset(),
    },
    public=frozenset(),
    editable=frozenset(),
    submitted="requested",
)


class Redemption(BaseModel, AwaitsReply):
    """兑付: a provider asks to be paid ``amount_fen`` from a voucher for ``service``.

    requested (待企业确认, the enterprise owes the answer) → confirmed (the amount is reserved in the
    ledger) → settled (paid); or declined by the enterprise, cancelled by the provider before the
    enterprise answers, released by the city administrator after confirmation, lapsed when the
    voucher expires first. Status changes only through ``services``.
    """

    WORKFLOW = REDEMPTION_WORKFLOW
    Status = RedemptionStatus

    voucher = models.ForeignKey(
        Voucher, verbose_name=_("创新券"), on_delete=models.PROTECT, related_name="redemptions"
    )
    provider = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("服务机构"),
        on_delete=models.PROTECT,
        related_name="voucher_redemptions",
    )
    service = models.CharField(_("服务内容"), max_length=200)
    amount_fen = models.PositiveBigIntegerField(_("兑付金额（分）"))
    status = models.CharField(
        _("状态"), max_length=10, choices=RedemptionStatus.choices, default=RedemptionStatus.REQUESTED
    )
    reason = models.TextField(_("理由"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reservation = models.OneToOneField(
        LedgerTransaction,
        verbose_name=_("预留交易"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="redemption",
    )
    # The settlement or release that closed the reservation.
    closing = models.OneToOneField(
        LedgerTransaction,
        verbose_name=_("了结交易"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="closed_redemption",
    )

    class Meta:
        verbose_name = _("创新券兑付")
        verbose_name_plural = _("创新券兑付")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(name="redemption_amount_positive", condition=Q(amount_fen__gt=0))
        ]

    def __str__(self) -> str:
        return f"{self.voucher} · {self.provider} · {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("site:workspace-vouchers-redemption", kwargs={"pk": self.pk})


# ---------------------------------------------------------------- applications (申领 and 服务机构登记)


class ServiceKind(models.TextChoices):
    """What an enterprise means to buy with a voucher (the usual 创新券 支持范围)."""

    TESTING = "testing", _("检验检测")
    INSTRUMENT = "instrument", _("大型科学仪器共享")
    RND = "rnd", _("研究开发与技术服务")
    TRANSFER = "transfer", _("技术转移与成果转化")
    IP = "ip", _("知识产权服务")
    DESIGN = "design", _("工业设计")
    OTHER = "other", _("其他科技服务")


class VoucherApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("退回补充")
    APPROVED = "approved", _("已批准发券")
    DECLINED = "declined", _("未获批准")
    WITHDRAWN = "withdrawn", _("已撤回")


VOUCHER_APPLICATION_WORKFLOW = Workflow(
    transitions={
        "submitted": frozenset({"approved", "returned", "declined", "withdrawn"}),
        # 补充材料后重新提交; a returned application left alone can still be declined (closed with an answer).
        "returned": frozenset({"submitted", "declined", "withdrawn"}),
        "approved": frozenset(),
        "declined": frozenset(),
        "withdrawn": frozenset(),
    },
    public=frozenset(),
    editable=frozenset(),
)
VOUCHER_APPLICATION_OPEN = ("submitted", "returned")


class VoucherApplication(BaseModel, AwaitsReply):
    """申领创新券: an enterprise of the programme's city asks for a voucher; the city's administrators
    approve it (issuing the voucher, possibly for less), return it for more information, or decline
    it with a structured reason. Status changes only through ``services``."""

    WORKFLOW = VOUCHER_APPLICATION_WORKFLOW
    Status = VoucherApplicationStatus

    class DeclineReason(models.TextChoices):
        NOT_ELIGIBLE = "not_eligible", _("企业不符合申领条件")
        SERVICE_NOT_ELIGIBLE = "service", _("所需服务不在支持范围")
        BUDGET = "budget", _("本年度额度已用完")
        CAP = "cap", _("已达单家企业上限")
        INCOMPLETE = "incomplete", _("材料不全且未按要求补充")
        OTHER = "other", _("其他")

    programme = models.ForeignKey(
        VoucherProgram, verbose_name=_("创新券计划"), on_delete=models.PROTECT, related_name="applications"
    )
    enterprise = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("申领企业"),
        on_delete=models.PROTECT,
        related_name="voucher_applications",
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=VoucherApplicationStatus.choices,
        default=VoucherApplicationStatus.SUBMITTED,
        db_index=True,
    )
    amount_wan = models.DecimalField(_("申领金额（万元）"), max_digits=10, decimal_places=2)
    service_kind = models.CharField(_("所需服务类别"), max_length=12, choices=ServiceKind.choices)
    purpose = models.TextField(
        _("服务需求说明"), help_text=_("需要哪项服务、拟选择的服务机构（如已确定）、用于哪个研发项目。")
    )
    info_request = models.TextField(_("需补充的内容"), blank=True)
    granted_amount_wan = models.DecimalField(
        _("核定金额（万元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    voucher = models.OneToOneField(
        Voucher,
        verbose_name=_("发放的创新券"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="application",
    )
    decline_reason = models.CharField(
        _("不予批准的原因"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.TextField(_("说明"), blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("创新券申领")
        verbose_name_plural = _("创新券申领")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "enterprise"],
                condition=Q(status__in=["submitted", "returned"]),
                name="voucher_application_one_open",
            ),
            models.CheckConstraint(condition=Q(amount_wan__gt=0), name="voucher_application_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.programme}"

    def get_absolute_url(self) -> str:
        return reverse("site:workspace-vouchers-application", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in VOUCHER_APPLICATION_OPEN


class ProviderApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    ACCEPTED = "accepted", _("已登记")
    DECLINED = "declined", _("未予登记")
    WITHDRAWN = "withdrawn", _("已撤回")


PROVIDER_APPLICATION_WORKFLOW = Workflow(
    transitions={
        "submitted": frozenset({"accepted", "declined", "withdrawn"}),
        "accepted": frozenset(),
        "declined": frozenset(),
        "withdrawn": frozenset(),
    },
    public=frozenset(),
    editable=frozenset(),
)


class ProviderApplication(BaseModel, AwaitsReply):
    """服务机构登记申请: a verified organisation asks to accept the vouchers of one programme for the
    services it lists; the programme city's administrators accept it (a ``ProgrammeProvider``) or
    decline it with a structured reason."""

    WORKFLOW = PROVIDER_APPLICATION_WORKFLOW
    Status = ProviderApplicationStatus

    class DeclineReason(models.TextChoices):
        CITY = "city", _("所在城市不在本计划的跨城兑付范围")
        SERVICES = "services", _("所列服务不在支持范围")
        QUALIFICATION = "qualification", _("资质或服务能力证明不足")
        OTHER = "other", _("其他")

    programme = models.ForeignKey(
        VoucherProgram,
        verbose_name=_("创新券计划"),
        on_delete=models.PROTECT,
        related_name="provider_applications",
    )
    provider = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("服务机构"),
        on_delete=models.PROTECT,
        related_name="voucher_provider_applications",
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ProviderApplicationStatus.choices,
        default=ProviderApplicationStatus.SUBMITTED,
        db_index=True,
    )
    service_kinds = models.CharField(_("服务类别"), max_length=200, blank=True)
    services = models.TextField(
        _("可提供的服务"),
        help_text=_("逐项写明服务名称、收费标准或依据，如“材料成分分析（按检测项目收费）”。"),
    )
    qualifications = models.TextField(
        _("资质与能力"), blank=True, help_text=_("如 CMA/CNAS 资质、大型仪器清单、技术转移机构备案等。")
    )
    registration = models.OneToOneField(
        ProgrammeProvider,
        verbose_name=_("登记结果"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="application",
    )
    decline_reason = models.CharField(
        _("不予登记的原因"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.TextField(_("说明"), blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("服务机构登记申请")
        verbose_name_plural = _("服务机构登记申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "provider"],
                condition=Q(status="submitted"),
                name="provider_application_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} · {self.programme}"

    def get_absolute_url(self) -> str:
        return reverse("site:workspace-vouchers-provider-application", kwargs={"pk": self.pk})

    def service_kind_labels(self) -> list[str]:
        labels = dict(ServiceKind.choices)
        return [str(labels[k]) for k in self.service_kinds.split(",") if k in labels]
