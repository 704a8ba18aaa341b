"""The permission matrix: every endpoint × every role (visitor, member of A, member of B, city admin of X
= 南京, city admin of Y = 无锡, alliance), with no leak of a private record, a confidential part, a hidden
phone number or another organisation's enquiry."""

from __future__ import annotations

import json

import pytest

from innomarket.catalog import LISTING_TYPES
from innomarket.enquiries.models import Enquiry

from .conftest import CONFIDENTIAL, PHONE, PRIVATE, ROLES

pytestmark = pytest.mark.django_db

TOKEN_ROLES = tuple(r for r in ROLES if r != "visitor")


def _get(client, world, role, path, **params):
    return client.get(path, params, **world.headers(role))


def _assert_no_leak(response) -> None:
    text = response.content.decode()
    assert PRIVATE not in text, text[:500]
    assert CONFIDENTIAL not in text, text[:500]
    assert PHONE not in text, text[:500]


def test_public_reads_are_the_same_for_every_role_and_show_only_public_records(client, world):
    for role in ROLES:
        for path in ("/api/v1/types", "/api/v1/cities", "/api/v1/fields"):
            response = _get(client, world, role, path)
            assert response.status_code == 200, (role, path)
            _assert_no_leak(response)
        for type_key in LISTING_TYPES:
            listing = _get(client, world, role, f"/api/v1/listings/{type_key}/", limit=100)
            assert listing.status_code == 200, (role, type_key)
            _assert_no_leak(listing)
            ids = {item["id"] for item in listing.json()["items"]}
            expected = {world.public[type_key].pk, world.public_b[type_key].pk}
            assert expected <= ids, (role, type_key)
            assert not ids & {r.pk for r in world.private[type_key]}, (role, type_key)

            detail = _get(client, world, role, f"/api/v1/listings/{type_key}/{world.public[type_key].pk}/")
            assert detail.status_code == 200, (role, type_key)
            _assert_no_leak(detail)
            for record in world.private[type_key]:
                hidden = _get(client, world, role, f"/api/v1/listings/{type_key}/{record.pk}/")
                assert hidden.status_code == 404, (role, type_key, record.status)
                assert hidden.json() == {
                    "code": "not_found",
                    "message": "记录不存在或未公开。",
                    "field": None,
                }


def test_people_summaries_hide_phone_numbers_like_their_pages(client, world):
    for type_key in ("expert", "techmanager"):
        body = client.get(f"/api/v1/listings/{type_key}/{world.public[type_key].pk}/").json()
        assert "【电话已隐藏，请通过平台联系】" in body["summary"]
        assert "【电话已隐藏，请通过平台联系】" in body["prose"]["summary"]


def test_challenge_detail_is_the_public_teaser_only(client, world):
    body = client.get(f"/api/v1/listings/challenge/{world.public['challenge'].pk}/").json()
    assert not {"problem_statement", "indicators", "acceptance_criteria", "constraints"} & (
        set(body) | set(body["attributes"]) | set(body["prose"])
    )
    assert CONFIDENTIAL not in json.dumps(body, ensure_ascii=False)


def test_me_needs_a_token_and_describes_only_its_holder(client, world):
    assert _get(client, world, "visitor", "/api/v1/me").status_code == 401
    expected = {
        "member_a": ("member-a", "甲科技公司", None),
        "member_b": ("member-b", "乙研究院", None),
        "admin_x": ("admin-x", None, "nanjing"),
        "admin_y": ("admin-y", None, "wuxi"),
        "alliance": ("alliance", None, "suzhou"),
    }
    for role, (_username, org_name, city_slug) in expected.items():
        response = _get(client, world, role, "/api/v1/me")
        assert response.status_code == 200, role
        body = response.json()
        assert body["user"]["id"] == world.users[role].pk
        assert (body["token"]["organisation"] or {}).get("name") == org_name
        assert (body["token"]["city"] or {}).get("slug") == city_slug
        assert "key_hash" not in json.dumps(body) and world.keys[role] not in json.dumps(body)


def _enquiry_ids(client, world, role, box):
    response = _get(client, world, role, "/api/v1/me/enquiries", box=box)
    return response.status_code, {e["id"] for e in response.json().get("items", [])}


def test_enquiries_are_visible_only_to_the_two_sides(client, world):
    enquiry = world.enquiry_b_to_a
    # A received it, B sent it; nobody else sees it in any box or by id.
    assert _enquiry_ids(client, world, "member_a", "received") == (200, {enquiry.pk})
    assert _enquiry_ids(client, world, "member_b", "sent") == (200, {enquiry.pk})
    for role in TOKEN_ROLES:
        for box in ("received", "sent"):
            if (role, box) in {("member_a", "received"), ("member_b", "sent")}:
                continue
            assert _enquiry_ids(client, world, role, box) == (200, set()), (role, box)
    assert _get(client, world, "visitor", "/api/v1/me/enquiries").status_code == 401

    for role in ROLES:
        response = _get(client, world, role, f"/api/v1/me/enquiries/{enquiry.pk}/")
        if role in ("member_a", "member_b"):
            assert response.status_code == 200, role
            assert [m["body"] for m in response.json()["messages"]] == ["请介绍许可条件。"]
        else:
            # The city's administrator supervises enquiries in the back office, not through a token.
            assert response.status_code == (401 if role == "visitor" else 404), role


def _post_enquiry(client, world, role, record, **extra):
    payload = {
        "type": extra.pop("type", "achievement"),
        "record_id": record.pk,
        "subject": "合作咨询",
        "message": "请联系。",
    }
    payload.update(extra)
    return client.post("/api/v1/enquiries", payload, content_type="application/json", **world.headers(role))


def test_enquiry_writes_check_scope_and_per_object_permission(client, world):
    on_a, on_b = world.public["achievement"], world.public_b["achievement"]
    outcomes = {role: _post_enquiry(client, world, role, on_b) for role in ROLES}

    assert outcomes["visitor"].status_code == 401
    assert outcomes["member_a"].status_code == 201
    for role in ("admin_x", "admin_y", "alliance"):  # city tokens never carry enquiries:write
        assert outcomes[role].status_code == 403 and outcomes[role].json()["code"] == "scope_required", role
    own = _post_enquiry(client, world, "member_b", on_b)  # B asking about its own record
    assert (own.status_code, own.json()["code"]) == (400, "enquiry_own_record")
    again = _post_enquiry(client, world, "member_b", on_a)  # B already has an open one on A's record
    assert (again.status_code, again.json()["code"]) == (409, "enquiry_already_open")
    private = _post_enquiry(client, world, "member_a", world.private["achievement"][0])
    assert private.status_code == 404

    created = Enquiry.objects.get(pk=outcomes["member_a"].json()["id"])
    assert (created.author, created.author_organisation, created.owner) == (
        world.users["member_a"],
        world.org_a,
        world.org_b,
    )
    assert Enquiry.objects.count() == 2  # only the setup's and member A's


def test_a_member_who_left_the_organisation_cannot_write_in_its_name(client, world):
    world.users["member_a"].membership_set.all().delete()
    response = _post_enquiry(client, world, "member_a", world.public_b["achievement"])
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert _enquiry_ids(client, world, "member_a", "received") == (200, set())


def test_verification_queue_counts_only_for_the_tokens_own_city(client, world):
    outcomes = {role: _get(client, world, role, "/api/v1/city/verification-queue") for role in ROLES}

    assert outcomes["visitor"].status_code == 401
    for role in ("member_a", "member_b"):
        assert outcomes[role].status_code == 403 and outcomes[role].json()["code"] == "scope_required"
    nanjing = outcomes["admin_x"].json()
    assert nanjing["city"]["slug"] == "nanjing"
    # One submitted record of every kind in 南京 (the private organisation included).
    assert {k["type"]: k["count"] for k in nanjing["kinds"]} == dict.fromkeys(LISTING_TYPES, 1)
    assert outcomes["admin_y"].json()["city"]["slug"] == "wuxi" and outcomes["admin_y"].json()["total"] == 0
    assert outcomes["alliance"].json()["city"]["slug"] == "suzhou"
    for role in ROLES:
        _assert_no_leak(outcomes[role])


def test_a_city_token_stops_working_for_the_queue_when_its_holder_is_no_longer_city_admin(client, world):
    from innomarket.accounts.services import user_revoke_admin

    user_revoke_admin(user=world.users["admin_x"])
    response = _get(client, world, "admin_x", "/api/v1/city/verification-queue")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_every_operation_is_covered_by_this_matrix(client):
    """A new operation must be added here (and to the matrix) before it ships."""
    paths = set(client.get("/api/v1/openapi.json").json()["paths"])
    listing_paths = {f"/api/v1/listings/{k}/" for k in LISTING_TYPES} | {
        f"/api/v1/listings/{k}/{{id}}/" for k in LISTING_TYPES
    }
    assert paths - listing_paths == {
        "/api/v1/types",
        "/api/v1/cities",
        "/api/v1/fields",
        "/api/v1/me",
        "/api/v1/me/enquiries",
        "/api/v1/me/enquiries/{id}/",
        "/api/v1/enquiries",
        "/api/v1/city/verification-queue",
    }
