from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "innomarket.federation"
    verbose_name = _("数据联邦")
