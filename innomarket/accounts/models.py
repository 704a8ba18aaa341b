from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A registered person. Roles come from memberships and from the two administrator fields below.

    - city administrator (城市管理员): ``administered_city`` is set; scoped to that city only.
    - alliance administrator (联盟管理员): ``is_alliance_admin``; sees and configures everything.
    """

    name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    administered_city = models.ForeignKey(
        "regions.City",
        verbose_name=_("管理城市"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="administrators",
        help_text=_("设为城市管理员：只能查看和核验本城市的数据"),
    )
    is_alliance_admin = models.BooleanField(_("联盟管理员"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def display_name(self) -> str:
        return self.name or self.username


# The login log (登录日志): django-axes' records under Chinese names, shown read-only to the alliance
# administrator in the back office (accounts/admin.py). Proxies: axes owns the tables.
class LoginFailureCount(AccessAttempt):
    """Failures per account, address and browser within the cool-off period: what lockouts count."""

    class Meta:
        proxy = True
        verbose_name = _("登录失败计数")
        verbose_name_plural = _("登录失败计数（锁定）")


class LoginSuccess(AccessLog):
    class Meta:
        proxy = True
        verbose_name = _("登录成功记录")
        verbose_name_plural = _("登录成功记录")


class LoginFailure(AccessFailureLog):
    class Meta:
        proxy = True
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")
