"""Every public page renders for an anonymous visitor with the demo data loaded."""

import re

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from innomarket.catalog import LISTING_TYPES, SECTIONS
from innomarket.common import pagecache
from innomarket.demo.loader import DemoLoader
from innomarket.regions.models import City
from innomarket.verification.selectors import public


@pytest.fixture
def demo_data(db):
    DemoLoader(achievements=30, with_users=False).run()


def _public_urls() -> list[str]:
    urls = [
        reverse("site:home"),
        reverse("regions:list"),
        reverse("accounts:login"),
        reverse("accounts:signup"),
    ]
    urls += [reverse("site:section", args=[key]) for key in SECTIONS]
    urls += [reverse("regions:detail", args=[slug]) for slug in City.objects.values_list("slug", flat=True)]
    for listing_type in LISTING_TYPES.values():
        urls.append(reverse(listing_type.list_url))
        records = public(listing_type.model).order_by("pk")
        # The first, a sample and a non-sample record of each type: their pages differ in notices.
        picks = {
            records.first(),
            records.filter(is_sample=True).first(),
            records.filter(is_sample=False).first(),
        }
        urls += [reverse(listing_type.detail_url, args=[r.pk]) for r in picks if r is not None]
        city = City.objects.get(slug="putuo")
        urls.append(f"{reverse(listing_type.list_url)}?city={city.slug}&page=2")
    urls += [reverse("matching:search") + q for q in ("", "?q=集成电路", "?q=创新里", "?q=脉搏波 监测")]
    return urls


CSRF_VALUE = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')


@pytest.mark.django_db
def test_every_public_page_renders_for_an_anonymous_visitor(client, demo_data, settings):
    urls = _public_urls()
    # Every listing type has demo records, so every detail template is exercised.
    assert len(urls) > 60
    failures = {}
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            failures[url] = response.status_code
    assert failures == {}

    # With production's anonymous page cache on, the second visitor's stored copy of each page is the
    # page a fresh render gives (but for each visitor's own CSRF token).
    settings.INNOMARKET_PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    pagecache.forget_generation()
    differs, not_stored = [], []
    for url in urls:
        fresh, stored = Client().get(url), Client().get(url)
        if stored.get("X-Page-Cache") != "hit":
            not_stored.append(url)
        elif CSRF_VALUE.sub(r"\1T", fresh.content.decode()) != CSRF_VALUE.sub(r"\1T", stored.content.decode()):
            differs.append(url)
    caches["pages"].clear()
    assert differs == []
    # Only the sign-in and sign-up pages are outside the public namespaces.
    assert set(not_stored) == {reverse("accounts:login"), reverse("accounts:signup")}


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


@pytest.mark.django_db
def test_demo_papers_and_their_team_leads_read_true(client, demo_data):
    from innomarket.achievements.models import Achievement

    paper = Achievement.objects.select_related("lead_expert", "owner").order_by("pk").first()
    lead = paper.lead_expert
    pages = {
        "paper": client.get(paper.get_absolute_url()).content.decode(),
        "lead": client.get(lead.get_absolute_url()).content.decode(),
        "list": client.get(reverse("achievements:list")).content.decode(),
        "organisation": client.get(paper.owner.get_absolute_url()).content.decode(),
    }

    assert "论文/研究成果" in pages["paper"] and paper.discipline in pages["paper"]
    assert f'<a href="{lead.get_absolute_url()}">{lead.title}</a>' in pages["paper"]
    assert paper.team in pages["paper"] and paper.owner.get_absolute_url() in pages["paper"]
    assert "暂无知识产权" not in pages["paper"] and "<dt>转化方式</dt>" not in pages["paper"]
    assert paper.get_absolute_url() in pages["lead"] and paper.discipline in pages["lead"]
    assert "?kind=research" in pages["list"]
    for name, body in pages.items():
        for internal in ("load_demo", "csl-", "Apache-2.0"):
            assert internal not in body, (name, internal)
