"""Public list and detail pages of talent particular to this app (the shared checks are in site/tests/test_catalogue_pages.py)."""

import pytest

from innomarket.site.tests.catalogue_checks import make_listing

pytestmark = pytest.mark.django_db


def test_talent_post_kind_filter(client):
    make_listing("talentpost", city="nanjing", title="算法工程师", kind="full_time", headcount=3)
    make_listing("talentpost", city="nanjing", title="博士后研究员", kind="postdoc")

    body = client.get("/talent/posts/", {"kind": "postdoc"}).content.decode()

    assert "博士后研究员" in body and "算法工程师" not in body
    assert "招 3 人" in client.get("/talent/posts/").content.decode()


def test_expert_page_lists_the_public_achievements_they_lead(client):
    expert = make_listing("expert", city="nanjing", title="专家 NJ-11", professional_title="教授")
    make_listing(
        "achievement",
        city="nanjing",
        title="公开论文甲",
        kind="research",
        discipline="药学",
        lead_expert=expert,
    )
    make_listing("achievement", city="nanjing", title="草稿论文乙", lead_expert=expert, status="draft")
    make_listing("achievement", city="nanjing", title="别人的论文丙")

    body = client.get(expert.get_absolute_url()).content.decode()

    assert "公开论文甲" in body and "论文/研究成果" in body and "药学" in body
    assert "草稿论文乙" not in body and "别人的论文丙" not in body


def test_expert_page_without_achievements_has_no_achievement_section(client):
    expert = make_listing("expert", city="nanjing", title="评审专家")

    body = client.get(expert.get_absolute_url()).content.decode()

    assert "团队成果" not in body
