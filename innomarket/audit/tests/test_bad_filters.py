"""The audit log's list page never fails on a filter value typed by hand: a bad one is dropped with a
Chinese notice (a redirect to the page without it), a good one still filters."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from innomarket import audit
from innomarket.audit.selectors import history_for
from innomarket.regions.tests.helpers import make_listing

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:audit_auditentry_changelist"

BAD = [
    ({"content_type": "²"}, "数据类型"),  # the report: "²".isdigit() is True, int("²") raises
    ({"content_type": "abc"}, "数据类型"),
    ({"content_type": "-1"}, "数据类型"),
    ({"content_type": "999999"}, "数据类型"),  # an id of no tracked type
    ({"content_type": "99999999999999999999999"}, "数据类型"),  # beyond a database integer
    ({"action__exact": "explode"}, "操作"),
    ({"city__id__exact": "²"}, "城市"),
    ({"city__id__exact": "x"}, "城市"),
    ({"city__id__exact": "99999"}, "城市"),
    ({"created_at__gte": "yesterday"}, "时间"),
    ({"created_at__lt": "2025-13-45"}, "时间"),
    ({"object_id": "³"}, "记录编号"),
    ({"object_id": "99999999999999999999999"}, "记录编号"),
    ({"p": "²"}, "页码"),
    ({"q": "南京\x00"}, "检索词"),
    ({"foo": "bar"}, "未知参数“foo”"),
]


def test_bad_filter_values_are_dropped_with_a_chinese_notice(client, alliance):
    with audit.actor(alliance):
        make_listing("policy", city="nanjing", title="南京算力券政策")
    client.force_login(alliance)

    for params, label in BAD:
        query = params if "action__exact" in params else {**params, "action__exact": "create"}
        response = client.get(reverse(CHANGELIST), query)

        assert response.status_code == 302, params
        kept = response["Location"]
        assert all(f"{name}=" not in kept for name in params), (params, kept)
        notices = [str(m) for m in get_messages(response.wsgi_request)]
        assert notices == [f"已忽略无效的筛选条件：{label}。请从右侧的筛选栏重新选择。"], params
        # The good filter stays and the page it leads to renders.
        if "action__exact" not in params:
            assert "action__exact=create" in kept
        page = client.get(kept)
        assert page.status_code == 200, params
        assert "南京算力券政策" in page.content.decode()


def test_good_filters_still_filter(client, alliance):
    with audit.actor(alliance):
        policy = make_listing("policy", city="nanjing", title="南京算力券政策")
        make_listing("space", city="suzhou", title="苏州众创空间")
    client.force_login(alliance)
    entry = history_for(policy).get()

    page = client.get(
        reverse(CHANGELIST),
        {
            "content_type": entry.content_type_id,
            "object_id": policy.pk,
            "city__id__exact": policy.city_id,
            "created_at__gte": entry.created_at.isoformat(),
            "q": "算力",
        },
    )

    assert page.status_code == 200
    assert [e.pk for e in page.context["cl"].result_list] == [entry.pk]
