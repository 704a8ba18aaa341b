import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innomarket.common.choices import Level
from innomarket.common.models import BaseModel
from innomarket.common.validators import validate_http_url
from innomarket.notifications.models import AwaitsReply
from innomarket.regions.models import Located
from innomarket.verification.models import Listing
from innomarket.verification.workflow import LISTING_WORKFLOW, Workflow


class Space(Located, Listing):
    """载体空间: incubators, maker spaces, science parks, concept-verification centres …"""

    WORKFLOW = LISTING_WORKFLOW

    class Kind(models.TextChoices):
        INCUBATOR = "incubator", _("孵化器")
        MAKER_SPACE = "maker_space", _("众创空间")
        UNIVERSITY_SCIENCE_PARK = "university_park", _("大学科技园")
        SCIENCE_PARK = "science_park", _("科技园区")
        INNOVATION_CENTRE = "innovation_centre", _("创新中心/创新园")
        CONCEPT_VERIFICATION = "concept_verification", _("概念验证中心")
        ACCELERATOR = "accelerator", _("加速器/产业空间")
        OTHER = "other", _("其他载体")

    kind = models.CharField(_("载体类型"), max_length=30, choices=Kind.choices, db_index=True)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices, blank=True, db_index=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    area_m2 = models.DecimalField(_("面积（平方米）"), max_digits=12, decimal_places=1, null=True, blank=True)
    vacant_area_m2 = models.DecimalField(
        _("可租面积（平方米）"), max_digits=12, decimal_places=1, null=True, blank=True
    )
    services = models.TextField(_("服务内容"), blank=True)
    rent_note = models.CharField(_("租金与优惠"), max_length=200, blank=True)
    website = models.URLField(_("网站"), blank=True, validators=[validate_http_url])
    contact = models.CharField(_("联系方式"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("载体空间")
        verbose_name_plural = _("载体空间")
        ordering = ["-published_at", "-id"]

    def get_absolute_url(self) -> str:
        return reverse("resources:space-detail", kwargs={"pk": self.pk})

    @property
    def vacancy_ratio(self):
        if self.area_m2 and self.vacant_area_m2 is not None:
            return self.vacant_area_m2 / self.area_m2
        return None


class Instrument(Located, Listing):
    """仪器设备 shared for use by others."""

    WORKFLOW = LISTING_WORKFLOW

    category = models.CharField(_("仪器类别"), max_length=60, blank=True)
    manufacturer = models.CharField(_("生产厂商"), max_length=120, blank=True)
    model_number = models.CharField(_("型号"), max_length=80, blank=True)
    location = models.CharField(_("存放地点"), max_length=200, blank=True)
    booking_rules = models.TextField(_("预约与开放规则"), blank=True)
    fee_note = models.CharField(_("收费标准"), max_length=200, blank=True)
    accepts_vouchers = models.BooleanField(_("可使用创新券"), default=False)
    contact = models.CharField(_("联系方式"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("仪器设备")
        verbose_name_plural = _("仪器设备")
        ordering = ["-published_at", "-id"]

    def get_absolute_url(self) -> str:
        return reverse("resources:instrument-detail", kwargs={"pk": self.pk})


# ---------------------------------------------------------------- 资源共享: booking (预约)


class BookingUnit(models.TextChoices):
    HOUR = "hour", _("按小时")
    HALF_DAY = "half_day", _("按半天")
    DAY = "day", _("按天")


UNIT_NAMES = {BookingUnit.HOUR: _("小时"), BookingUnit.HALF_DAY: _("半天"), BookingUnit.DAY: _("天")}


def _exactly_one(a: str, b: str) -> models.Q:
    return models.Q(**{f"{a}__isnull": False, f"{b}__isnull": True}) | models.Q(
        **{f"{a}__isnull": True, f"{b}__isnull": False}
    )


class BookableResource(BaseModel):
    """预约设置: the availability of one instrument or space that its owner opened for booking.

    Kept apart from the listing: opening hours and prices are operational settings the owner changes
    at any time, not verified public claims that send the listing back to the city for 核验.
    Exactly one of ``instrument`` and ``space`` is set.
    """

    instrument = models.OneToOneField(
        Instrument,
        verbose_name=_("仪器设备"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="booking_settings",
    )
    space = models.OneToOneField(
        Space,
        verbose_name=_("载体空间"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="booking_settings",
    )
    is_open = models.BooleanField(
        _("开放在线预约"), default=True, help_text=_("关闭后不再接受新的预约申请，已有预约不受影响。")
    )
    unit = models.CharField(
        _("预约单位"), max_length=10, choices=BookingUnit.choices, default=BookingUnit.HOUR
    )
    weekdays = models.CharField(
        _("开放日"),
        max_length=7,
        default="12345",
        validators=[RegexValidator(r"^[1-7]{1,7}$", _("请至少选择一个开放日。"))],
        help_text=_("星期一为 1，星期日为 7。"),
    )
    opens_at = models.TimeField(_("每日开放时间"), default=dt.time(9, 0))
    closes_at = models.TimeField(_("每日关闭时间"), default=dt.time(17, 0))
    lead_days = models.PositiveSmallIntegerField(
        _("提前预约（工作日）"),
        default=1,
        validators=[MaxValueValidator(30)],
        help_text=_("使用日须在申请日之后至少 N 个工作日（周一至周五）。"),
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("最远可预约（天）"),
        default=60,
        validators=[MinValueValidator(7), MaxValueValidator(366)],
    )
    price = models.DecimalField(
        _("单价（元）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("每个预约单位的价格；不填表示面议或按收费说明。"),
    )
    price_note = models.CharField(_("收费说明"), max_length=200, blank=True)
    accepts_vouchers = models.BooleanField(
        _("可使用创新券"), default=False, help_text=_("仪器设备以其发布信息中的“可使用创新券”为准。")
    )
    notes = models.TextField(_("预约须知"), blank=True, help_text=_("如首次使用需参加培训、样品要求等。"))

    class Meta:
        verbose_name = _("预约设置")
        verbose_name_plural = _("预约设置")
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one("instrument", "space"), name="bookable_one_resource"
            ),
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")), name="bookable_hours"
            ),
        ]

    def __str__(self) -> str:
        return str(self.resource)

    @property
    def resource(self) -> Instrument | Space:
        return self.instrument if self.instrument_id else self.space  # type: ignore[return-value]

    @property
    def type_key(self) -> str:
        return "instrument" if self.instrument_id else "space"

    @property
    def vouchers_accepted(self) -> bool:
        if self.instrument_id:
            return bool(self.instrument.accepts_vouchers)
        return self.accepts_vouchers

    @property
    def unit_name(self) -> str:
        return str(UNIT_NAMES[BookingUnit(self.unit)])

    @property
    def weekday_numbers(self) -> list[int]:
        return sorted({int(c) for c in self.weekdays})


class BlockedPeriod(BaseModel):
    """不可预约时段: maintenance, holidays, internal use. Shown on the public calendar with its reason."""

    class Reason(models.TextChoices):
        MAINTENANCE = "maintenance", _("维护保养")
        HOLIDAY = "holiday", _("节假日")
        INTERNAL = "internal", _("内部使用")
        OTHER = "other", _("其他安排")

    bookable = models.ForeignKey(
        BookableResource, verbose_name=_("资源"), on_delete=models.CASCADE, related_name="blocked_periods"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    reason = models.CharField(_("原因"), max_length=20, choices=Reason.choices, default=Reason.MAINTENANCE)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("不可预约时段")
        verbose_name_plural = _("不可预约时段")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")), name="blocked_period_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.starts_at:%Y-%m-%d %H:%M}"


BOOKING_WORKFLOW = Workflow(
    transitions={
        "pending": frozenset({"approved", "proposed", "declined", "cancelled"}),
        "proposed": frozenset({"approved", "pending", "cancelled"}),
        "approved": frozenset({"completed", "cancelled"}),
        "declined": frozenset(),
        "cancelled": frozenset(),
        "completed": frozenset(),
    },
    public=frozenset(),
)


class Booking(AwaitsReply, BaseModel):
    """预约申请: an organisation asks to use an instrument or a space for a period.

    The owner approves, proposes another period (``BookingProposal``) or declines with a structured
    reason; the requester may cancel. An approved booking occupies ``BookingSlot`` rows, written in
    the approval's transaction under a unique constraint: two overlapping bookings can never both be
    approved, whatever runs at the same moment.
    """

    WORKFLOW = BOOKING_WORKFLOW

    class Status(models.TextChoices):
        PENDING = "pending", _("待答复")
        PROPOSED = "proposed", _("待确认新时段")
        APPROVED = "approved", _("已批准")
        DECLINED = "declined", _("已婉拒")
        CANCELLED = "cancelled", _("已取消")
        COMPLETED = "completed", _("已完成")

    class DeclineReason(models.TextChoices):
        SLOT_TAKEN = "slot_taken", _("该时段已有安排")
        MAINTENANCE = "maintenance", _("设备维护或故障")
        SAMPLES = "samples", _("样品或实验内容不符合要求")
        SCOPE = "scope", _("超出开放服务范围")
        INCOMPLETE = "incomplete", _("申请信息不完整")
        OTHER = "other", _("其他")

    bookable = models.ForeignKey(
        BookableResource, verbose_name=_("资源"), on_delete=models.PROTECT, related_name="bookings"
    )
    city = models.ForeignKey("regions.City", verbose_name=_("资源所在城市"), on_delete=models.PROTECT)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("申请机构"),
        on_delete=models.PROTECT,
        related_name="resource_bookings",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    purpose = models.TextField(_("使用目的与实验内容"))
    samples = models.TextField(_("样品信息"), blank=True, help_text=_("样品名称、数量、特性及安全注意事项。"))
    needs_operator = models.BooleanField(_("需要机构人员代为操作（委托测试）"), default=False)
    use_voucher = models.BooleanField(_("拟使用创新券支付"), default=False)
    contact = models.CharField(_("联系人及电话"), max_length=120)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    answer_note = models.TextField(_("答复说明"), blank=True)
    decline_reason = models.CharField(_("婉拒原因"), max_length=20, choices=DeclineReason.choices, blank=True)
    decline_note = models.TextField(_("婉拒说明"), blank=True)
    cancel_reason = models.TextField(_("取消原因"), blank=True)
    is_sample = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        verbose_name = _("预约申请")
        verbose_name_plural = _("预约申请")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["bookable", "status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")), name="booking_period_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.bookable}"

    def get_absolute_url(self) -> str:
        return reverse("site:booking-detail", kwargs={"pk": self.pk})


class BookingProposal(AwaitsReply, BaseModel):
    """提出其他时段: the owner's counter-offer, which the requester accepts or rejects.

    While it is open the requester is the side that owes the answer (its own reply rule)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待申请方确认")
        ACCEPTED = "accepted", _("已接受")
        REJECTED = "rejected", _("未接受")
        LAPSED = "lapsed", _("已失效")

    booking = models.ForeignKey(
        Booking, verbose_name=_("预约申请"), on_delete=models.CASCADE, related_name="proposals"
    )
    starts_at = models.DateTimeField(_("建议开始时间"))
    ends_at = models.DateTimeField(_("建议结束时间"))
    note = models.TextField(_("说明"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer_note = models.TextField(_("申请方答复"), blank=True)

    class Meta:
        verbose_name = _("建议时段")
        verbose_name_plural = _("建议时段")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking"], condition=models.Q(status="open"), name="booking_one_open_proposal"
            ),
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")), name="proposal_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking} → {self.starts_at:%Y-%m-%d %H:%M}"


class BookingSlot(models.Model):
    """One half-hour cell of a resource's time that is taken: by an approved booking or a blocked period.

    ``(bookable, start)`` is unique, so the database itself refuses a second occupant of any cell —
    on SQLite and PostgreSQL alike, also when two approvals commit at the same moment."""

    bookable = models.ForeignKey(BookableResource, on_delete=models.CASCADE, related_name="slots")
    start = models.DateTimeField()
    booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.CASCADE, related_name="slots"
    )
    blocked = models.ForeignKey(
        BlockedPeriod, null=True, blank=True, on_delete=models.CASCADE, related_name="slots"
    )

    class Meta:
        verbose_name = _("已占用时段")
        verbose_name_plural = _("已占用时段")
        constraints = [
            models.UniqueConstraint(fields=["bookable", "start"], name="booking_slot_once"),
            models.CheckConstraint(
                condition=_exactly_one("booking", "blocked"), name="booking_slot_one_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bookable_id} @ {self.start:%Y-%m-%d %H:%M}"


class BookingCompletion(BaseModel):
    """使用记录: what actually happened, written by the owner after the use."""

    class Outcome(models.TextChoices):
        USED = "used", _("按约使用")
        PARTIAL = "partial", _("部分使用")
        NO_SHOW = "no_show", _("未到场")

    booking = models.OneToOneField(
        Booking, verbose_name=_("预约申请"), on_delete=models.CASCADE, related_name="completion"
    )
    outcome = models.CharField(_("使用情况"), max_length=10, choices=Outcome.choices, default=Outcome.USED)
    used_hours = models.DecimalField(
        _("实际使用时长（小时）"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    fee = models.DecimalField(
        _("实际费用（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    note = models.TextField(_("使用记录说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("使用记录")
        verbose_name_plural = _("使用记录")

    def __str__(self) -> str:
        return f"{self.booking} · {self.get_outcome_display()}"


class BookingRating(BaseModel):
    """使用评价: the requester's 1–5 stars and comment after a completed use."""

    booking = models.OneToOneField(
        Booking, verbose_name=_("预约申请"), on_delete=models.CASCADE, related_name="rating"
    )
    score = models.PositiveSmallIntegerField(
        _("评分"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("评价"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评价人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("使用评价")
        verbose_name_plural = _("使用评价")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="booking_rating_range"
            )
        ]
