"""The inbox reads and the recipient groups callers notify."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from innomarket.common.tests import factories as f
from innomarket.notifications.context_processors import unread
from innomarket.notifications.recipients import alliance_admins, city_admins, organisation_members
from innomarket.notifications.selectors import inbox, unread_count
from innomarket.notifications.services import mark_read, notify

pytestmark = pytest.mark.django_db


def send(user, title="通知"):
    (notification,) = notify(recipients=[user], kind="test", title=title, email=False)
    return notification


def test_inbox_is_own_newest_first_and_filters_unread():
    me, other = f.UserFactory(), f.UserFactory()
    first, second, third = send(me, "一"), send(me, "二"), send(me, "三")
    send(other, "别人的")
    mark_read(actor=me, notification=second)

    assert list(inbox(me)) == [third, second, first]
    assert list(inbox(me, unread_only=True)) == [third, first]
    assert unread_count(me) == 2
    assert unread_count(other) == 1


def test_anonymous_has_an_empty_inbox_without_queries(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert list(inbox(AnonymousUser())) == []
        assert unread_count(AnonymousUser()) == 0


def test_context_processor_counts_once_and_only_when_used(django_assert_num_queries):
    user = f.UserFactory()
    send(user)
    send(user)
    request = RequestFactory().get("/")
    request.user = user

    with django_assert_num_queries(0):
        context = unread(request)
    with django_assert_num_queries(1):
        assert context["unread_notifications"] == 2
        assert context["unread_notifications"] > 1
        assert str(context["unread_notifications"]) == "2"


def test_context_processor_gives_zero_to_anonymous_visitors(django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    with django_assert_num_queries(0):
        assert not unread(request)["unread_notifications"]


def test_organisation_members_are_its_active_members_only():
    org, other_org = f.OrganisationFactory(), f.OrganisationFactory()
    admin = f.member_of(org)
    member = f.member_of(org)
    f.member_of(org, is_active=False)
    f.member_of(other_org)

    assert list(organisation_members(org.pk)) == [admin, member]


def test_city_admins_are_the_active_administrators_of_that_city():
    nanjing = f.city_admin("nanjing")
    f.city_admin("nanjing", is_active=False)
    f.city_admin("suzhou")
    f.alliance_admin()

    assert list(city_admins(f.city("nanjing").pk)) == [nanjing]


def test_alliance_admins_include_superusers_but_not_inactive_accounts():
    alliance = f.alliance_admin()
    root = f.UserFactory(is_superuser=True, is_staff=True)
    f.alliance_admin(is_active=False)
    f.city_admin("nanjing")
    f.UserFactory()

    assert list(alliance_admins()) == [alliance, root]
