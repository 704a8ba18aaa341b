"""The verification queue page and the dashboard's freshness panel, through the test client."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from innomarket.common.tests.factories import OrganisationFactory, UserFactory, city, member_of
from innomarket.notifications.models import Notification
from innomarket.policies.models import Policy
from innomarket.regions.tests.helpers import make_listing

from .helpers import make_policy

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:verification-queue")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def row_keys(response) -> set[str]:
    return {row.key for row in response.context["queue"].rows}


@pytest.fixture
def waiting():
    """Submitted records of three kinds in Nanjing and one in Suzhou."""
    nanjing = city("nanjing")
    owner = OrganisationFactory(city=nanjing, name="南京某科技公司")
    return {
        "policy": make_policy("nanjing", title="南京算力券政策", owner=owner),
        "space": make_listing("space", city="nanjing", status="submitted", owner=owner, title="南京孵化器"),
        "organisation": make_listing(
            "organisation", city="nanjing", status="submitted", title="南京新机构", last_verified_at=None
        ),
        "suzhou": make_policy("suzhou", title="苏州科创十条"),
    }


def test_city_admin_sees_own_city_across_kinds(client, nanjing_admin, waiting):
    client.force_login(nanjing_admin)

    response = client.get(QUEUE)

    assert response.status_code == 200
    assert row_keys(response) == {
        f"policy:{waiting['policy'].pk}",
        f"space:{waiting['space'].pk}",
        f"organisation:{waiting['organisation'].pk}",
    }
    html = response.content.decode()
    assert "南京孵化器" in html and "苏州科创十条" not in html
    assert "已等待" in html and "0 天" in html
    assert 'name="city"' not in html  # no city choice for a city administrator


def test_city_admin_asking_for_another_city_gets_404(client, nanjing_admin, waiting):
    client.force_login(nanjing_admin)
    assert client.get(QUEUE, {"city": "suzhou"}).status_code == 404


def test_alliance_admin_chooses_a_city_or_all(client, alliance, waiting):
    client.force_login(alliance)

    everything = client.get(QUEUE)
    suzhou = client.get(QUEUE, {"city": "suzhou"})

    assert len(row_keys(everything)) == 4
    assert row_keys(suzhou) == {f"policy:{waiting['suzhou'].pk}"}
    assert 'name="city"' in everything.content.decode()


def test_other_roles_are_refused(client, waiting):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(QUEUE).status_code == 403

    member = member_of(waiting["policy"].owner)
    client.force_login(member)
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/login/" in response["Location"]

    client.logout()
    assert client.get(QUEUE).status_code == 302


def test_filters_by_kind_source_and_text(client, nanjing_admin, waiting):
    client.force_login(nanjing_admin)
    Policy.objects.filter(pk=waiting["policy"].pk).update(source="import")

    assert row_keys(client.get(QUEUE, {"kind": "space"})) == {f"space:{waiting['space'].pk}"}
    assert row_keys(client.get(QUEUE, {"source": "import"})) == {f"policy:{waiting['policy'].pk}"}
    assert row_keys(client.get(QUEUE, {"q": "新机构"})) == {f"organisation:{waiting['organisation'].pk}"}
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert row_keys(client.get(QUEUE, {"submitted_from": tomorrow})) == set()


def test_bulk_verify_reports_each_failure_by_name(client, nanjing_admin, waiting):
    member = member_of(waiting["policy"].owner)
    pending_owner = OrganisationFactory(city=city("nanjing"), status="submitted", name="待核验机构")
    blocked = make_policy("nanjing", title="机构未核验的政策", owner=pending_owner)
    client.force_login(nanjing_admin)
    selected = [f"policy:{waiting['policy'].pk}", f"space:{waiting['space'].pk}", f"policy:{blocked.pk}"]

    response = client.post(f"{QUEUE}?kind=", {"action": "verify", "selected": selected, "reason": ""})

    assert response.status_code == 302 and response["Location"] == f"{QUEUE}?kind="
    assert messages_of(response) == [
        "2 条已核验。",
        "“机构未核验的政策”：发布机构“待核验机构”尚未通过核验，请先核验该机构。",
    ]
    waiting["policy"].refresh_from_db()
    blocked.refresh_from_db()
    assert (waiting["policy"].status, blocked.status) == ("published", "submitted")
    assert Notification.objects.filter(recipient=member, kind="listing_verified").count() == 2


def test_bulk_reject_needs_a_reason(client, nanjing_admin, waiting):
    client.force_login(nanjing_admin)
    selected = [f"policy:{waiting['policy'].pk}"]

    response = client.post(QUEUE, {"action": "reject", "selected": selected, "reason": " "})

    assert response.status_code == 200
    assert "退回时必须填写理由，说明需要修改什么。" in messages_of(response)
    waiting["policy"].refresh_from_db()
    assert waiting["policy"].status == "submitted"

    response = client.post(QUEUE, {"action": "reject", "selected": selected, "reason": "请补充原文链接"})

    assert messages_of(response) == ["1 条已退回。"]
    waiting["policy"].refresh_from_db()
    assert (waiting["policy"].status, waiting["policy"].status_reason) == ("rejected", "请补充原文链接")


def test_city_admin_cannot_act_on_another_citys_record(client, nanjing_admin, waiting):
    client.force_login(nanjing_admin)
    suzhou = waiting["suzhou"]

    response = client.post(QUEUE, {"action": "verify", "selected": [f"policy:{suzhou.pk}"]})

    assert messages_of(response) == [f"“政策 #{suzhou.pk}”：记录不存在，或不属于您管理的城市。"]
    suzhou.refresh_from_db()
    assert suzhou.status == "submitted"


def test_nothing_selected_is_an_error(client, nanjing_admin, waiting):
    client.force_login(nanjing_admin)
    response = client.post(QUEUE, {"action": "verify"})
    assert response.status_code == 200 and "请至少勾选一条记录。" in messages_of(response)


def test_queue_pages(client, nanjing_admin):
    owner = OrganisationFactory(city=city("nanjing"))
    for n in range(53):
        make_listing("event", city="nanjing", status="submitted", owner=owner, title=f"活动{n}")
    client.force_login(nanjing_admin)

    first = client.get(QUEUE)
    second = client.get(QUEUE, {"page": 2})

    assert len(first.context["queue"].rows) == 50 and len(second.context["queue"].rows) == 3
    assert "page=2" in first.content.decode()


def test_dashboard_freshness_panel_city_admin_sees_own_city(client, nanjing_admin):
    owner = OrganisationFactory(city=city("nanjing"), last_verified_at=timezone.now())
    make_listing(
        "policy", city="nanjing", owner=owner, last_verified_at=timezone.now() - dt.timedelta(days=200)
    )
    client.force_login(nanjing_admin)

    response = client.get(reverse("admin:index"))

    panel = response.context["freshness_panel"]
    assert [row["city"].slug for row in panel["rows"]] == ["nanjing"]
    figures = panel["rows"][0]["figures"]
    assert (figures.verified_recently, figures.total_public, figures.share_percent) == (1, 2, 50)
    html = response.content.decode()
    assert 'id="freshness-panel"' in html and "50%（1/2）" in html


def test_dashboard_freshness_panel_alliance_admin_sees_every_member_city(client, alliance):
    client.force_login(alliance)
    panel = client.get(reverse("admin:index")).context["freshness_panel"]
    assert len(panel["rows"]) == 8
