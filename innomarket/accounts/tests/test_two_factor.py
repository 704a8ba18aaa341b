"""两步验证 (TOTP, django-otp): setup with a QR code, the code after the password, recovery codes,
throttling, and the required mode for administrators. Codes are computed from the device's key."""

import re
from base64 import b32encode
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from innomarket.accounts import services
from innomarket.common.exceptions import ApplicationError, PermissionDenied
from innomarket.common.tests import factories as f

from .clock import clock_ahead

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"
SETUP = "/accounts/2fa/"
VERIFY = "/accounts/2fa/verify/"


def code(device, drift=0):
    """The code the person's authenticator shows (``drift`` steps of 30 s ahead)."""
    return f"{totp(device.bin_key, step=device.step, digits=device.digits, drift=drift):06d}"


def wrong_code(device):
    valid = {code(device, d) for d in range(-2, 3)}
    return next(c for c in ("123456", "654321", "111111") if c not in valid)


def sign_in(client, username):
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def with_device(user):
    """A confirmed authenticator (confirmed with the current step's code) and the recovery codes."""
    device = services.totp_device_start(user=user)
    _, codes = services.totp_device_confirm(user=user, code=code(device))
    device.refresh_from_db()
    return device, codes


def test_setup_shows_a_qr_code_and_the_secret_and_a_code_confirms_it(client):
    admin = f.city_admin("nanjing", username="nj-admin")
    client.force_login(admin)

    page = client.get(SETUP)

    assert page.status_code == 200
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert "<svg" in html and "<script" not in html.split("<main", 1)[-1].split("</main>")[0]
    secret = b32encode(device.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
    assert (device.step, device.digits, device.tolerance) == (30, 6, 1)
    assert client.get(SETUP).status_code == 200 and TOTPDevice.objects.filter(user=admin).count() == 1

    refused = client.post(SETUP, {"code": wrong_code(device)})
    assert refused.status_code == 200 and "验证码不正确" in refused.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    with clock_ahead(timedelta(seconds=5)):  # past the one-second wait the wrong code earned
        done = client.post(SETUP, {"code": code(device)})

    assert done.status_code == 200
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(shown) == 10
    assert set(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True)) == set(shown)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/admin/").status_code == 200  # this session is verified
    assert "剩余备用码 10 个" in client.get(SETUP).content.decode()


def test_after_the_password_an_administrator_with_a_device_enters_a_code_first(client):
    admin = f.city_admin("nanjing", username="nj-admin")
    device, _ = with_device(admin)

    sign_in(client, "nj-admin")

    for path in ("/admin/", "/workspace/", "/admin/policies/policy/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url == f"{VERIFY}?next={path.replace('/', '%2F')}"
    refused = client.post(VERIFY, {"code": wrong_code(device), "next": "/admin/"})
    assert refused.status_code == 200 and "验证码不正确" in refused.content.decode()
    assert client.get("/admin/").status_code == 302

    with clock_ahead(timedelta(seconds=5)):
        accepted = client.post(VERIFY, {"code": code(device, drift=1), "next": "/admin/"})

    assert accepted.status_code == 302 and accepted.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/workspace/").status_code == 200


def test_a_code_is_accepted_once(client):
    admin = f.city_admin("nanjing", username="nj-admin")
    device, _ = with_device(admin)
    sign_in(client, "nj-admin")
    the_code = code(device, drift=1)
    assert client.post(VERIFY, {"code": the_code}).status_code == 302
    client.post("/accounts/logout/")

    sign_in(client, "nj-admin")
    with clock_ahead(timedelta(seconds=5)):
        replay = client.post(VERIFY, {"code": the_code})

    assert replay.status_code == 200 and client.get("/admin/").status_code == 302


def test_repeated_wrong_codes_are_throttled_even_the_right_one_waits(client):
    admin = f.alliance_admin(username="alliance")
    device, _ = with_device(admin)
    sign_in(client, "alliance")
    # Waits of 1, 2, 4 … seconds after successive failures: three wrong codes, each after the wait.
    for seconds in (0, 2, 5):
        with clock_ahead(timedelta(seconds=seconds)):
            client.post(VERIFY, {"code": wrong_code(device)})
    device.refresh_from_db()
    assert device.throttling_failure_count == 3

    with clock_ahead(timedelta(seconds=6)):  # within the 4 seconds' wait after the third
        throttled = client.post(VERIFY, {"code": code(device, drift=1)})
        quick_guess = client.post(VERIFY, {"code": wrong_code(device)})

    assert throttled.status_code == 200 and "验证码错误次数过多" in throttled.content.decode()
    assert "验证码错误次数过多" in quick_guess.content.decode()
    assert client.get("/admin/").status_code == 302
    with clock_ahead(timedelta(seconds=10)):
        assert client.post(VERIFY, {"code": code(device, drift=1)}).status_code == 302
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_recovery_code_works_once(client):
    admin = f.city_admin("suzhou", username="sz-admin")
    _, codes = with_device(admin)

    sign_in(client, "sz-admin")
    assert client.post(VERIFY, {"code": codes[0].upper()}).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post("/accounts/logout/")
    sign_in(client, "sz-admin")

    with clock_ahead(timedelta(seconds=5)):
        again = client.post(VERIFY, {"code": codes[0]})
        assert again.status_code == 200 and client.get("/admin/").status_code == 302
    with clock_ahead(timedelta(seconds=10)):
        assert client.post(VERIFY, {"code": codes[1]}).status_code == 302
    assert StaticToken.objects.filter(device__user=admin).count() == 8


def test_required_mode_sends_an_administrator_without_a_device_to_set_one_up(client, settings):
    settings.INNOMARKET_ADMIN_2FA_REQUIRED = True
    f.city_admin("nanjing", username="nj-admin")
    member = f.member_of(f.OrganisationFactory(), username="member")

    sign_in(client, "nj-admin")
    to_admin = client.get("/admin/")
    to_workspace = client.get("/workspace/")

    assert to_admin.status_code == 302 and to_admin.url == f"{SETUP}?next=%2Fadmin%2F"
    assert to_workspace.status_code == 302 and to_workspace.url.startswith(SETUP)
    assert client.get(SETUP).status_code == 200
    client.post("/accounts/logout/")
    sign_in(client, member.username)
    assert client.get("/workspace/").status_code == 200  # members are not required to


def test_optional_mode_lets_an_administrator_without_a_device_in(client, settings):
    settings.INNOMARKET_ADMIN_2FA_REQUIRED = False
    f.city_admin("nanjing", username="nj-admin")
    sign_in(client, "nj-admin")

    assert client.get("/admin/").status_code == 200


def test_a_member_may_turn_it_on_and_then_needs_a_code(client):
    member = f.member_of(f.OrganisationFactory(), username="member")
    client.force_login(member)
    device = services.totp_device_start(user=member)
    client.post(SETUP, {"code": code(device)})
    client.post("/accounts/logout/")

    sign_in(client, "member")

    assert client.get("/workspace/").status_code == 302
    assert client.post(VERIFY, {"code": code(device, drift=1)}).status_code == 302
    assert client.get("/workspace/").status_code == 200


def test_turning_it_off_needs_a_code_and_is_refused_to_required_administrators(client, settings):
    member = f.member_of(f.OrganisationFactory(), username="member")
    device, _ = with_device(member)
    with pytest.raises(ApplicationError):
        services.second_factor_disable(user=member, code=wrong_code(device))
    with clock_ahead(timedelta(seconds=5)):
        services.second_factor_disable(user=member, code=code(device, drift=1))
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert not StaticDevice.objects.filter(user=member).exists()

    settings.INNOMARKET_ADMIN_2FA_REQUIRED = True
    admin = f.city_admin("nanjing", username="nj-admin")
    admin_device, _ = with_device(admin)
    with pytest.raises(ApplicationError) as refused:
        services.second_factor_disable(user=admin, code=code(admin_device, drift=1))
    assert refused.value.code == "otp_required"
    assert TOTPDevice.objects.filter(user=admin).exists()


def test_new_recovery_codes_replace_the_old_ones(client):
    member = f.member_of(f.OrganisationFactory(), username="member")
    device, old = with_device(member)
    client.force_login(member)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()

    page = client.post(reverse("accounts:2fa_recovery_codes"), {"codes-code": code(device, drift=1)})

    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page.content.decode())
    assert len(new) == 10
    tokens = set(StaticToken.objects.filter(device__user=member).values_list("token", flat=True))
    assert tokens == set(new) and not tokens & set(old)


def test_a_lost_device_is_reset_by_the_alliance_only(client):
    admin = f.city_admin("nanjing", username="nj-admin")
    other = f.city_admin("suzhou", username="sz-admin")
    alliance = f.alliance_admin(username="alliance")
    with_device(admin)

    with pytest.raises(PermissionDenied):
        services.second_factor_reset(user=admin, actor=other)
    assert TOTPDevice.objects.filter(user=admin).exists()

    client.force_login(alliance)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [admin.pk], "index": 0},
    )
    assert not TOTPDevice.objects.filter(user=admin).exists()
    assert not StaticDevice.objects.filter(user=admin).exists()


def test_reset_2fa_command(capsys):
    admin = f.city_admin("nanjing", username="nj-admin")
    with_device(admin)

    call_command("reset_2fa", "nj-admin")

    assert not TOTPDevice.objects.filter(user=admin).exists()
    assert "nj-admin" in capsys.readouterr().out
