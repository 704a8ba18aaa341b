"""Public list and detail pages of achievements particular to this app (the shared checks are in site/tests/test_catalogue_pages.py)."""

import pytest

from innomarket.site.tests.catalogue_checks import make_listing

pytestmark = pytest.mark.django_db


def test_trl_filter_is_a_minimum_and_transfer_mode_filters(client):
    make_listing("achievement", city="nanjing", title="中试成果", trl=6, transfer_mode="licence")
    make_listing("achievement", city="nanjing", title="实验室成果", trl=3, transfer_mode="licence")
    make_listing("achievement", city="nanjing", title="转让成果", trl=8, transfer_mode="transfer")

    mature = client.get("/achievements/", {"trl": "6"}).content.decode()
    licences = client.get("/achievements/", {"transfer_mode": "licence"}).content.decode()

    assert "中试成果" in mature and "转让成果" in mature and "实验室成果" not in mature
    assert "中试成果" in licences and "转让成果" not in licences
