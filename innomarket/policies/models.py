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

    class Meta:
        verbose_name = _("政策")
        verbose_name_plural = _("政策")
        ordering = ["-issued_on", "-id"]

    def get_absolute_url(self) -> str:
        return reverse("policies:detail", kwargs={"pk": self.pk})
