"""在线咨询 and 洽谈意向: a question (or an offer to negotiate) about any public record, answered by
the record's owner.

Every listing of the catalogue has a way to enquire. The enquiry lands in the inbox of the owner
organisation's members (of the record's city administrators when the record has no owner, e.g. facts
loaded by the platform), and follows the platform's rule that nobody is left unanswered
(``notifications.replies``): reminded after the configured days, escalated to the city after more.

Enquiry: submitted (awaiting the owner) → answered (the owner replied; the asker may follow up, which
makes it await the owner again) | accepted (洽谈意向 only: the owner agrees to negotiate) | declined
(structured reason) ; closed by the asker at any open point. Each change is a
``verification.StatusEvent``; the conversation is ``EnquiryMessage`` rows.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innomarket.common.models import BaseModel
from innomarket.notifications.models import AwaitsReply
from innomarket.verification.workflow import Workflow


class EnquiryStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待答复")
    ANSWERED = "answered", _("已答复")
    ACCEPTED = "accepted", _("同意洽谈")
    DECLINED = "declined", _("已婉拒")
    CLOSED = "closed", _("已结束")


OPEN_STATUSES = (EnquiryStatus.SUBMITTED, EnquiryStatus.ANSWERED, EnquiryStatus.ACCEPTED)

ENQUIRY_WORKFLOW = Workflow(
    transitions={
        "submitted": frozenset({"answered", "accepted", "declined", "closed"}),
        "answered": frozenset({"submitted", "accepted", "declined", "closed"}),
        "accepted": frozenset({"closed"}),
        "declined": frozenset(),
        "closed": frozenset(),
    },
    public=frozenset(),
    submitted="submitted",
)


class Enquiry(BaseModel, AwaitsReply):
    WORKFLOW = ENQUIRY_WORKFLOW

    class Kind(models.TextChoices):
        CONSULT = "consult", _("在线咨询")
        INTENT = "intent", _("洽谈意向")

    class Purpose(models.TextChoices):
        """What a 洽谈意向 is for (the achievement's transfer modes, plus the usual others)."""

        TRANSFER = "transfer", _("转让")
        LICENSE = "license", _("许可使用")
        EQUITY = "equity", _("作价入股")
        COOPERATION = "cooperation", _("合作开发/技术服务")
        OTHER = "other", _("其他")

    class DeclineReason(models.TextChoices):
        OUT_OF_SCOPE = "out_of_scope", _("不属于本机构业务范围")
        NOT_AVAILABLE = "not_available", _("资源或成果暂不对外提供")
        ALREADY_COMMITTED = "already_committed", _("已转化、已许可或已有合作方")
        TERMS_MISMATCH = "terms_mismatch", _("合作方式或预算不符")
        INSUFFICIENT_INFO = "insufficient_info", _("信息不足，请补充后重新提交")
        OTHER = "other", _("其他")

    kind = models.CharField(
        _("类型"), max_length=10, choices=Kind.choices, default=Kind.CONSULT, db_index=True
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=EnquiryStatus.choices,
        default=EnquiryStatus.SUBMITTED,
        db_index=True,
    )
    content_type = models.ForeignKey(ContentType, verbose_name=_("咨询对象类型"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("咨询对象编号"))
    record = GenericForeignKey("content_type", "object_id")
    record_title = models.CharField(_("咨询对象"), max_length=200)
    owner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("答复机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enquiries_received",
    )
    city = models.ForeignKey("regions.City", verbose_name=_("所属城市"), on_delete=models.PROTECT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("咨询人"), on_delete=models.PROTECT, related_name="enquiries"
    )
    author_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("咨询机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enquiries_sent",
    )
    subject = models.CharField(_("主题"), max_length=120)
    purpose = models.CharField(_("合作方式"), max_length=12, choices=Purpose.choices, blank=True)
    budget_wan = models.DecimalField(
        _("预算（万元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    decline_reason = models.CharField(_("婉拒原因"), max_length=20, choices=DeclineReason.choices, blank=True)

    class Meta:
        verbose_name = _("咨询")
        verbose_name_plural = _("咨询")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            # One open conversation per person and record: a second question goes into the same thread.
            models.UniqueConstraint(
                fields=["author", "content_type", "object_id", "kind"],
                condition=Q(status__in=["submitted", "answered", "accepted"]),
                name="enquiry_one_open_per_author_record",
            ),
            models.CheckConstraint(
                condition=Q(kind="intent") | (Q(purpose="") & Q(budget_wan__isnull=True)),
                name="enquiry_purpose_budget_only_for_intent",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("site:enquiry-detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EnquiryMessage(BaseModel):
    """One message of the conversation: the question, answers, follow-ups."""

    enquiry = models.ForeignKey(
        Enquiry, verbose_name=_("咨询"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发言人"), on_delete=models.PROTECT, related_name="+"
    )
    from_owner = models.BooleanField(_("答复方"), default=False)
    body = models.TextField(_("内容"))

    class Meta:
        verbose_name = _("咨询消息")
        verbose_name_plural = _("咨询消息")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]
