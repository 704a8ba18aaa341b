import pytest
from django.contrib.auth.models import AnonymousUser

from innomarket.accounts import roles
from innomarket.common.tests import factories as f
from innomarket.policies.models import Policy

pytestmark = pytest.mark.django_db


def test_alliance_admin_predicate():
    assert roles.is_alliance_admin(f.alliance_admin())
    assert roles.is_alliance_admin(f.UserFactory(is_superuser=True))
    assert not roles.is_alliance_admin(f.UserFactory())
    assert not roles.is_alliance_admin(f.city_admin("nanjing"))
    assert not roles.is_alliance_admin(AnonymousUser())


def test_city_admin_is_scoped_to_their_city():
    admin = f.city_admin("nanjing")
    nanjing, suzhou = f.city("nanjing"), f.city("suzhou")
    assert roles.is_city_admin(admin)
    assert roles.administered_city_id(admin) == nanjing.pk
    assert roles.can_administer_city(admin, nanjing.pk)
    assert not roles.can_administer_city(admin, suzhou.pk)
    assert not roles.can_administer_city(admin, None)


def test_alliance_admin_administers_every_city():
    admin = f.alliance_admin()
    assert not roles.is_city_admin(admin)
    assert roles.can_administer_city(admin, f.city("suzhou").pk)
    assert roles.can_administer_city(admin, f.city("putuo").pk)


def test_ordinary_and_anonymous_users_administer_nothing():
    for user in (f.UserFactory(), AnonymousUser()):
        assert not roles.is_city_admin(user)
        assert roles.administered_city_id(user) is None
        assert not roles.can_administer_city(user, f.city("nanjing").pk)


def test_membership_predicates():
    org, other = f.OrganisationFactory(), f.OrganisationFactory()
    member = f.member_of(org)
    assert roles.member_organisation_ids(member) == {org.pk}
    assert roles.is_member_of(member, org.pk)
    assert not roles.is_member_of(member, other.pk)
    assert not roles.is_member_of(member, None)
    assert roles.member_organisation_ids(AnonymousUser()) == set()
    assert not roles.is_member_of(AnonymousUser(), org.pk)


def test_can_edit_listing_members_and_the_city_admin_only():
    org = f.OrganisationFactory(city=f.city("nanjing"))
    listing = Policy(owner=org, city=org.city, title="政策", issuer="局", support_type="funding")
    assert roles.can_edit_listing(f.member_of(org), listing)
    assert roles.can_edit_listing(f.city_admin("nanjing"), listing)
    assert roles.can_edit_listing(f.alliance_admin(), listing)
    assert not roles.can_edit_listing(f.city_admin("suzhou"), listing)
    assert not roles.can_edit_listing(f.member_of(f.OrganisationFactory()), listing)
    assert not roles.can_edit_listing(AnonymousUser(), listing)
