from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "innomarket.common"
    verbose_name = _("公共")

    def ready(self) -> None:
        from . import pagecache

        pagecache.connect_signals()
