from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: worker heartbeats and recovery of tasks whose worker died, orphan uploads, backups."""

    name = "innomarket.ops"
    verbose_name = _("运行维护")
