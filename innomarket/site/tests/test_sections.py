import pytest
from django.urls import reverse

from innomarket.catalog import SECTIONS
from innomarket.site.tests.catalogue_checks import make_listing

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", list(SECTIONS))
def test_every_section_page_renders_with_a_tile_per_type(client, key):
    section = SECTIONS[key]
    for listing_type in section.types:
        make_listing(listing_type.key, city="nanjing", title=f"最新{listing_type.key}记录")

    response = client.get(reverse("site:section", args=[key]))

    assert response.status_code == 200
    body = response.content.decode()
    assert str(section.name) in body
    for listing_type in section.types:
        assert reverse(listing_type.list_url) in body
        assert f"最新{listing_type.key}记录" in body


def test_unknown_section_is_404(client):
    assert client.get("/s/astrology/").status_code == 404


def test_counts_and_latest_are_public_only(client):
    make_listing("policy", city="nanjing", title="公开政策")
    make_listing("policy", city="nanjing", title="草稿政策", status="draft")

    response = client.get("/s/policy/")

    assert response.context["tiles"][0].count == 1
    body = response.content.decode()
    assert "公开政策" in body and "草稿政策" not in body


def test_tech_section_offers_post_and_take_a_challenge(client):
    body = client.get("/s/tech/").content.decode()

    assert "我要发榜" in body and reverse("site:workspace-challenge-new") in body
    assert "我要揭榜" in body and reverse("challenges:list") in body


def test_section_page_query_count_is_bounded(client, django_assert_max_num_queries):
    for _ in range(5):
        make_listing("challenge", city="nanjing")
        make_listing("expert", city="nanjing")

    with django_assert_max_num_queries(10):
        assert client.get("/s/tech/").status_code == 200
