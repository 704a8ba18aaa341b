from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "innomarket.policies"
    verbose_name = _("政策发布")

    def ready(self) -> None:
        from innomarket.verification.signals import status_changed

        from .models import Policy
        from .services import on_status_changed

        # The verification workflow is generic; its status_changed is the one hook every listing
        # type uses to follow up on a transition (challenges do the same). The receiver only queues.
        status_changed.connect(on_status_changed, sender=Policy, dispatch_uid="policies.status_changed")
