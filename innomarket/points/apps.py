from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "innomarket.points"
    verbose_name = _("创新积分")
