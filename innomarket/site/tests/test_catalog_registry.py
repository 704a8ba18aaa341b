"""The catalogue table (innomarket.catalog) is the one place listing types are named: check it holds."""

import pytest
from django.urls import reverse
from django.utils.module_loading import import_string

from innomarket.catalog import LISTING_TYPES, SECTIONS


@pytest.mark.parametrize("key", sorted(LISTING_TYPES))
def test_listing_type_wiring_points_at_its_own_model(key):
    listing_type = LISTING_TYPES[key]
    assert import_string(listing_type.filterset)._meta.model is listing_type.model
    assert reverse(listing_type.list_url)
    assert reverse(listing_type.detail_url, args=[1])
    assert listing_type.section in SECTIONS
    assert key in SECTIONS[listing_type.section].type_keys


def test_every_section_type_is_registered():
    assert {k for s in SECTIONS.values() for k in s.type_keys} == set(LISTING_TYPES)
