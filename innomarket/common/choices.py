from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    MUNICIPAL = "municipal", _("市级")
    DISTRICT = "district", _("区级")
    NONE = "", _("未定级")


class Phase(models.TextChoices):
    """三个维度: the time dimension of the three lists."""

    PAST = "past", _("过去时")
    PRESENT = "present", _("进行时")
    FUTURE = "future", _("未来时")
