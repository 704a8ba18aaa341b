from django.db import models
from django.utils.translation import gettext_lazy as _

from innomarket.common.models import BaseModel
from innomarket.common.validators import validate_http_url


class Feed(BaseModel):
    """数据源: a city's feed harvested into the marketplace. Fields only here; harvesting is a later issue."""

    class Kind(models.TextChoices):
        JSON_API = "json_api", _("JSON 接口")
        RSS = "rss", _("RSS/Atom")
        EXCEL = "excel", _("Excel/CSV 文件")

    class Target(models.TextChoices):
        POLICY = "policies.policy", _("政策")
        EVENT = "events.event", _("活动")
        SPACE = "resources.space", _("载体空间")
        ACHIEVEMENT = "achievements.achievement", _("科技成果")
        CHALLENGE = "challenges.challenge", _("榜单")

    city = models.ForeignKey("regions.City", verbose_name=_("所属城市"), on_delete=models.PROTECT)
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    target = models.CharField(_("导入为"), max_length=40, choices=Target.choices)
    url = models.URLField(_("地址"), blank=True, validators=[validate_http_url])
    schedule_minutes = models.PositiveIntegerField(_("采集间隔（分钟）"), default=1440)
    enabled = models.BooleanField(_("启用"), default=False)
    last_harvested_at = models.DateTimeField(_("最近采集"), null=True, blank=True)
    last_result = models.TextField(_("最近结果"), blank=True)

    class Meta:
        verbose_name = _("数据源")
        verbose_name_plural = _("数据源")
        ordering = ["city", "name"]

    def __str__(self) -> str:
        return self.name
