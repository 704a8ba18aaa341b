"""Fixtures of the audit tests: an organisation with a member, and administrators of two cities."""

import pytest

from innomarket.common.tests import factories as f


@pytest.fixture
def org(db):
    return f.OrganisationFactory(name="南京甲科技有限公司", city=f.city("nanjing"))


@pytest.fixture
def member(org):
    return f.member_of(org, username="member", name="张三")


@pytest.fixture
def nanjing_admin(db):
    return f.city_admin("nanjing", username="nj-admin", name="南京管理员")


@pytest.fixture
def suzhou_admin(db):
    return f.city_admin("suzhou", username="sz-admin", name="苏州管理员")


@pytest.fixture
def alliance(db):
    return f.alliance_admin(username="alliance", name="联盟管理员甲")
