from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innomarket.common.validators import validate_http_url
from innomarket.verification.models import Listing
from innomarket.verification.workflow import LISTING_WORKFLOW


class Event(Listing):
    """活动: salons, roadshows, forums, competitions, matchmaking meetings."""

    WORKFLOW = LISTING_WORKFLOW

    class Kind(models.TextChoices):
        FORUM = "forum", _("论坛/大会")
        SALON = "salon", _("沙龙/下午茶")
        ROADSHOW = "roadshow", _("路演")
        MATCHMAKING = "matchmaking", _("对接会")
        COMPETITION = "competition", _("大赛")
        TRAINING = "training", _("培训/宣讲")
        EXHIBITION = "exhibition", _("展会/活动周")

    kind = models.CharField(_("活动类型"), max_length=20, choices=Kind.choices, db_index=True)
    starts_at = models.DateTimeField(_("开始时间"), null=True, blank=True, db_index=True)
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    date_note = models.CharField(_("时间说明"), max_length=100, blank=True, help_text=_("如“常态化举办”"))
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    organiser = models.CharField(_("主办方"), max_length=200, blank=True)
    is_online = models.BooleanField(_("线上活动"), default=False)
    registration_url = models.URLField(_("报名链接"), blank=True, validators=[validate_http_url])

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-starts_at", "-id"]

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"pk": self.pk})
