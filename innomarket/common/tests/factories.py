"""factory_boy factories shared by the apps' tests. Cities and field tags come from the data migrations."""

from __future__ import annotations

import factory
from django.utils import timezone

from innomarket.accounts.models import User
from innomarket.organisations.models import Membership, Organisation
from innomarket.regions.models import City
from innomarket.taxonomy.models import FieldTag


def city(slug: str = "nanjing") -> City:
    return City.objects.get(slug=slug)


def field_tag(slug: str = "ai") -> FieldTag:
    return FieldTag.objects.get(slug=slug)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct-horse-battery-9")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试机构{n}")
    kind = Organisation.Kind.ENTERPRISE
    city = factory.LazyFunction(lambda: City.objects.get(slug="nanjing"))
    status = "published"
    last_verified_at = factory.LazyFunction(timezone.now)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.ADMIN


def city_admin(slug: str = "nanjing", **kwargs) -> User:
    """A staff user who administers one city (城市管理员), with the back-office group's permissions."""
    from innomarket.accounts.services import user_make_city_admin

    user = UserFactory(**kwargs)
    return user_make_city_admin(user=user, city=City.objects.get(slug=slug))


def alliance_admin(**kwargs) -> User:
    from innomarket.accounts.services import user_make_alliance_admin

    return user_make_alliance_admin(user=UserFactory(**kwargs))


def member_of(organisation: Organisation, **kwargs) -> User:
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organisation=organisation)
    return user
