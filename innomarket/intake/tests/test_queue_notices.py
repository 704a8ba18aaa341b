"""A batch import tells each city's administrators once, with the counts, not once per row."""

from __future__ import annotations

import io

import pytest

from innomarket.common.exceptions import ApplicationError
from innomarket.common.tests.factories import alliance_admin, city_admin
from innomarket.intake import services
from innomarket.notifications.models import Notification
from innomarket.verification.notices import QUEUED_BATCH_KIND, QUEUED_KIND

from .helpers import csv_bytes, org_row

pytestmark = pytest.mark.django_db

ORG_HEADER = ["机构名称*", "机构类型*", "统一社会信用代码", "所属城市*", "地址", "领域/产业", "简介"]


def test_an_import_sends_each_citys_administrators_one_summary():
    importer = alliance_admin(username="alliance")
    suzhou = [city_admin("suzhou", username="sz-1"), city_admin("suzhou", username="sz-2")]
    nanjing = city_admin("nanjing", username="nj-1")
    wuxi = city_admin("wuxi", username="wx-1")
    rows = [org_row(n) for n in range(1, 6)] + [org_row(6, city="南京市"), org_row(7, city="南京市")]
    report = services.validate("organisation", io.BytesIO(csv_bytes(ORG_HEADER, rows)), actor=importer)
    assert report.ok, report.problems

    result = services.commit(report, actor=importer)

    assert result.created == 7
    assert not Notification.objects.filter(kind=QUEUED_KIND).exists()  # nothing per row
    for admin in suzhou:
        [note] = Notification.objects.filter(recipient=admin, kind=QUEUED_BATCH_KIND)
        assert note.title == "批量导入机构：5 条记录待核验"
        assert "机构 5 条" in note.body and note.url.endswith("?source=import")
    [note] = Notification.objects.filter(recipient=nanjing, kind=QUEUED_BATCH_KIND)
    assert note.title == "批量导入机构：2 条记录待核验"
    assert not Notification.objects.filter(recipient__in=[wuxi, importer]).exists()


def test_the_importing_administrator_is_not_told_of_their_own_import():
    importer = city_admin("suzhou", username="sz-1")
    colleague = city_admin("suzhou", username="sz-2")
    report = services.validate(
        "organisation", io.BytesIO(csv_bytes(ORG_HEADER, [org_row(1)])), actor=importer
    )

    services.commit(report, actor=importer)

    assert not Notification.objects.filter(recipient=importer).exists()
    assert Notification.objects.get(recipient=colleague).title == "批量导入机构：1 条记录待核验"


def test_a_refused_import_tells_nobody():
    city_admin("suzhou", username="sz-1")
    bad = org_row(2)
    bad[1] = ""  # 机构类型 is required
    report = services.validate("organisation", io.BytesIO(csv_bytes(ORG_HEADER, [org_row(1), bad])))

    with pytest.raises(ApplicationError):
        services.commit(report)

    assert not Notification.objects.exists()
