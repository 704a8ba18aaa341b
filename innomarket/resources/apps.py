from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "innomarket.resources"
    verbose_name = _("资源共享")

    def ready(self) -> None:
        from innomarket.notifications import replies

        from .selectors import BOOKING_RULE, PROPOSAL_RULE

        replies.register(BOOKING_RULE)
        replies.register(PROPOSAL_RULE)
