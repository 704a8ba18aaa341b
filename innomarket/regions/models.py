from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from innomarket.common.models import BaseModel
from innomarket.common.validators import validate_http_url


class City(BaseModel):
    """A city or district of the alliance (城市/区). The eight members come by default; more can be added."""

    class Kind(models.TextChoices):
        CITY = "city", _("地级市")
        DISTRICT = "district", _("市辖区")

    name = models.CharField(_("名称"), max_length=40, unique=True, help_text=_("全称，如“南京市”“普陀区”"))
    short_name = models.CharField(_("简称"), max_length=20, help_text=_("如“南京”“普陀”"))
    slug = models.SlugField(_("网址标识"), max_length=40, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.CITY)
    province = models.CharField(_("所属省级"), max_length=20, help_text=_("如“江苏省”“上海市”"))
    is_member = models.BooleanField(
        _("联盟成员"), default=False, help_text=_("沿沪宁协同创新城市联盟“七市一区”成员")
    )
    map_name = models.CharField(
        _("地图名称"), max_length=40, blank=True, help_text=_("与地图数据（corridor.geojson）中 name 一致")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)
    intro = models.TextField(_("简介"), blank=True)
    joined_note = models.CharField(_("加入联盟说明"), max_length=200, blank=True)
    office_name = models.CharField(
        _("对接机构"), max_length=100, blank=True, help_text=_("如“普陀区科学技术委员会”")
    )
    office_address = models.CharField(_("对接机构地址"), max_length=200, blank=True)
    office_phone = models.CharField(_("对接机构电话"), max_length=60, blank=True)
    office_source = models.CharField(
        _("联系方式来源"), max_length=200, blank=True, help_text=_("公开来源，如政府信息公开文件名")
    )
    cloud_platform_name = models.CharField(_("科创云平台名称"), max_length=100, blank=True)
    cloud_platform_url = models.URLField(
        _("科创云平台地址"), blank=True, validators=[validate_http_url], help_text=_("由本市管理员维护")
    )
    cloud_platform_unconfirmed = models.BooleanField(
        _("科创云平台信息待核实"),
        default=False,
        help_text=_("名称或网址尚未经本市确认时勾选；页面上标注“待核实”。确认后取消勾选。"),
    )
    cloud_platform_note = models.CharField(
        _("科创云平台信息来源"), max_length=200, blank=True, help_text=_("名称与网址的来源，便于核实")
    )

    class Meta:
        verbose_name = _("城市")
        verbose_name_plural = _("城市")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("regions:detail", kwargs={"slug": self.slug})


class Located(models.Model):
    """A point on the alliance map for a record with an address (经纬度, approximate).

    Filled from the address by ``regions.services.record_locate`` with the offline gazetteer; an
    administrator may set the point by hand (precision ``manual``), which geocoding never overwrites.
    """

    class Precision(models.TextChoices):
        MANUAL = "manual", _("人工标注")
        AREA = "area", _("园区/片区")
        DISTRICT = "district", _("区县")
        CITY = "city", _("城市")

    geo_lng = models.FloatField(
        _("经度"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    geo_lat = models.FloatField(
        _("纬度"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    geo_precision = models.CharField(
        _("定位精度"),
        max_length=10,
        choices=Precision.choices,
        blank=True,
        help_text=_("按地址自动定位到园区、区县或城市；选“人工标注”后不再按地址自动更新"),
    )

    class Meta:
        abstract = True
