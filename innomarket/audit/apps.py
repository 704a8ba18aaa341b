from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "innomarket.audit"
    verbose_name = _("审计日志")

    def ready(self) -> None:
        from .services.recording import connect

        connect()
