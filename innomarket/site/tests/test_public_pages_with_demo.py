"""Every public page renders for an anonymous visitor with the demo data loaded."""

import pytest
from django.urls import reverse

from innomarket.catalog import LISTING_TYPES, SECTIONS
from innomarket.demo.loader import DemoLoader
from innomarket.regions.models import City
from innomarket.verification.selectors import public


@pytest.fixture
def demo_data(db):
    DemoLoader(achievements=30, with_users=False).run()


def _public_urls() -> list[str]:
    urls = [reverse("site:home"), reverse("regions:list"), reverse("accounts:login"), reverse("accounts:signup")]
    urls += [reverse("site:section", args=[key]) for key in SECTIONS]
    urls += [reverse("regions:detail", args=[slug]) for slug in City.objects.values_list("slug", flat=True)]
    for listing_type in LISTING_TYPES.values():
        urls.append(reverse(listing_type.list_url))
        records = public(listing_type.model).order_by("pk")
        # The first, a sample and a non-sample record of each type: their pages differ in notices.
        picks = {records.first(), records.filter(is_sample=True).first(), records.filter(is_sample=False).first()}
        urls += [reverse(listing_type.detail_url, args=[r.pk]) for r in picks if r is not None]
        city = City.objects.get(slug="putuo")
        urls.append(f"{reverse(listing_type.list_url)}?city={city.slug}&page=2")
    urls += [reverse("matching:search") + q for q in ("", "?q=集成电路", "?q=创新里", "?q=脉搏波 监测")]
    return urls


@pytest.mark.django_db
def test_every_public_page_renders_for_an_anonymous_visitor(client, demo_data):
    urls = _public_urls()
    # Every listing type has demo records, so every detail template is exercised.
    assert len(urls) > 60
    failures = {}
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            failures[url] = response.status_code
    assert failures == {}


@pytest.mark.django_db
def test_every_listing_type_has_public_demo_records(demo_data):
    empty = [key for key, t in LISTING_TYPES.items() if not public(t.model).exists()]
    assert empty == []


@pytest.mark.django_db
def test_seed_facts_appear_on_their_pages(client, demo_data):
    from innomarket.resources.models import Space

    space = Space.objects.get(title__contains="创新里")
    body = client.get(space.get_absolute_url()).content.decode()
    assert "武宁路801号" in body and "3,248" in body
    city_page = client.get(reverse("regions:detail", args=["putuo"])).content.decode()
    assert "大渡河路1668号" in city_page
