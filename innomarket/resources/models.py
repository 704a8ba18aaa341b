from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innomarket.common.choices import Level
from innomarket.common.validators import validate_http_url
from innomarket.verification.models import Listing
from innomarket.verification.workflow import LISTING_WORKFLOW


class Space(Listing):
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


class Instrument(Listing):
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
