from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "innomarket.challenges"
    verbose_name = _("揭榜挂帅")
