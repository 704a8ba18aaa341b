import pytest

from innomarket.organisations.selectors import organisation_listings, organisation_queryset
from innomarket.site.tests.catalogue_checks import make_listing

pytestmark = pytest.mark.django_db


def test_organisation_queryset_is_public_only():
    public_org = make_listing("organisation", city="nanjing")
    make_listing("organisation", city="nanjing", status="submitted")

    assert list(organisation_queryset()) == [public_org]


def test_organisation_listings_counts_beyond_the_shown_few(django_assert_max_num_queries):
    org = make_listing("organisation", city="nanjing")
    for _ in range(7):
        make_listing("achievement", city="nanjing", owner=org)
    make_listing("event", city="nanjing", owner=org)

    with django_assert_max_num_queries(16):
        groups = organisation_listings(org, per_type=5)

    by_key = {g.listing_type.key: g for g in groups}
    assert set(by_key) == {"achievement", "event"}
    assert by_key["achievement"].count == 7 and len(by_key["achievement"].items) == 5
    assert by_key["event"].count == 1
