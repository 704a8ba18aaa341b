from django.db import models
from django.utils.translation import gettext_lazy as _

from innomarket.common.models import BaseModel
from innomarket.common.validators import validate_http_url


class Feed(BaseModel):
    """数据源: another city's feed that this city harvests (innomarket.federation.services.harvest)."""

    class Kind(models.TextChoices):
        JSON_API = "json_api", _("JSON 接口")
        RSS = "rss", _("RSS/Atom")
        EXCEL = "excel", _("Excel/CSV 文件")

    class Target(models.TextChoices):
        """Every public kind of the catalogue (innomarket.catalog.LISTING_TYPES); a test keeps them equal."""

        POLICY = "policies.policy", _("政策")
        SPACE = "resources.space", _("载体空间")
        INSTRUMENT = "resources.instrument", _("仪器设备")
        ORGANISATION = "organisations.organisation", _("机构")
        CHALLENGE = "challenges.challenge", _("榜单")
        EXPERT = "talent.expert", _("专家")
        TECHMANAGER = "talent.techmanager", _("技术经理人")
        PRODUCT = "finance.financialproduct", _("金融产品")
        FUND = "finance.fund", _("基金")
        FINANCING = "finance.financingrequest", _("融资需求")
        TALENTPOST = "talent.talentpost", _("人才需求")
        STATION = "talent.talentstation", _("人才服务站")
        EVENT = "events.event", _("活动")
        ACHIEVEMENT = "achievements.achievement", _("科技成果")
        COOPERATION = "lists.cooperation", _("合作项目")

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
