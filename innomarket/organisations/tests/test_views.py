"""Public list and detail pages of organisations particular to this app (the shared checks are in site/tests/test_catalogue_pages.py)."""

import pytest

from innomarket.site.tests.catalogue_checks import make_listing

pytestmark = pytest.mark.django_db


def test_detail_lists_the_organisations_public_listings_by_type(client):
    org = make_listing("organisation", city="nanjing", title="南京某大学")
    make_listing("achievement", city="nanjing", owner=org, title="公开的成果")
    make_listing("achievement", city="nanjing", owner=org, title="草稿成果", status="draft")
    make_listing("space", city="nanjing", owner=org, title="大学科技园")
    make_listing("achievement", city="nanjing", title="别人的成果")

    body = client.get(f"/organisations/{org.pk}/").content.decode()

    assert "公开的成果" in body and "大学科技园" in body
    assert "草稿成果" not in body and "别人的成果" not in body


def test_kind_and_tag_filters(client):
    from innomarket.organisations.models import OrganisationTag

    hnte = make_listing("organisation", city="suzhou", title="某高新技术企业", kind="enterprise")
    hnte.tags.add(OrganisationTag.objects.get(slug="hnte"))
    make_listing("organisation", city="suzhou", title="某普通企业", kind="enterprise")
    make_listing("organisation", city="suzhou", title="某高校", kind="university")

    tagged = client.get("/organisations/", {"tag": "hnte"}).content.decode()
    universities = client.get("/organisations/", {"kind": "university"}).content.decode()

    assert "某高新技术企业" in tagged and "某普通企业" not in tagged
    assert "某高校" in universities and "某普通企业" not in universities


def test_owner_filter_lists_one_organisations_records(client):
    org = make_listing("organisation", city="nanjing", title="发布方机构")
    make_listing("policy", city="nanjing", owner=org, title="本机构政策")
    make_listing("policy", city="nanjing", title="其他政策")

    body = client.get("/policies/", {"owner": org.pk}).content.decode()

    assert "本机构政策" in body and "其他政策" not in body
    assert "仅显示“发布方机构”发布的信息" in body
