from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "innomarket.events"
    verbose_name = _("活动")

    def ready(self) -> None:
        from . import replies

        replies.register_rules()
