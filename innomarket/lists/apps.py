from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListsConfig(AppConfig):
    name = "innomarket.lists"
    verbose_name = _("合作清单")
