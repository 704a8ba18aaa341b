"""Public list and detail pages of finance particular to this app (the shared checks are in site/tests/test_catalogue_pages.py)."""

import pytest

from innomarket.site.tests.catalogue_checks import make_listing

pytestmark = pytest.mark.django_db


def test_fund_detail_shows_figures_with_units(client):
    fund = make_listing(
        "fund",
        city="putuo",
        title="普陀区科创母基金",
        size_yi="10.00",
        invested_yi="3.25",
        projects_count=17,
        exits_count=2,
        dpi="45.20",
        paid_in_wan="15000.00",
        figures_as_of="2024年6月30日",
        manager="某基金管理公司",
    )

    body = client.get(f"/finance/funds/{fund.pk}/").content.decode()

    assert "10 亿元" in body
    assert "3.25 亿元" in body
    assert "45.2%" in body
    assert "15,000 万元" in body
    assert "2024年6月30日" in body
    assert "某基金管理公司" in body


def test_fund_stage_filter_and_size_sort(client):
    make_listing("fund", city="nanjing", title="小基金", stage="investing", size_yi="1")
    make_listing("fund", city="nanjing", title="大基金", stage="investing", size_yi="50")
    make_listing("fund", city="nanjing", title="募集中基金", stage="fundraising", size_yi="80")

    body = client.get("/finance/funds/", {"stage": "investing", "sort": "size"}).content.decode()

    assert "募集中基金" not in body
    assert body.index("大基金") < body.index("小基金")


def test_product_type_and_financing_round_filters(client):
    make_listing("product", city="nanjing", title="知识产权质押贷", product_type="ip_pledge")
    make_listing("product", city="nanjing", title="科技信用贷", product_type="credit_loan")
    make_listing("financing", city="nanjing", title="天使轮融资需求", round="angel")
    make_listing("financing", city="nanjing", title="B轮融资需求", round="b")

    products = client.get("/finance/products/", {"product_type": "ip_pledge"}).content.decode()
    requests = client.get("/finance/requests/", {"round": "angel"}).content.decode()

    assert "知识产权质押贷" in products and "科技信用贷" not in products
    assert "天使轮融资需求" in requests and "B轮融资需求" not in requests
