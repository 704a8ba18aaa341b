"""一站式服务统计: the public page, the back-office dashboard panel; aggregates only."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from innomarket.common.tests import factories as f
from innomarket.enquiries import services as enquiries
from innomarket.resources.models import Instrument

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered_enquiry():
    org = f.OrganisationFactory(name="仪器共享中心")
    owner = f.member_of(org)
    asker = f.UserFactory(name="提问的人")
    instrument = Instrument.objects.create(
        title="透射电镜", owner=org, city=org.city, status="published", published_at=timezone.now()
    )
    enquiry = enquiries.enquiry_submit(
        actor=asker, record=instrument, subject="送样问题", message="能否测样？"
    )
    enquiries.enquiry_reply(actor=owner, enquiry=enquiry, message="可以")
    return enquiry


def test_public_page_shows_every_rule_per_city_without_naming_anyone(client, answered_enquiry):
    page = client.get(reverse("site:service-stats"))
    html = page.content.decode()

    assert page.status_code == 200
    row = page.context["scope"]
    enquiry_stats = next(s for s in row if s.key == "enquiry")
    assert (enquiry_stats.submitted, enquiry_stats.answered, enquiry_stats.within_share) == (1, 1, 1.0)
    assert 'data-rule="enquiry"' in html and "100%" in html
    assert "送样问题" not in html and "提问的人" not in html and "仪器共享中心" not in html

    nanjing = client.get(reverse("site:service-stats") + "?city=nanjing").context["scope"]
    wuxi = client.get(reverse("site:service-stats") + "?city=wuxi").context["scope"]
    assert next(s for s in nanjing if s.key == "enquiry").submitted == 1
    assert next(s for s in wuxi if s.key == "enquiry").submitted == 0
    assert client.get(reverse("site:service-stats") + "?city=atlantis").status_code == 404


def test_city_administrators_dashboard_shows_their_city_only(client, answered_enquiry):
    client.force_login(f.city_admin("wuxi"))
    wuxi = client.get(reverse("admin:index"))
    assert next(s for s in wuxi.context["service_stats"] if s.key == "enquiry").submitted == 0
    client.force_login(f.city_admin("nanjing"))
    nanjing = client.get(reverse("admin:index"))
    assert next(s for s in nanjing.context["service_stats"] if s.key == "enquiry").submitted == 1
    assert "服务答复时效" in nanjing.content.decode()


def test_city_page_shows_its_own_response_times(client, answered_enquiry):
    nanjing = client.get("/cities/nanjing/")
    wuxi = client.get("/cities/wuxi/")

    assert next(s for s in nanjing.context["service_stats"] if s.key == "enquiry").submitted == 1
    assert next(s for s in wuxi.context["service_stats"] if s.key == "enquiry").submitted == 0
    html = nanjing.content.decode()
    assert "服务办理与答复时效" in html and "/stats/services/?city=nanjing" in html


def test_times_under_an_hour_read_as_such_and_sample_data_is_declared(client, answered_enquiry):
    from innomarket.organisations.models import Organisation

    page = client.get(reverse("site:service-stats")).content.decode()
    assert "不到 1 小时" in page and 'id="sample-notice"' not in page

    Organisation.objects.update(is_sample=True)
    assert 'id="sample-notice"' in client.get(reverse("site:service-stats")).content.decode()
