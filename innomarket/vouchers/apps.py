from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VouchersConfig(AppConfig):
    name = "innomarket.vouchers"
    verbose_name = _("创新券")

    def ready(self) -> None:
        from innomarket.notifications import replies

        from . import selectors

        for rule in selectors.REPLY_RULES:
            replies.register(rule)
