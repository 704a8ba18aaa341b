"""Writes about people and their roles."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from innomarket.regions.models import City

from .models import User

CITY_ADMIN_GROUP = "城市管理员"
ALLIANCE_ADMIN_GROUP = "联盟管理员"

# Apps whose records city administrators maintain in the back office (scoped to their city there).
CITY_ADMIN_APPS = (
    "organisations", "resources", "policies", "achievements", "challenges", "lists", "finance", "talent",
    "events", "vouchers", "backoffice", "enquiries", "points", "api",
)


@transaction.atomic
def admin_groups_ensure() -> tuple[Group, Group]:
    """Create or refresh the two back-office groups and their model permissions."""
    city_group, _ = Group.objects.get_or_create(name=CITY_ADMIN_GROUP)
    alliance_group, _ = Group.objects.get_or_create(name=ALLIANCE_ADMIN_GROUP)
    city_perms = Permission.objects.filter(content_type__app_label__in=CITY_ADMIN_APPS)
    city_group.permissions.set(
        list(city_perms) + list(Permission.objects.filter(content_type__app_label="regions", codename__in=["view_city", "change_city"]))
        + list(Permission.objects.filter(content_type__app_label="verification", codename="view_statusevent"))
    )
    alliance_group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=(*CITY_ADMIN_APPS, "regions", "taxonomy", "accounts", "verification", "matching")
        )
    )
    return city_group, alliance_group


def admin_groups_refresh(*, using: str = "default") -> None:
    """Bring existing back-office groups up to date with the models there are now (run after each
    migrate); a database without them is left alone."""
    if Group.objects.using(using).filter(name__in=(CITY_ADMIN_GROUP, ALLIANCE_ADMIN_GROUP)).exists():
        admin_groups_ensure()


@transaction.atomic
def user_make_city_admin(*, user: User, city: City) -> User:
    """设为城市管理员: staff access to the back office, scoped to ``city``."""
    city_group, _ = admin_groups_ensure()
    user.administered_city = city
    user.is_staff = True
    user.full_clean(exclude=["password"])
    user.save(update_fields=["administered_city", "is_staff"])
    user.groups.add(city_group)
    return user


@transaction.atomic
def user_make_alliance_admin(*, user: User) -> User:
    """设为联盟管理员: sees and configures every city."""
    _, alliance_group = admin_groups_ensure()
    user.is_alliance_admin = True
    user.is_staff = True
    user.save(update_fields=["is_alliance_admin", "is_staff"])
    user.groups.add(alliance_group)
    return user


@transaction.atomic
def user_register(*, username: str, name: str, email: str, password: str, phone: str = "") -> User:
    """注册: create a person's account. The e-mail address is unique regardless of case.

    The caller has validated the password against ``AUTH_PASSWORD_VALIDATORS`` (the sign-up form does).
    """
    from django.utils.translation import gettext as _

    from innomarket.common.exceptions import ApplicationError

    email = User.objects.normalize_email((email or "").strip())
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(_("该电子邮箱已注册，请直接登录或使用其他邮箱。"), extra={"field": "email"})
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(_("该用户名已被使用，请换一个。"), extra={"field": "username"})
    user = User(username=username.strip(), name=name.strip(), email=email, phone=(phone or "").strip())
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_revoke_admin(*, user: User) -> User:
    """撤销管理员: removes both administrator roles and their groups; a superuser keeps staff access."""
    user.administered_city = None
    user.is_alliance_admin = False
    if not user.is_superuser:
        user.is_staff = False
    user.save(update_fields=["administered_city", "is_alliance_admin", "is_staff"])
    user.groups.remove(*Group.objects.filter(name__in=[CITY_ADMIN_GROUP, ALLIANCE_ADMIN_GROUP]))
    return user
