from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "innomarket.challenges"
    verbose_name = _("揭榜挂帅")

    def ready(self) -> None:
        from innomarket.verification.signals import status_changed

        from .models import Challenge
        from .services import on_status_changed

        status_changed.connect(on_status_changed, sender=Challenge, dispatch_uid="challenges.status_changed")
