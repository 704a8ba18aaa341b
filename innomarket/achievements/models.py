from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innomarket.verification.models import Listing
from innomarket.verification.workflow import LISTING_WORKFLOW


class Achievement(Listing):
    """科技成果: a technology offered for transfer, licence or joint development, or a paper / research
    result (论文/研究成果) that shows what a team has worked on.

    A research result is literature, not an offer: it has no TRL, transfer mode or IP status, and names
    the team behind it (``team``, ``lead_expert``) so that recommendations of people have evidence.
    """

    WORKFLOW = LISTING_WORKFLOW

    class Kind(models.TextChoices):
        TECHNOLOGY = "technology", _("技术成果")
        RESEARCH = "research", _("论文/研究成果")

    class IpStatus(models.TextChoices):
        PATENT_GRANTED = "patent_granted", _("已授权专利")
        PATENT_PENDING = "patent_pending", _("专利申请中")
        SOFTWARE_COPYRIGHT = "software_copyright", _("软件著作权")
        KNOW_HOW = "know_how", _("技术秘密")
        NONE = "none", _("暂无知识产权")

    class TransferMode(models.TextChoices):
        TRANSFER = "transfer", _("转让")
        LICENCE = "licence", _("许可")
        EQUITY = "equity", _("作价入股")
        JOINT_DEVELOPMENT = "joint_development", _("合作开发")
        SERVICE = "service", _("技术服务")

    kind = models.CharField(
        _("成果类型"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.TECHNOLOGY,
        help_text=_("论文/研究成果展示团队的研究方向，不填写技术成熟度、知识产权状态和转化方式"),
    )
    abstract = models.TextField(_("成果摘要"), blank=True)
    discipline = models.CharField(_("学科"), max_length=60, blank=True)
    trl = models.PositiveSmallIntegerField(
        _("技术成熟度（TRL）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("1–9 级"),
    )
    ip_status = models.CharField(
        _("知识产权状态"), max_length=20, choices=IpStatus.choices, default=IpStatus.NONE, blank=True
    )
    patent_numbers = models.CharField(_("专利号"), max_length=300, blank=True)
    transfer_mode = models.CharField(_("转化方式"), max_length=20, choices=TransferMode.choices, blank=True)
    team = models.CharField(_("成果团队"), max_length=200, blank=True)
    lead_expert = models.ForeignKey(
        "talent.Expert",
        verbose_name=_("成果团队负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="achievements",
    )
    applications = models.TextField(_("应用场景"), blank=True)
    price_note = models.CharField(_("价格说明"), max_length=120, blank=True)
    external_ref = models.CharField(_("外部编号"), max_length=60, blank=True, db_index=True)

    class Meta:
        verbose_name = _("科技成果")
        verbose_name_plural = _("科技成果")
        ordering = ["-published_at", "-id"]

    def get_absolute_url(self) -> str:
        return reverse("achievements:detail", kwargs={"pk": self.pk})

    @property
    def is_research(self) -> bool:
        return self.kind == self.Kind.RESEARCH
