import pytest

from innomarket.catalog import LISTING_TYPES
from innomarket.regions import selectors
from innomarket.regions.models import City

from .helpers import ensure_observer_cities, make_listing

pytestmark = pytest.mark.django_db


def _by_slug(figures):
    return {f.city.slug: f for f in figures}


def test_city_figures_counts_only_public_records():
    make_listing("policy", city="nanjing")
    make_listing("policy", city="nanjing")
    make_listing("policy", city="nanjing", status="submitted")
    make_listing("policy", city="nanjing", status="draft")
    make_listing("policy", city="nanjing", status="rejected")
    make_listing("challenge", city="nanjing", status="bidding")  # a public state of the challenge workflow
    make_listing("challenge", city="nanjing", status="returned")
    make_listing("organisation", city="nanjing")
    make_listing("organisation", city="nanjing", status="submitted")
    make_listing("space", city="suzhou")

    figures = _by_slug(selectors.city_figures())

    assert figures["nanjing"].counts["policy"] == 2
    assert figures["nanjing"].counts["challenge"] == 1
    assert figures["nanjing"].counts["organisation"] == 1
    assert figures["nanjing"].total == 4
    assert figures["suzhou"].counts == {**dict.fromkeys(LISTING_TYPES, 0), "space": 1}
    assert figures["wuxi"].total == 0


def test_city_figures_covers_every_city_and_type_with_one_query_per_type(django_assert_max_num_queries):
    ensure_observer_cities()
    with django_assert_max_num_queries(1 + len(LISTING_TYPES)):
        figures = selectors.city_figures()
    assert len(figures) == City.objects.count() == 10
    assert [f.city.is_member for f in figures][:8] == [True] * 8
    assert all(set(f.counts) == set(LISTING_TYPES) for f in figures)


def test_city_figures_for_given_cities_only():
    make_listing("event", city="nanjing")
    make_listing("event", city="wuxi")
    (figures,) = selectors.city_figures(cities=[City.objects.get(slug="wuxi")])
    assert figures.city.slug == "wuxi"
    assert figures.counts["event"] == 1


def test_section_totals_sum_types_of_each_section():
    make_listing("space", city="nanjing")
    make_listing("instrument", city="wuxi")
    make_listing("organisation", city="putuo")
    make_listing("fund", city="taizhou")
    totals = selectors.section_totals(selectors.city_figures())
    assert totals["resources"] == 3
    assert totals["finance"] == 1
    assert totals["policy"] == 0


def test_city_recent_listings_are_public_and_of_that_city():
    mine = make_listing("achievement", city="changzhou", title="常州公开成果")
    make_listing("achievement", city="changzhou", title="常州草稿成果", status="draft")
    make_listing("achievement", city="nanjing", title="南京成果")
    city = City.objects.get(slug="changzhou")
    recent = selectors.city_recent_listings(city=city)
    assert [r.record for r in recent] == [mine]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://kc.example.gov.cn/", "https://kc.example.gov.cn/"),
        ("http://kc.example.gov.cn/x?y=1", "http://kc.example.gov.cn/x?y=1"),
        ("javascript:alert(1)", ""),
        ("data:text/html,hi", ""),
        ("//evil.example", ""),
        ("", ""),
    ],
)
def test_safe_http_url(url, expected):
    assert selectors.safe_http_url(url) == expected
