"""Sign-up, sign-in (by user name or e-mail), sign-out and password change through the client."""

import pytest
from django.urls import reverse

from innomarket.accounts.models import User
from innomarket.common.tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "Chuangxin-Jishi-2025"


def signup_data(**overrides):
    data = {
        "username": "zhangsan",
        "name": "张三",
        "email": "zhangsan@example.com",
        "phone": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def test_signup_page_renders_a_csrf_protected_form(client):
    response = client.get(reverse("accounts:signup"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "csrfmiddlewaretoken" in html
    assert 'name="password2"' in html
    assert "姓名" in html


def test_signup_creates_the_user_logs_in_and_goes_to_the_workspace(client):
    response = client.post(reverse("accounts:signup"), signup_data(phone="13800000000"))
    assert response.status_code == 302
    assert response.url == reverse("site:workspace")
    user = User.objects.get(username="zhangsan")
    assert (user.name, user.email, user.phone) == ("张三", "zhangsan@example.com", "13800000000")
    assert user.check_password(PASSWORD)
    assert not user.is_staff
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("site:workspace")).status_code == 200


def test_signup_follows_a_safe_next_and_ignores_an_external_one(client):
    response = client.post(reverse("accounts:signup") + "?next=/workspace/challenge/new/", signup_data())
    assert response.url == "/workspace/challenge/new/"
    client.logout()
    response = client.post(
        reverse("accounts:signup") + "?next=https://evil.example.com/",
        signup_data(username="lisi", email="lisi@example.com"),
    )
    assert response.url == reverse("site:workspace")


def test_signup_rejects_a_duplicate_email_case_insensitively(client):
    f.UserFactory(username="existing", email="ZhangSan@Example.com")
    response = client.post(reverse("accounts:signup"), signup_data())
    assert response.status_code == 200
    form = response.context["form"]
    assert "该电子邮箱已注册" in form.errors["email"][0]
    assert not User.objects.filter(username="zhangsan").exists()
    assert "该电子邮箱已注册" in response.content.decode()


def test_signup_rejects_a_duplicate_user_name(client):
    f.UserFactory(username="ZhangSan")
    response = client.post(reverse("accounts:signup"), signup_data())
    assert "username" in response.context["form"].errors


def test_signup_errors_stay_on_their_fields(client):
    response = client.post(
        reverse("accounts:signup"), signup_data(name="", email="not-an-email", password2="something-else-9")
    )
    errors = response.context["form"].errors
    assert set(errors) >= {"name", "email", "password2"}
    assert not User.objects.exists()


def test_signup_applies_the_password_validators(client):
    response = client.post(
        reverse("accounts:signup"), signup_data(password1="12345678", password2="12345678")
    )
    assert "password2" in response.context["form"].errors
    assert not User.objects.exists()


def test_login_by_user_name(client):
    user = f.UserFactory(username="wangwu", password=PASSWORD)
    response = client.post(reverse("accounts:login"), {"username": "wangwu", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("site:workspace")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_by_email_ignores_case(client):
    user = f.UserFactory(username="wangwu", email="wangwu@example.com", password=PASSWORD)
    response = client.post(
        reverse("accounts:login") + "?next=/workspace/",
        {"username": "WangWu@Example.com", "password": PASSWORD, "next": "/workspace/"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_a_wrong_password_says_so(client):
    f.UserFactory(username="wangwu", password=PASSWORD)
    response = client.post(reverse("accounts:login"), {"username": "wangwu", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名/电子邮箱或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only(client):
    client.force_login(f.UserFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change(client):
    user = f.UserFactory(password=PASSWORD)
    assert client.get(reverse("accounts:password_change")).status_code == 302  # login first
    client.force_login(user)
    assert client.get(reverse("accounts:password_change")).status_code == 200
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Another-Secret-2026",
            "new_password2": "Another-Secret-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Another-Secret-2026")
