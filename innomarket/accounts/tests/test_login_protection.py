"""Lockouts on both login forms (django-axes through accounts.login_protection) and the lockout page."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.test import RequestFactory
from django.urls import reverse

from innomarket.accounts.login_protection import client_ip
from innomarket.common.tests import factories as f

from .clock import clock_ahead

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"  # UserFactory's
SITE_LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
COOL_OFF = timedelta(minutes=15)


@pytest.fixture(autouse=True)
def limits(settings):
    """The limits these tests are written for (the defaults, stated so a changed default shows here)."""
    settings.INNOMARKET_LOGIN_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT = 5
    settings.INNOMARKET_LOGIN_IP_FAILURE_LIMIT = 20
    settings.AXES_COOLOFF_TIME = COOL_OFF


WRONG = "wrong-password"


def attempt(client, username, password=WRONG, *, ip="10.0.0.1", page=SITE_LOGIN):
    return client.post(page, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in_as(client):
    return client.session.get("_auth_user_id")


@pytest.mark.parametrize("page", [SITE_LOGIN, ADMIN_LOGIN])
def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_is_refused(client, page):
    user = f.city_admin("nanjing", username="nj-admin")

    statuses = [attempt(client, "nj-admin", page=page).status_code for _ in range(30)]

    assert statuses[:4] == [200] * 4  # the form again, with its error
    assert statuses[4:] == [429] * 26  # locked at the fifth failure
    right = attempt(client, "nj-admin", PASSWORD, page=page)
    assert right.status_code == 429 and signed_in_as(client) is None
    # Tries while locked are refused without being counted (they do not prolong the lockout).
    assert (
        sum(AccessAttempt.objects.filter(username="nj-admin").values_list("failures_since_start", flat=True))
        == 5
    )
    assert AccessFailureLog.objects.filter(username="nj-admin").count() == 5
    assert not AccessLog.objects.filter(username=user.username).exists()


def test_the_lockout_page_is_chinese_in_the_site_frame_and_says_when(client):
    f.UserFactory(username="zhangsan")
    for _ in range(5):
        response = attempt(client, "zhangsan")

    assert response.status_code == 429
    html = response.content.decode()
    assert "登录已暂时锁定" in html
    assert "该账号连续 5 次登录失败" in html
    assert "请于 " in html and "后再试（约 15 分钟后）" in html
    assert 'class="site-header"' in html  # base.html, not axes' bare text
    assert "Account locked" not in html
    assert 14 * 60 <= int(response["Retry-After"]) <= 15 * 60


def test_the_account_stays_locked_from_another_address_which_itself_is_not_locked(client):
    f.UserFactory(username="zhangsan")
    f.UserFactory(username="lisi")
    for _ in range(5):
        attempt(client, "zhangsan", ip="10.0.0.1")

    from_elsewhere = attempt(client, "zhangsan", PASSWORD, ip="10.9.9.9")
    other_account_same_address = attempt(client, "lisi", PASSWORD, ip="10.0.0.1")

    assert from_elsewhere.status_code == 429
    assert other_account_same_address.status_code == 302
    assert signed_in_as(client) is not None


def test_an_address_is_locked_after_failures_across_names(client):
    f.UserFactory(username="lisi")
    # Twenty names, one guess each: no account reaches its limit, the address reaches its own.
    statuses = [attempt(client, f"guess{n}", ip="10.0.0.7").status_code for n in range(20)]

    assert statuses[:19] == [200] * 19 and statuses[19] == 429
    locked_page = attempt(client, "lisi", PASSWORD, ip="10.0.0.7")
    assert locked_page.status_code == 429
    assert "您所在的网络地址登录失败已达 20 次" in locked_page.content.decode()
    assert attempt(client, "lisi", PASSWORD, ip="10.0.0.8").status_code == 302


def test_a_successful_login_resets_the_accounts_counter(client):
    f.UserFactory(username="zhangsan")
    for _ in range(4):
        attempt(client, "zhangsan")
    assert attempt(client, "zhangsan", PASSWORD).status_code == 302
    client.logout()

    statuses = [attempt(client, "zhangsan").status_code for _ in range(4)]

    assert statuses == [200] * 4  # 8 failures in all, but only 4 since the success
    assert attempt(client, "zhangsan", PASSWORD).status_code == 302


def test_the_email_address_counts_as_its_account(client):
    f.UserFactory(username="zhangsan", email="zhangsan@example.com")
    attempt(client, "zhangsan")
    attempt(client, "ZhangSan@Example.com")
    attempt(client, "zhangsan@example.com")
    attempt(client, "zhangsan")

    assert attempt(client, "ZHANGSAN@example.com").status_code == 429
    assert attempt(client, "zhangsan", PASSWORD, ip="10.1.1.1").status_code == 429


def test_the_lockout_ends_after_the_cool_off_counted_from_the_last_counted_failure(client):
    f.UserFactory(username="zhangsan")
    for _ in range(5):
        attempt(client, "zhangsan")

    with clock_ahead(timedelta(minutes=10)):
        assert attempt(client, "zhangsan", PASSWORD).status_code == 429  # refused, not counted
    with clock_ahead(COOL_OFF - timedelta(seconds=5)):
        assert attempt(client, "zhangsan", PASSWORD).status_code == 429
    with clock_ahead(COOL_OFF + timedelta(seconds=5)):
        response = attempt(client, "zhangsan", PASSWORD)

    assert response.status_code == 302 and signed_in_as(client) is not None
    assert not AccessAttempt.objects.filter(username="zhangsan").exists()


def test_the_cool_off_follows_the_setting(client, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=60)
    f.UserFactory(username="zhangsan")
    for _ in range(5):
        response = attempt(client, "zhangsan")
    assert "约 60 分钟后" in response.content.decode()

    with clock_ahead(timedelta(minutes=30)):
        assert attempt(client, "zhangsan", PASSWORD).status_code == 429
    with clock_ahead(timedelta(minutes=61)):
        assert attempt(client, "zhangsan", PASSWORD).status_code == 302


def test_client_address_comes_from_the_trusted_proxy_only(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="192.168.0.10", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")

    assert client_ip(request) == "192.168.0.10"  # no trusted proxy: the header is the client's claim
    settings.INNOMARKET_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # what nginx appended, not what the client wrote
    forged = factory.get("/", REMOTE_ADDR="192.168.0.10", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_ip(forged) is None


def test_the_login_page_itself_stays_open_during_a_lockout(client):
    f.UserFactory(username="zhangsan")
    for _ in range(5):
        attempt(client, "zhangsan")

    assert client.get(SITE_LOGIN, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get(reverse("site:home"), REMOTE_ADDR="10.0.0.1").status_code == 200
