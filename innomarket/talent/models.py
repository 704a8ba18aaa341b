from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innomarket.common.models import BaseModel
from innomarket.notifications.models import AwaitsReply
from innomarket.regions.models import Located
from innomarket.verification.models import Listing
from innomarket.verification.workflow import LISTING_WORKFLOW, Workflow


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

    @property
    def public_summary(self) -> str:
        """The summary without phone numbers: people are contacted through the platform."""
        from .templatetags.talent_privacy import hide_phones

        return hide_phones(self.summary)


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

    @property
    def public_summary(self) -> str:
        """The summary without phone numbers: people are contacted through the platform."""
        from .templatetags.talent_privacy import hide_phones

        return hide_phones(self.summary)


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


class TalentStation(Located, Listing):
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


# ---------------------------------------------------------------- 人才交流 as a service


def cv_upload_path(instance: "TalentApplication", filename: str) -> str:
    from innomarket.common.files import random_upload_path

    return random_upload_path("talent/cv", filename)


def _private_storage():  # the challenges' storage: no URL, served only by permission-checked views
    from innomarket.challenges.models import private_storage

    return private_storage()


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已投递")
    VIEWED = "viewed", _("已查看")
    SHORTLISTED = "shortlisted", _("邀请面谈")
    DECLINED = "declined", _("未通过")
    HIRED = "hired", _("已录用")
    WITHDRAWN = "withdrawn", _("已撤回")


APPLICATION_WORKFLOW = Workflow(
    transitions={
        "submitted": frozenset({"viewed", "shortlisted", "declined", "withdrawn"}),
        "viewed": frozenset({"shortlisted", "declined", "withdrawn"}),
        "shortlisted": frozenset({"hired", "declined", "withdrawn"}),
        "declined": frozenset(),
        "hired": frozenset(),
        "withdrawn": frozenset(),
    },
    public=frozenset(),
)
OPEN_APPLICATION_STATUSES = frozenset({"submitted", "viewed", "shortlisted"})


class TalentApplication(BaseModel, AwaitsReply):
    """应聘申请: a person applies to a talent post with a cover note and a CV.

    The CV is private: only the applicant and the members of the posting organisation open it
    (``services.can_open_cv``). Every change of status leaves a ``StatusEvent``.
    """

    WORKFLOW = APPLICATION_WORKFLOW

    class DeclineReason(models.TextChoices):
        QUALIFICATIONS = "qualifications", _("任职要求不符")
        EXPERIENCE = "experience", _("经验或专业方向不匹配")
        FILLED = "filled", _("岗位已招满")
        LOCATION = "location", _("工作地点或用工形式不符")
        INTERVIEW = "interview", _("面谈后未通过")
        POST_CLOSED = "post_closed", _("岗位已停止招聘")
        OTHER = "other", _("其他")

    post = models.ForeignKey(
        TalentPost, verbose_name=_("人才需求"), on_delete=models.CASCADE, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.CASCADE,
        related_name="talent_applications",
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        db_index=True,
    )
    cover_note = models.TextField(_("求职说明"), max_length=2000)
    cv = models.FileField(_("简历"), storage=_private_storage, upload_to=cv_upload_path, max_length=200)
    cv_name = models.CharField(_("简历文件名"), max_length=200)
    cv_size = models.PositiveBigIntegerField(_("简历大小（字节）"), default=0)
    viewed_at = models.DateTimeField(_("查看时间"), null=True, blank=True)
    shortlisted_at = models.DateTimeField(_("邀请面谈时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("结果时间"), null=True, blank=True)
    interview_note = models.TextField(_("面谈安排"), blank=True, max_length=1000)
    decline_reason = models.CharField(
        _("未通过原因"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.TextField(_("说明"), blank=True, max_length=1000)

    class Meta:
        verbose_name = _("应聘申请")
        verbose_name_plural = _("应聘申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "applicant"],
                condition=models.Q(status__in=["submitted", "viewed", "shortlisted"]),
                name="talent_one_open_application_per_post",
            )
        ]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.post}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPLICATION_STATUSES

    def get_absolute_url(self) -> str:
        return reverse("site:talent-application", kwargs={"pk": self.pk})


class TalentProfile(BaseModel):
    """人才库档案: a person's own profile; listed publicly only when its owner makes it public."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("公开（在人才库中展示）")
        PRIVATE = "private", _("不公开（仅自己可见）")

    class Availability(models.TextChoices):
        FULL_TIME = "full_time", _("全职")
        PART_TIME = "part_time", _("兼职/柔性合作")
        CONSULTING = "consulting", _("技术咨询")
        ANY = "any", _("均可")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="talent_profile",
    )
    display_name = models.CharField(
        _("展示名称"), max_length=40, help_text=_("人才库中显示的称呼，如“王先生”“张博士”，不必用真实姓名")
    )
    headline = models.CharField(
        _("一句话介绍"), max_length=100, help_text=_("如“锂电池材料方向博士，5年研发经验”")
    )
    field = models.ForeignKey(
        "taxonomy.FieldTag", verbose_name=_("领域/产业"), on_delete=models.PROTECT, related_name="+"
    )
    skills = models.TextField(_("专业技能"), max_length=2000)
    city = models.ForeignKey(
        "regions.City", verbose_name=_("所在城市"), on_delete=models.PROTECT, related_name="+"
    )
    availability = models.CharField(
        _("合作方式"), max_length=20, choices=Availability.choices, default=Availability.ANY
    )
    visibility = models.CharField(
        _("是否公开"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE, db_index=True
    )

    class Meta:
        verbose_name = _("人才档案")
        verbose_name_plural = _("人才档案")
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    def get_absolute_url(self) -> str:
        return reverse("talent:profile-detail", kwargs={"pk": self.pk})


class ContactStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待答复")
    ACCEPTED = "accepted", _("已接受")
    DECLINED = "declined", _("已婉拒")
    WITHDRAWN = "withdrawn", _("已撤回")


CONTACT_WORKFLOW = Workflow(
    transitions={
        "submitted": frozenset({"accepted", "declined", "withdrawn"}),
        "accepted": frozenset(),
        "declined": frozenset(),
        "withdrawn": frozenset(),
    },
    public=frozenset(),
)


class ContactRequest(BaseModel, AwaitsReply):
    """联系请求: someone asks an expert or a technology manager to get in touch through the platform.

    No phone number is ever on the public page: the person accepts (and chooses what contact to
    reveal to the requester, with a reply) or declines with a reason.
    """

    WORKFLOW = CONTACT_WORKFLOW

    class Purpose(models.TextChoices):
        CONSULTING = "consulting", _("技术咨询")
        EVALUATION = "evaluation", _("邀请评审")
        COOPERATION = "cooperation", _("项目合作")
        TRANSFER = "transfer", _("成果转化对接")
        OTHER = "other", _("其他")

    class DeclineReason(models.TextChoices):
        OUT_OF_FIELD = "out_of_field", _("不在本人专业范围")
        NO_TIME = "no_time", _("近期时间无法安排")
        CONFLICT = "conflict", _("存在利益冲突")
        INSUFFICIENT = "insufficient", _("需求描述不够清楚")
        OTHER = "other", _("其他")

    expert = models.ForeignKey(
        Expert,
        verbose_name=_("专家"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contact_requests",
    )
    tech_manager = models.ForeignKey(
        TechManager,
        verbose_name=_("技术经理人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contact_requests",
    )
    city = models.ForeignKey(
        "regions.City", verbose_name=_("所属城市"), on_delete=models.PROTECT, related_name="+"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("请求人"),
        on_delete=models.CASCADE,
        related_name="contact_requests_sent",
    )
    requester_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("代表机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    purpose = models.CharField(_("联系事由"), max_length=20, choices=Purpose.choices)
    message = models.TextField(_("留言"), max_length=2000)
    requester_contact = models.CharField(
        _("您的联系方式"), max_length=120, help_text=_("接受后对方可见，如电子邮箱或电话")
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=ContactStatus.choices,
        default=ContactStatus.SUBMITTED,
        db_index=True,
    )
    reply = models.TextField(_("答复"), blank=True, max_length=2000)
    shared_contact = models.CharField(_("对方提供的联系方式"), max_length=120, blank=True)
    decline_reason = models.CharField(_("婉拒原因"), max_length=20, choices=DeclineReason.choices, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("联系请求")
        verbose_name_plural = _("联系请求")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(expert__isnull=False) & models.Q(tech_manager__isnull=True))
                | (models.Q(expert__isnull=True) & models.Q(tech_manager__isnull=False)),
                name="contact_request_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.target}"

    @property
    def target(self) -> Expert | TechManager:
        return self.expert if self.expert_id else self.tech_manager  # type: ignore[return-value]

    def get_absolute_url(self) -> str:
        return reverse("site:talent-contact", kwargs={"pk": self.pk})
