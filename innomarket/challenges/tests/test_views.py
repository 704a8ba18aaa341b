"""Public list and detail pages of challenges particular to this app (the shared checks are in site/tests/test_catalogue_pages.py)."""

import pytest

from innomarket.site.tests.catalogue_checks import make_listing

pytestmark = pytest.mark.django_db


def test_detail_shows_only_the_public_teaser(client):
    challenge = make_listing(
        "challenge",
        city="changzhou",
        title="高精度视觉检测算法攻关",
        summary="面向锂电池极片的缺陷检测",
        problem_statement="机密问题描述XYZ",
        indicators="机密技术指标XYZ",
        acceptance_criteria="机密验收标准XYZ",
        budget_min="50",
        budget_max="200",
        status="bidding",
        confidentiality="members",
    )

    body = client.get(f"/challenges/{challenge.pk}/").content.decode()

    assert "面向锂电池极片的缺陷检测" in body
    assert "50–200 万元" in body
    assert "揭榜中" in body
    assert "完整需求描述" in body and "向已核验机构的成员开放" in body
    assert "机密" not in body


def test_status_filter_separates_open_and_completed_challenges(client):
    make_listing("challenge", city="nanjing", title="正在揭榜的榜单", status="bidding")
    make_listing("challenge", city="nanjing", title="已经完成的榜单", status="completed")

    bidding = client.get("/challenges/", {"status": "bidding"}).content.decode()
    completed = client.get("/challenges/", {"status": "completed"}).content.decode()

    assert "正在揭榜的榜单" in bidding and "已经完成的榜单" not in bidding
    assert "已经完成的榜单" in completed and "正在揭榜的榜单" not in completed


def test_keyword_search_never_looks_into_the_confidential_text(client):
    make_listing("challenge", city="nanjing", title="公开标题", problem_statement="只在全文里的词语")

    body = client.get("/challenges/", {"q": "只在全文里的词语"}).content.decode()

    assert "公开标题" not in body
