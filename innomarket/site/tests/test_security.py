"""Security defaults: CSRF enforced, user text escaped, production refuses an insecure secret key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from innomarket.common.tests.factories import OrganisationFactory, member_of
from innomarket.regions.tests.helpers import make_listing

ROOT = Path(__file__).resolve().parents[3]
REAL_KEY = "k7#Vq2!pLm9@xR4$wN8^zT1&bY6*cH3(" * 2  # 64 characters, many different ones


@pytest.mark.django_db
def test_a_post_without_csrf_token_is_refused_and_changes_nothing():
    organisation = OrganisationFactory()
    user = member_of(organisation)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    url = reverse("site:workspace-listing-new", args=[organisation.pk, "policy"])
    response = client.post(url, {"title": "无令牌提交", "issuer": "某委", "support_type": "funding"})
    assert response.status_code == 403
    from innomarket.policies.models import Policy

    assert not Policy.objects.filter(title="无令牌提交").exists()


@pytest.mark.django_db
def test_user_text_is_escaped_on_public_pages(client):
    policy = make_listing(
        "policy",
        city="nanjing",
        title="<script>alert(1)</script>政策",
        summary="<img src=x onerror=alert(2)>",
    )
    body = client.get(policy.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<img src=x" not in body
    listing = client.get(reverse("policies:list") + "?q=政策").content.decode()
    assert "<script>alert(1)</script>" not in listing


@pytest.mark.parametrize(
    "env,message",
    [
        ({"INNOMARKET_PRODUCTION": "1"}, "DJANGO_SECRET_KEY"),
        ({"INNOMARKET_PRODUCTION": "1", "DJANGO_SECRET_KEY": "k" * 50}, "DJANGO_SECRET_KEY"),
        ({"INNOMARKET_PRODUCTION": "1", "DJANGO_SECRET_KEY": REAL_KEY, "DJANGO_DEBUG": "1"}, "DJANGO_DEBUG"),
        ({"INNOMARKET_PRODUCTION": "1", "DJANGO_SECRET_KEY": REAL_KEY}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(env, message):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "INNOMARKET_"))}
    proc = subprocess.run(  # noqa: S603 - the test interpreter importing our own settings
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    assert "ImproperlyConfigured" in proc.stderr and message in proc.stderr


def test_production_starts_with_a_real_secret_key():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "INNOMARKET_"))}
    proc = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import config.settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)",
        ],
        cwd=ROOT,
        env={
            **clean,
            "INNOMARKET_PRODUCTION": "1",
            "DJANGO_SECRET_KEY": REAL_KEY,
            "DJANGO_ALLOWED_HOSTS": "innomarket.example.org",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "True True"
