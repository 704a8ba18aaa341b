"""Public list and detail pages of policies particular to this app (the shared checks are in site/tests/test_catalogue_pages.py)."""

import pytest

from innomarket.site.tests.catalogue_checks import make_listing

pytestmark = pytest.mark.django_db


def test_list_page_query_count_is_bounded(client, django_assert_max_num_queries):
    owner = make_listing("organisation", city="nanjing")
    from innomarket.common.tests.factories import field_tag

    tags = [field_tag("ai"), field_tag("ic")]
    for n in range(30):
        policy = make_listing("policy", city="nanjing" if n % 2 else "suzhou", owner=owner, title=f"政策{n}")
        policy.fields.add(*tags)

    with django_assert_max_num_queries(8):
        response = client.get("/policies/", {"field": "ai", "sort": "newest"})

    assert response.status_code == 200


def test_support_type_chips_keep_other_filters(client):
    make_listing("policy", city="nanjing", title="资金扶持政策", support_type="funding")
    make_listing("policy", city="nanjing", title="人才支持政策", support_type="talent")

    body = client.get("/policies/", {"city": "nanjing", "support_type": "talent"}).content.decode()

    assert "人才支持政策" in body
    assert "资金扶持政策" not in body
    assert 'href="?city=nanjing&amp;support_type=funding"' in body


def test_original_link_opens_safely_and_text_is_escaped(client):
    policy = make_listing(
        "policy",
        city="nanjing",
        title="<b>加粗</b>政策",
        full_text="第一条\n<script>alert(1)</script>",
        original_url="https://www.example.gov.cn/policy.html",
    )

    body = client.get(f"/policies/{policy.pk}/").content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;b&gt;加粗&lt;/b&gt;政策" in body
    assert 'href="https://www.example.gov.cn/policy.html" rel="noopener noreferrer nofollow"' in body


def test_detail_states_the_amount_and_the_application_period(client):
    import datetime as dt
    from decimal import Decimal

    policy = make_listing(
        "policy",
        city="nanjing",
        amount_min_wan=Decimal("10"),
        amount_max_wan=Decimal("50"),
        amount_note="按研发费用的 10% 给予补助",
        apply_until=dt.date(2027, 3, 31),
    )

    body = client.get(f"/policies/{policy.pk}/").content.decode()

    assert "支持金额" in body and "10–50 万元　按研发费用的 10% 给予补助" in body
    assert "申报截止" in body
