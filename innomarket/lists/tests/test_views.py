"""Public list and detail pages of lists particular to this app (the shared checks are in site/tests/test_catalogue_pages.py)."""

import pytest

from innomarket.site.tests.catalogue_checks import make_listing

pytestmark = pytest.mark.django_db


def test_phase_filter_and_partner_cities(client):
    from innomarket.common.tests.factories import city

    done = make_listing("cooperation", city="nanjing", title="已完成的产业链合作", phase="past")
    done.partner_cities.add(city("suzhou"))
    make_listing("cooperation", city="nanjing", title="规划中的联合攻关", phase="future")

    past = client.get("/cooperation/", {"phase": "past"}).content.decode()
    detail = client.get(f"/cooperation/{done.pk}/").content.decode()

    assert "已完成的产业链合作" in past and "规划中的联合攻关" not in past
    assert "过去时" in past  # the phase chips
    assert "苏州市" in detail and "/cities/suzhou/" in detail
