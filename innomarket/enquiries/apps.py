from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnquiriesConfig(AppConfig):
    name = "innomarket.enquiries"
    verbose_name = _("在线咨询")

    def ready(self) -> None:
        from innomarket.notifications import replies

        from . import selectors

        replies.register(selectors.REPLY_RULE)
