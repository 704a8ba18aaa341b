"""三张清单: which record is in which list and tense, per city and alliance-wide (selectors)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from innomarket.common.tests.factories import city
from innomarket.lists import selectors
from innomarket.lists.three_lists import PHASES, THREE_LISTS
from innomarket.regions.tests.helpers import make_listing

from . import scenario

pytestmark = pytest.mark.django_db


def _triple(counts):
    return tuple(counts[p] for p in PHASES)


def test_public_counts_per_list_tense_and_city():
    scenario.build()
    actual = {
        (list_key, slug): _triple(
            selectors.list_counts(THREE_LISTS[list_key], city=city(slug) if slug else None)
        )
        for list_key, slug in scenario.PUBLIC
    }
    assert actual == scenario.PUBLIC


def test_back_office_counts_add_records_that_were_public_once():
    scenario.build()
    actual = {
        (list_key, slug): _triple(
            selectors.list_counts(THREE_LISTS[list_key], city=city(slug) if slug else None, public_only=False)
        )
        for list_key, slug in scenario.FORMER
    }
    assert actual == scenario.FORMER


ROWS = {
    ("resources", "present"): {"南京某大学", "南京高新企业", "苏州某科技园", scenario.MALICIOUS_TITLE},
    ("resources", "past"): set(),
    ("resources", "future"): set(),
    ("demands", "past"): {"南京已截止榜单", "苏州已完成榜单", "南京过期融资需求"},
    ("demands", "present"): {"南京揭榜中榜单", "南京攻关中要素需求", "苏州人才需求"},
    ("demands", "future"): set(),
    ("cooperation", "past"): {"宁苏已完成产业链合作"},
    ("cooperation", "present"): {"苏州跨城业务"},
    ("cooperation", "future"): {"南京规划中的联合活动"},
}


def test_rows_are_the_public_records_of_the_tense():
    scenario.build()
    actual = {
        (list_key, phase): {row["r_title"] for row in selectors.list_rows(THREE_LISTS[list_key], phase)}
        for list_key, phase in ROWS
    }
    assert actual == ROWS


def test_rows_of_a_city_include_cooperation_where_it_is_a_partner():
    scenario.build()
    rows = selectors.list_rows(THREE_LISTS["cooperation"], "past", city=city("suzhou"))
    assert [row["r_title"] for row in rows] == ["宁苏已完成产业链合作"]


def test_the_tenses_of_a_list_partition_its_records():
    """Every record of a list is in exactly one tense: the counts add up to the rows."""
    scenario.build()
    for three_list in THREE_LISTS.values():
        for public_only in (True, False):
            seen = []
            for phase in PHASES:
                seen += [
                    (r["r_src"], r["r_id"])
                    for r in selectors.list_rows(three_list, phase, public_only=public_only)
                ]
            assert len(seen) == len(set(seen))
            assert len(seen) == selectors.list_counts(three_list, public_only=public_only)["total"]


def test_present_rows_carry_labels_urls_and_dates():
    records = scenario.build()
    rows = selectors.present_rows(
        THREE_LISTS["cooperation"], selectors.list_rows(THREE_LISTS["cooperation"], "past")
    )
    (row,) = rows
    assert row.kind == "城市间产业链合作"
    assert row.status == "已发布"
    assert row.city == "南京市"
    assert row.url == records["coop_past"].get_absolute_url()
    assert (row.start.isoformat(), row.end.isoformat()) == ("2023-03-01", "2024-06-30")


def test_dashboard_counts_shape_and_totals():
    scenario.build()
    counts = selectors.dashboard_counts()
    assert counts["resources"] == {"past": 0, "present": 4, "future": 0, "total": 4}
    assert counts["demands"] == {"past": 3, "present": 3, "future": 0, "total": 6}
    assert counts["cooperation"] == {"past": 1, "present": 1, "future": 1, "total": 3}
    assert counts["all"] == {"past": 4, "present": 8, "future": 1, "total": 13}
    assert selectors.dashboard_counts("suzhou")["all"]["total"] == 2 + 2 + 2
    assert selectors.dashboard_counts(city("nanjing"), public_only=False)["resources"]["past"] == 1


def test_dashboard_counts_uses_a_fixed_number_of_queries():
    scenario.build()
    nanjing = city("nanjing")
    with CaptureQueriesContext(connection) as small:
        selectors.dashboard_counts(nanjing)
    for n in range(10):
        make_listing("challenge", city="nanjing", title=f"更多榜单{n}", status="bidding")
        make_listing("organisation", city="nanjing", title=f"更多高校{n}", kind="university")
    with CaptureQueriesContext(connection) as large:
        selectors.dashboard_counts(nanjing)
    assert len(small) == len(large) == 6  # one conditional aggregate per model


def test_unknown_city_slug_is_refused():
    from innomarket.regions.models import City

    with pytest.raises(City.DoesNotExist):
        selectors.dashboard_counts("atlantis")
