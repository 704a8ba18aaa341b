"""Fixtures of the back-office tests: listings in two cities and their administrators."""

import pytest

from innomarket.common.tests.factories import alliance_admin, city_admin

from .helpers import make_policy


@pytest.fixture
def nanjing_admin(db):
    return city_admin("nanjing", username="nj-admin")


@pytest.fixture
def suzhou_admin(db):
    return city_admin("suzhou", username="sz-admin")


@pytest.fixture
def alliance(db):
    return alliance_admin(username="alliance")


@pytest.fixture
def nanjing_policy(db):
    return make_policy("nanjing", title="南京算力券政策")


@pytest.fixture
def suzhou_policy(db):
    return make_policy("suzhou", title="苏州科创十条")
