"""Checks every public list and detail page must pass, shared by the apps' ``test_views.py``.

Each app calls them for its own listing types (``pytest.mark.parametrize("type_key", [...])``).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from innomarket.catalog import LISTING_TYPES
from innomarket.common.tests.factories import field_tag
from innomarket.regions.tests.helpers import make_listing

__all__ = [
    "assert_detail_hides_unpublished",
    "assert_detail_renders",
    "assert_invalid_filters_do_not_fail",
    "assert_list_filters_by_city",
    "assert_list_hides_unpublished",
    "assert_list_renders",
    "assert_pagination_keeps_filters",
    "make_listing",
    "unpublished_statuses",
]


def unpublished_statuses(type_key: str) -> list[str]:
    """draft, submitted and the workflow's rejected state (``returned`` for challenges)."""
    workflow = LISTING_TYPES[type_key].model.WORKFLOW
    return ["draft", workflow.submitted, workflow.rejected]


def list_url(type_key: str) -> str:
    return reverse(LISTING_TYPES[type_key].list_url)


def detail_url(type_key: str, obj: Any) -> str:
    return reverse(LISTING_TYPES[type_key].detail_url, kwargs={"pk": obj.pk})


def assert_list_renders(client, type_key: str) -> None:
    record = make_listing(type_key, city="nanjing", title="列表渲染测试记录")
    record.fields.add(field_tag("ai"))
    url = list_url(type_key)

    plain = client.get(url)
    assert plain.status_code == 200
    body = plain.content.decode()
    assert "列表渲染测试记录" in body
    assert 'class="badge badge-sample"' in body  # make_listing marks records as samples
    assert "<details" in body  # filters collapse on phones

    filtered = client.get(url, {"city": "nanjing", "field": "ai", "q": "渲染", "sort": ""})
    assert filtered.status_code == 200
    assert "列表<mark>渲染</mark>测试记录" in filtered.content.decode()  # the keyword is marked


def assert_list_filters_by_city(client, type_key: str) -> None:
    make_listing(type_key, city="nanjing", title="南京城市筛选记录")
    make_listing(type_key, city="wuxi", title="无锡城市筛选记录")

    body = client.get(list_url(type_key), {"city": "nanjing"}).content.decode()

    assert "南京城市筛选记录" in body
    assert "无锡城市筛选记录" not in body


def assert_list_hides_unpublished(client, type_key: str) -> None:
    make_listing(type_key, city="nanjing", title="已发布可见记录")
    for status in unpublished_statuses(type_key):
        make_listing(type_key, city="nanjing", title=f"不应公开记录{status}", status=status)

    body = client.get(list_url(type_key)).content.decode()

    assert "已发布可见记录" in body
    assert "不应公开记录" not in body


def assert_detail_renders(client, type_key: str) -> Any:
    owner = make_listing("organisation", city="nanjing", title="详情页发布机构")
    extra = {} if type_key == "organisation" else {"owner": owner}
    record = make_listing(
        type_key, city="nanjing", title="详情页测试记录", source_note="某某公开文件", **extra
    )
    record.fields.add(field_tag("ai"))

    response = client.get(detail_url(type_key, record))

    assert response.status_code == 200
    body = response.content.decode()
    assert "详情页测试记录" in body
    assert '<dl class="facts' in body
    assert "本条为演示用示例数据" in body
    # A sample's source is "示例数据" and nothing more: how it was made is internal.
    assert "示例数据" in body and "某某公开文件" not in body
    assert reverse(LISTING_TYPES[type_key].list_url) in body  # breadcrumb back to the list
    assert "人工智能" in body
    if type_key != "organisation":
        assert owner.get_absolute_url() in body
    fact = make_listing(
        type_key, city="nanjing", title="详情页真实记录", source_note="某某公开文件", is_sample=False, **extra
    )
    fact_body = client.get(detail_url(type_key, fact)).content.decode()
    assert "某某公开文件" in fact_body and "本条为演示用示例数据" not in fact_body
    return response


def assert_detail_hides_unpublished(client, type_key: str) -> None:
    for status in unpublished_statuses(type_key):
        record = make_listing(type_key, city="nanjing", status=status)
        assert client.get(detail_url(type_key, record)).status_code == 404, status


def assert_invalid_filters_do_not_fail(client, type_key: str) -> None:
    make_listing(type_key, city="nanjing", title="无效筛选仍显示")
    url = list_url(type_key)
    bad = {
        "city": "atlantis",
        "field": "no-such-field",
        "page": "abc",
        "sort": "sideways",
        "owner": "x",
        "kind": "zzz",
        "status": "draft",
        "q": "无效筛选",
    }

    response = client.get(url, bad)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<mark>无效筛选</mark>仍显示" in body  # invalid values are ignored, the rest still applies
    assert "atlantis" in body and "已忽略" in body
    assert client.get(url, {"page": "999"}).status_code == 200
    assert client.get(url, {"owner": "99999999999999999999999"}).status_code == 200


def assert_pagination_keeps_filters(client, settings, type_key: str) -> None:
    settings.INNOMARKET_PAGE_SIZE = 2
    for n in range(5):
        make_listing(type_key, city="nanjing", title=f"分页记录{n}")
    make_listing(type_key, city="wuxi", title="分页无锡记录")

    first = client.get(list_url(type_key), {"city": "nanjing"}).content.decode()
    assert "city=nanjing&amp;page=2" in first

    second = client.get(list_url(type_key), {"city": "nanjing", "page": "2"})
    assert second.status_code == 200
    body = second.content.decode()
    assert "分页无锡记录" not in body
    assert body.count('class="card listing-card"') == 2
