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
