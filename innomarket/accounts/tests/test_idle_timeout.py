"""Back-office sessions end after INNOMARKET_ADMIN_IDLE_MINUTES without a request; members' do not."""

from datetime import timedelta

import pytest

from innomarket.common.tests import factories as f

from .clock import clock_ahead

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def idle_minutes(settings):
    settings.INNOMARKET_ADMIN_IDLE_MINUTES = 30


def test_an_administrator_idle_too_long_is_signed_out_with_a_reason(client):
    client.force_login(f.city_admin("nanjing", username="nj-admin"))
    assert client.get("/admin/").status_code == 200

    with clock_ahead(timedelta(minutes=29)):
        assert client.get("/admin/").status_code == 200  # activity keeps the session alive
    with clock_ahead(timedelta(minutes=29 + 29)):
        assert client.get("/workspace/").status_code == 200
    with clock_ahead(timedelta(minutes=29 + 29 + 31)):
        response = client.get("/admin/policies/policy/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=%2Fadmin%2Fpolicies%2Fpolicy%2F"
    assert "_auth_user_id" not in client.session
    login_page = client.get(response.url)
    assert "30 分钟未操作" in login_page.content.decode()


def test_the_idle_limit_follows_the_setting(client, settings):
    settings.INNOMARKET_ADMIN_IDLE_MINUTES = 5
    client.force_login(f.alliance_admin(username="alliance"))
    client.get("/admin/")

    with clock_ahead(timedelta(minutes=6)):
        assert client.get("/admin/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_member_keeps_the_normal_session_age(client):
    client.force_login(f.member_of(f.OrganisationFactory(), username="member"))
    client.get("/workspace/")

    with clock_ahead(timedelta(hours=5)):
        assert client.get("/workspace/").status_code == 200
