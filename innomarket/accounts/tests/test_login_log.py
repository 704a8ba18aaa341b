"""The login log (登录日志) in the back office: alliance administrators only, read-only, with unlocking."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from innomarket.accounts import services
from innomarket.accounts.models import LoginFailure, LoginFailureCount, LoginSuccess
from innomarket.common.exceptions import PermissionDenied
from innomarket.common.tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"
COUNTS = reverse("admin:accounts_loginfailurecount_changelist")
SUCCESSES = reverse("admin:accounts_loginsuccess_changelist")
FAILURES = reverse("admin:accounts_loginfailure_changelist")


@pytest.fixture(autouse=True)
def limits(settings):
    settings.INNOMARKET_LOGIN_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT = 5
    settings.INNOMARKET_LOGIN_IP_FAILURE_LIMIT = 20
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


WRONG = "not-the-password"


def attempt(client, username, password=WRONG, ip="10.0.0.1", page="/accounts/login/"):
    return client.post(page, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def history(client):
    """zhangsan locked from 10.0.0.1 (site), lisi failed once on the back office and then signed in."""
    f.UserFactory(username="zhangsan")
    f.city_admin("wuxi", username="lisi")
    for _ in range(5):
        attempt(client, "zhangsan")
    attempt(client, "lisi", ip="10.0.0.2", page="/admin/login/")
    attempt(client, "lisi", PASSWORD, ip="10.0.0.2", page="/admin/login/")
    client.logout()


def test_alliance_admin_reads_the_log_in_chinese(client, history):
    client.force_login(f.alliance_admin(username="alliance"))

    counts = client.get(COUNTS).content.decode()
    successes = client.get(SUCCESSES).content.decode()
    failures = client.get(FAILURES).content.decode()

    assert "登录失败计数" in counts and "zhangsan" in counts and "账号锁定至" in counts
    assert "10.0.0.1" in counts
    assert "登录成功记录" in successes and "lisi" in successes and "后台" in successes
    assert "登录失败记录" in failures and "触发或处于锁定" in failures and "密码错误" in failures


def test_the_log_filters_by_account_address_outcome_and_entry(client, history):
    client.force_login(f.alliance_admin(username="alliance"))

    by_name = client.get(FAILURES, {"username": "lisi"}).context["cl"].result_list
    by_address = client.get(FAILURES, {"ip_address": "10.0.0.1"}).context["cl"].result_list
    locked = client.get(FAILURES, {"outcome": "locked"}).context["cl"].result_list
    back_office = client.get(FAILURES, {"entry": "admin"}).context["cl"].result_list
    searched = client.get(COUNTS, {"q": "zhang"}).context["cl"].result_list

    assert {r.username for r in by_name} == {"lisi"} and len(by_name) == 1
    assert {r.username for r in by_address} == {"zhangsan"} and len(by_address) == 5
    assert [(r.username, r.locked_out) for r in locked] == [("zhangsan", True)]
    assert [r.username for r in back_office] == ["lisi"]
    assert [r.username for r in searched] == ["zhangsan"]


def test_city_admins_and_members_cannot_see_the_log(client, history):
    client.force_login(f.city_admin("nanjing", username="nj-admin"))
    for url in (COUNTS, SUCCESSES, FAILURES):
        assert client.get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        services.login_unlock(actor=f.city_admin("suzhou", username="sz-admin"), username="zhangsan")

    client.force_login(f.member_of(f.OrganisationFactory(), username="member"))
    for url in (COUNTS, SUCCESSES, FAILURES):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_the_log_is_read_only(client, history):
    client.force_login(f.alliance_admin(username="alliance"))
    row = LoginFailure.objects.first()
    logged = LoginSuccess.objects.count()

    detail = client.get(reverse("admin:accounts_loginfailure_change", args=[row.pk]))

    assert detail.status_code == 200 and not detail.context["has_change_permission"]
    assert (
        client.post(reverse("admin:accounts_loginfailure_delete", args=[row.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert client.get(reverse("admin:accounts_loginsuccess_add")).status_code == 403
    assert LoginSuccess.objects.count() == logged


def test_unlocking_an_account_lets_it_sign_in_again(client, history):
    assert attempt(client, "zhangsan", PASSWORD).status_code == 429
    client.force_login(f.alliance_admin(username="alliance"))
    selected = LoginFailureCount.objects.filter(username="zhangsan")

    response = client.post(
        COUNTS,
        {"action": "unlock_accounts", "_selected_action": [r.pk for r in selected], "index": 0},
        follow=True,
    )

    assert "已解除 1 个账号的锁定：zhangsan" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="zhangsan").exists()
    assert LoginFailure.objects.filter(username="zhangsan").count() == 5  # the log itself stays
    client.logout()
    assert attempt(client, "zhangsan", PASSWORD).status_code == 302


def test_unlocking_an_address(client):
    f.UserFactory(username="lisi")
    for n in range(20):
        attempt(client, f"guess{n}", ip="10.0.0.7")
    assert attempt(client, "lisi", PASSWORD, ip="10.0.0.7").status_code == 429

    removed = services.login_unlock(actor=f.alliance_admin(username="alliance"), ip_address="10.0.0.7")

    assert removed == 20
    assert attempt(client, "lisi", PASSWORD, ip="10.0.0.7").status_code == 302
