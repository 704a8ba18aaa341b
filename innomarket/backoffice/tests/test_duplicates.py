"""疑似重复机构 page: who sees which pairs, who may merge, and the merge through the page."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from innomarket.common.tests.factories import OrganisationFactory, UserFactory, city

pytestmark = pytest.mark.django_db

LIST_URL = "admin:organisations_duplicates"
MERGE_URL = "admin:organisations_merge"


@pytest.fixture
def pairs():
    """A pair across 南京/苏州, a pair inside 南京, a pair inside 无锡."""
    return {
        "cross": (
            OrganisationFactory(name="上海嬴彻科技有限公司", city=city("suzhou")),
            OrganisationFactory(name="嬴彻科技（上海）有限公司", city=city("nanjing")),
        ),
        "nanjing": (
            OrganisationFactory(name="南京擎天科技股份有限公司", city=city("nanjing")),
            OrganisationFactory(name="南京擎天科技有限责任公司", city=city("nanjing")),
        ),
        "wuxi": (
            OrganisationFactory(name="无锡芯朋微电子股份有限公司", city=city("wuxi")),
            OrganisationFactory(name="无锡芯朋微电子有限公司", city=city("wuxi")),
        ),
    }


def shown(response) -> set[tuple[int, int]]:
    return {(row.candidate.a.pk, row.candidate.b.pk) for row in response.context["rows"]}


def mergeable(response) -> set[tuple[int, int]]:
    return {(row.candidate.a.pk, row.candidate.b.pk) for row in response.context["rows"] if row.can_merge}


def ids(pair) -> tuple[int, int]:
    return (pair[0].pk, pair[1].pk)


def merge_data(pair, keep, reason="同一家企业") -> dict[str, str]:
    return {"a": pair[0].pk, "b": pair[1].pk, "keep": keep.pk, "reason": reason}


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(reverse(LIST_URL))
    assert response.status_code == 302 and "login" in response.url


def test_staff_without_an_administrator_role_is_refused(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse(LIST_URL)).status_code == 403
    assert client.post(reverse(MERGE_URL), {}).status_code == 403


def test_alliance_administrator_sees_and_may_merge_every_pair(client, alliance, pairs):
    client.force_login(alliance)
    response = client.get(reverse(LIST_URL))
    assert response.status_code == 200
    everything = {ids(p) for p in pairs.values()}
    assert shown(response) == mergeable(response) == everything
    page = response.content.decode()
    assert "疑似重复机构" in page and "名称规范化后相同：擎天科技" in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_city_administrator_sees_pairs_touching_their_city_and_merges_only_their_own(
    client, nanjing_admin, pairs
):
    client.force_login(nanjing_admin)
    response = client.get(reverse(LIST_URL))
    assert shown(response) == {ids(pairs["cross"]), ids(pairs["nanjing"])}
    assert mergeable(response) == {ids(pairs["nanjing"])}
    assert "请联系联盟管理员或该城市的管理员合并" in response.content.decode()


def test_side_by_side_shows_listings_members_and_credit_code(client, alliance):
    from innomarket.common.tests.factories import member_of
    from innomarket.regions.tests.helpers import make_listing

    a = OrganisationFactory(name="南京擎天科技股份有限公司", credit_code="91320100MA1FL1XQ3B")
    OrganisationFactory(name="南京擎天科技有限责任公司")
    make_listing("policy", city="nanjing", owner=a)
    make_listing("space", city="nanjing", owner=a, status="draft")
    member_of(a)
    client.force_login(alliance)
    response = client.get(reverse(LIST_URL))
    [row] = response.context["rows"]
    side_a = row.sides[0]
    assert (side_a["org"], side_a["listings"], side_a["members"]) == (a, 2, 1)
    assert "91320100MA1FL1XQ3B" in response.content.decode()


def test_names_are_escaped(client, alliance):
    OrganisationFactory(name="<script>alert(1)</script>科技有限公司")
    OrganisationFactory(name="<script>alert(1)</script>科技股份有限公司", city=city("suzhou"))
    client.force_login(alliance)
    page = client.get(reverse(LIST_URL)).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_merge_through_the_page(client, alliance, pairs):
    keep, remove = pairs["cross"][1], pairs["cross"][0]
    client.force_login(alliance)
    response = client.post(reverse(MERGE_URL), merge_data(pairs["cross"], keep))
    assert response.status_code == 302 and response.url == reverse(LIST_URL)
    [message] = texts(response)
    assert "已将“上海嬴彻科技有限公司”" in message and "合并至“嬴彻科技（上海）有限公司”" in message
    remove.refresh_from_db()
    assert remove.status == "archived" and f"(#{keep.pk})" in remove.status_reason
    assert ids(pairs["cross"]) not in shown(client.get(reverse(LIST_URL)))


def test_city_administrator_cannot_merge_a_pair_across_cities(client, nanjing_admin, pairs):
    keep, remove = pairs["cross"][1], pairs["cross"][0]
    client.force_login(nanjing_admin)
    response = client.post(reverse(MERGE_URL), merge_data(pairs["cross"], keep))
    assert response.status_code == 302
    assert any("同时管理这两家机构所在城市" in m for m in texts(response))
    remove.refresh_from_db()
    assert remove.status == "published"


def test_city_administrator_merges_a_pair_of_their_city(client, nanjing_admin, pairs):
    keep, remove = pairs["nanjing"]
    client.force_login(nanjing_admin)
    client.post(reverse(MERGE_URL), merge_data(pairs["nanjing"], keep))
    remove.refresh_from_db()
    assert remove.status == "archived"


def test_keep_must_be_one_of_the_pair(client, alliance, pairs):
    client.force_login(alliance)
    stranger = pairs["wuxi"][0]
    response = client.post(reverse(MERGE_URL), merge_data(pairs["cross"], stranger))
    assert any("保留的机构必须是这一对中的一家" in m for m in texts(response))
    response = client.post(reverse(MERGE_URL), {"a": pairs["cross"][0].pk, "b": pairs["cross"][1].pk})
    assert any("请选择保留哪一家机构" in m for m in texts(response))
    for org in pairs["cross"]:
        org.refresh_from_db()
        assert org.status == "published"


def test_merge_needs_post_and_a_csrf_token(alliance, pairs):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alliance)
    assert client.get(reverse(MERGE_URL)).status_code == 405
    response = client.post(reverse(MERGE_URL), merge_data(pairs["cross"], pairs["cross"][0]))
    assert response.status_code == 403
    pairs["cross"][1].refresh_from_db()
    assert pairs["cross"][1].status == "published"
