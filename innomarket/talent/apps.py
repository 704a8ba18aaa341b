from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "innomarket.talent"
    verbose_name = _("人才与专家")

    def ready(self) -> None:
        from . import replies

        replies.register_rules()
