"""Tokens: hashed at rest, shown once, revocable, expiring, scoped; issued and revoked in the workspace
and the back office by the people allowed to."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from innomarket.api.models import ApiToken, Scope
from innomarket.api.services import api_token_issue, api_token_revoke
from innomarket.common.exceptions import ApplicationError, PermissionDenied
from innomarket.common.tests.factories import city

pytestmark = pytest.mark.django_db


def _me(client, key):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_only_the_sha256_of_a_key_is_stored(world):
    token, key = api_token_issue(
        actor=world.users["member_a"], name="新系统", organisation=world.org_a, scopes=[Scope.READ]
    )
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    secret = key.split("_", 2)[2]

    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert not any(secret in str(value) for value in row.values())
    assert key.startswith(row["prefix"] + "_") and len(secret) >= 40


def test_a_wrong_or_malformed_key_is_refused_not_treated_as_a_visitor(client, world):
    for header in (
        "Bearer imk_00000000_nope",
        "Bearer ",
        "Token abc",
        "Bearer " + world.keys["member_a"] + "x",
    ):
        response = client.get("/api/v1/listings/policy/", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert response.json()["code"] == "token_invalid"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_is_refused_at_once(client, world):
    token = ApiToken.objects.get(created_by=world.users["member_a"])
    assert _me(client, world.keys["member_a"]).status_code == 200

    api_token_revoke(actor=world.users["member_a"], token=token)
    response = _me(client, world.keys["member_a"])

    assert (response.status_code, response.json()["code"]) == (401, "token_revoked")
    assert response.json()["message"] == "接口令牌已撤销。"


def test_expired_token_is_refused(client, world):
    now = timezone.now()
    token, key = api_token_issue(
        actor=world.users["member_a"],
        name="临时",
        organisation=world.org_a,
        scopes=[Scope.ME_READ],
        expires_at=now + dt.timedelta(hours=1),
    )
    assert _me(client, key).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=now - dt.timedelta(seconds=1))

    response = _me(client, key)

    assert (response.status_code, response.json()["code"]) == (401, "token_expired")


def test_a_token_without_the_scope_is_refused_with_the_scope_named(client, world):
    _token, key = api_token_issue(
        actor=world.users["member_a"], name="只读", organisation=world.org_a, scopes=[Scope.READ]
    )
    me = _me(client, key)
    write = client.post(
        "/api/v1/enquiries",
        {
            "type": "achievement",
            "record_id": world.public_b["achievement"].pk,
            "subject": "问",
            "message": "问",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )

    assert (me.status_code, me.json()["code"]) == (403, "scope_required")
    assert "me:read" in me.json()["message"]
    assert (write.status_code, write.json()["code"]) == (403, "scope_required")
    assert client.get("/api/v1/listings/policy/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_last_used_is_recorded(client, world):
    token = ApiToken.objects.get(created_by=world.users["member_b"])
    assert token.last_used_at is None
    _me(client, world.keys["member_b"])
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_who_may_issue_and_revoke(world):
    users = world.users
    with pytest.raises(PermissionDenied):  # not a member of A
        api_token_issue(actor=users["member_b"], name="x", organisation=world.org_a, scopes=[Scope.READ])
    with pytest.raises(PermissionDenied):  # 无锡's administrator, 南京's token
        api_token_issue(actor=users["admin_y"], name="x", city=city("nanjing"), scopes=[Scope.READ])
    with pytest.raises(ApplicationError) as wrong_scope:  # an organisation token never reads a queue
        api_token_issue(
            actor=users["member_a"], name="x", organisation=world.org_a, scopes=[Scope.QUEUE_READ]
        )
    assert wrong_scope.value.extra["field"] == "scopes"
    with pytest.raises(ApplicationError):  # a city token never writes enquiries
        api_token_issue(
            actor=users["admin_x"], name="x", city=city("nanjing"), scopes=[Scope.ENQUIRIES_WRITE]
        )
    # The alliance issues for any city.
    api_token_issue(actor=users["alliance"], name="联盟", city=city("nanjing"), scopes=[Scope.READ])

    token_a = ApiToken.objects.get(created_by=users["member_a"])
    for outsider in ("member_b", "admin_x", "outsider"):
        with pytest.raises(PermissionDenied):
            api_token_revoke(actor=users[outsider], token=token_a)
    token_x = ApiToken.objects.get(created_by=users["admin_x"])
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=users["admin_y"], token=token_x)
    assert api_token_revoke(actor=users["alliance"], token=token_x).revoked_by == users["alliance"]


def test_workspace_issues_a_token_shows_the_key_once_and_revokes_it(client, world):
    client.force_login(world.users["member_a"])
    url = reverse("site:workspace-api-tokens", kwargs={"org_pk": world.org_a.pk})

    created = client.post(url, {"name": "小程序后台", "scopes": ["read", "me:read"]})

    assert created.status_code == 201
    key = created.context["new_key"]
    assert key in created.content.decode() and created["Cache-Control"].startswith("max-age=0")
    token = ApiToken.objects.get(name="小程序后台")
    assert (token.organisation, token.created_by, token.scopes) == (
        world.org_a,
        world.users["member_a"],
        ["read", "me:read"],
    )
    again = client.get(url).content.decode()
    assert key not in again and token.prefix in again
    assert _me(client, key).status_code == 200

    revoke = client.post(
        reverse("site:workspace-api-token-revoke", kwargs={"org_pk": world.org_a.pk, "pk": token.pk})
    )
    assert revoke.status_code == 302
    assert _me(client, key).json()["code"] == "token_revoked"


def test_workspace_token_pages_are_404_for_non_members(client, world):
    client.force_login(world.users["member_b"])
    url = reverse("site:workspace-api-tokens", kwargs={"org_pk": world.org_a.pk})
    token = ApiToken.objects.get(created_by=world.users["member_a"])

    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "x", "scopes": ["read"]}).status_code == 404
    revoke = reverse("site:workspace-api-token-revoke", kwargs={"org_pk": world.org_a.pk, "pk": token.pk})
    assert client.post(revoke).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None and not ApiToken.objects.filter(name="x").exists()


def test_workspace_refuses_a_scope_the_organisation_cannot_have(client, world):
    client.force_login(world.users["member_a"])
    url = reverse("site:workspace-api-tokens", kwargs={"org_pk": world.org_a.pk})

    response = client.post(url, {"name": "队列", "scopes": ["queue:read"]})

    assert response.status_code == 400 and not ApiToken.objects.filter(name="队列").exists()


def test_back_office_city_admin_issues_a_city_token_shown_once(client, world):
    client.force_login(world.users["admin_x"])
    add = reverse("admin:api_apitoken_add")
    form = client.get(add)
    assert form.status_code == 200
    assert list(form.context["adminform"].form.fields["city"].queryset) == [city("nanjing")]

    created = client.post(
        add, {"name": "南京科创云同步", "city": city("nanjing").pk, "scopes": ["read", "queue:read"]}
    )

    assert created.status_code == 201
    key = created.context["key"]
    assert key in created.content.decode()
    token = ApiToken.objects.get(name="南京科创云同步")
    assert (token.city, token.created_by) == (city("nanjing"), world.users["admin_x"])
    assert client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode().count(key) == 0
    queue = client.get("/api/v1/city/verification-queue", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert queue.status_code == 200 and queue.json()["city"]["slug"] == "nanjing"


def test_back_office_city_admin_sees_and_revokes_only_their_citys_tokens(client, world):
    client.force_login(world.users["admin_y"])
    changelist = client.get(reverse("admin:api_apitoken_changelist"))
    names = {t.name for t in changelist.context["cl"].result_list}
    assert names == {"无锡平台"}
    other = ApiToken.objects.get(name="南京平台")
    assert client.get(reverse("admin:api_apitoken_change", args=[other.pk])).status_code == 404

    own = ApiToken.objects.get(name="无锡平台")
    client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke_selected", "_selected_action": [own.pk, other.pk]},
    )

    own.refresh_from_db()
    other.refresh_from_db()
    assert own.revoked_by == world.users["admin_y"] and other.revoked_at is None
