import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innomarket.common.models import BaseModel
from innomarket.common.validators import validate_http_url
from innomarket.notifications.models import AwaitsReply
from innomarket.verification.models import Listing
from innomarket.verification.workflow import LISTING_WORKFLOW, Workflow


class Event(Listing):
    """活动: salons, roadshows, forums, competitions, matchmaking meetings."""

    WORKFLOW = LISTING_WORKFLOW

    class Kind(models.TextChoices):
        FORUM = "forum", _("论坛/大会")
        SALON = "salon", _("沙龙/下午茶")
        ROADSHOW = "roadshow", _("路演")
        MATCHMAKING = "matchmaking", _("对接会")
        COMPETITION = "competition", _("大赛")
        TRAINING = "training", _("培训/宣讲")
        EXHIBITION = "exhibition", _("展会/活动周")

    kind = models.CharField(_("活动类型"), max_length=20, choices=Kind.choices, db_index=True)
    starts_at = models.DateTimeField(_("开始时间"), null=True, blank=True, db_index=True)
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    date_note = models.CharField(_("时间说明"), max_length=100, blank=True, help_text=_("如“常态化举办”"))
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    organiser = models.CharField(_("主办方"), max_length=200, blank=True)
    is_online = models.BooleanField(_("线上活动"), default=False)
    registration_url = models.URLField(_("报名链接"), blank=True, validators=[validate_http_url])
    # 平台报名: when on, people register here (capacity, waiting list, check-in code, 报名名单).
    takes_registrations = models.BooleanField(
        _("在平台报名"),
        default=False,
        help_text=_("开启后，用户可在本平台报名，主办机构在工作台管理报名名单与签到"),
    )
    capacity = models.PositiveIntegerField(
        _("名额"), null=True, blank=True, help_text=_("不填表示不限名额；报满后新的报名进入候补")
    )
    registration_deadline = models.DateTimeField(
        _("报名截止时间"), null=True, blank=True, help_text=_("不填则到活动开始时截止")
    )
    requires_review = models.BooleanField(
        _("报名需审核"), default=False, help_text=_("开启后报名需主办机构审核通过才算确认")
    )

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-starts_at", "-id"]

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"pk": self.pk})

    @property
    def closes_at(self) -> dt.datetime | None:
        """When registration closes: the deadline, else the start."""
        return self.registration_deadline or self.starts_at

    @property
    def over_at(self) -> dt.datetime | None:
        """When the event is over and its records become read-only (the end, else a day after the start)."""
        if self.ends_at:
            return self.ends_at
        if self.starts_at:
            return self.starts_at + dt.timedelta(days=1)
        return None

    def is_over(self, now: dt.datetime | None = None) -> bool:
        over_at = self.over_at
        return over_at is not None and (now or timezone.now()) >= over_at

    def is_registration_open(self, now: dt.datetime | None = None) -> bool:
        closes_at = self.closes_at
        return (
            self.takes_registrations
            and self.is_public
            and closes_at is not None
            and (now or timezone.now()) < closes_at
        )


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    CONFIRMED = "confirmed", _("报名成功")
    WAITLISTED = "waitlisted", _("候补中")
    CHECKED_IN = "checked_in", _("已签到")
    DECLINED = "declined", _("未通过")
    CANCELLED = "cancelled", _("已取消")


REGISTRATION_WORKFLOW = Workflow(
    transitions={
        "pending": frozenset({"confirmed", "waitlisted", "declined", "cancelled"}),
        "waitlisted": frozenset({"confirmed", "cancelled"}),
        "confirmed": frozenset({"checked_in", "cancelled"}),
        "checked_in": frozenset(),
        "declined": frozenset(),
        "cancelled": frozenset(),
    },
    public=frozenset(),
)
ACTIVE_REGISTRATION_STATUSES = frozenset({"pending", "confirmed", "waitlisted", "checked_in"})
SEAT_STATUSES = frozenset({"confirmed", "checked_in"})


class Registration(BaseModel, AwaitsReply):
    """活动报名: one person's registration for one event (with an optional organisation).

    Confirmed registrations hold a seat and a check-in code unique within the event; when the event
    is full, new ones wait in order (``waitlisted_at``) and are promoted when a seat frees up.
    """

    WORKFLOW = REGISTRATION_WORKFLOW

    class DeclineReason(models.TextChoices):
        AUDIENCE = "audience", _("不属于本次活动的面向对象")
        FULL = "full", _("名额已满")
        INFORMATION = "information", _("报名信息不完整")
        OTHER = "other", _("其他")

    event = models.ForeignKey(
        Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报名人"),
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("代表机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("姓名"), max_length=40)
    affiliation = models.CharField(_("单位"), max_length=120, blank=True)
    position = models.CharField(_("职务"), max_length=60, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=RegistrationStatus.choices, db_index=True)
    check_in_code = models.CharField(_("签到码"), max_length=8, blank=True)
    waitlisted_at = models.DateTimeField(_("进入候补时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    decline_reason = models.CharField(
        _("未通过原因"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=models.Q(status__in=["pending", "confirmed", "waitlisted", "checked_in"]),
                name="event_one_active_registration_per_person",
            ),
            models.UniqueConstraint(
                fields=["event", "check_in_code"],
                condition=~models.Q(check_in_code=""),
                name="event_check_in_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.event}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_REGISTRATION_STATUSES

    def get_absolute_url(self) -> str:
        return reverse("site:event-registration", kwargs={"pk": self.pk})
