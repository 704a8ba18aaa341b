from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "innomarket.finance"
    verbose_name = _("金融服务")

    def ready(self) -> None:
        from .reply_rules import register_rules

        register_rules()
