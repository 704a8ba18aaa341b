"""活动报名 pages: the panel on the event page, the form, the registrant's page with the check-in
code, and the organisers' list, check-in and .xlsx export."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from innomarket.events import services
from innomarket.events.models import Registration

from .conftest import make_event

pytestmark = pytest.mark.django_db


def test_event_page_shows_seats_and_asks_visitors_to_log_in(client, events):
    body = client.get(events.event.get_absolute_url()).content.decode()
    assert "活动报名" in body and "3 人，剩余 3 个" in body and "登录后报名" in body


def test_register_shows_the_check_in_code(client, events):
    person = events.people[0]
    client.force_login(person)
    url = reverse("events:register", args=[events.event.pk])

    bad = client.post(url, {"name": "", "phone": "123"})
    assert bad.status_code == 400 and "请填写姓名" in bad.content.decode()
    assert not Registration.objects.exists()
    response = client.post(
        url, {"name": "参会人1", "affiliation": "某单位", "phone": "139 0000 0000"}, follow=True
    )

    registration = Registration.objects.get()
    body = response.content.decode()
    assert registration.check_in_code in body and "报名成功" in body
    assert registration.phone == "13900000000"
    assert registration.check_in_code in client.get(events.event.get_absolute_url()).content.decode()
    assert registration.check_in_code in client.get(reverse("site:event-my-registrations")).content.decode()


def test_phone_error_is_located(client, events):
    client.force_login(events.people[0])
    response = client.post(
        reverse("events:register", args=[events.event.pk]), {"name": "甲", "phone": "12345"}
    )
    assert response.status_code == 400 and "手机号码应为 11 位数字" in response.content.decode()


def test_full_event_offers_the_waiting_list(client, events):
    for p in events.people[:3]:
        services.registration_submit(actor=p, event=events.event, name=p.name)
    client.force_login(events.people[3])
    assert "报名候补" in client.get(events.event.get_absolute_url()).content.decode()
    response = client.post(
        reverse("events:register", args=[events.event.pk]), {"name": "参会人4"}, follow=True
    )
    assert "候补名单第 1 位" in response.content.decode()


def test_cancel_from_the_registration_page(client, events):
    registration = services.registration_submit(actor=events.people[0], event=events.event, name="甲")
    client.force_login(events.people[0])
    client.post(reverse("site:event-registration-cancel", args=[registration.pk]), {"reason": "有事"})
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_organiser_checks_in_and_exports_a_real_workbook(client, events):
    registration = services.registration_submit(actor=events.people[0], event=events.event, name="参会人1")
    client.force_login(events.organiser)
    manage = reverse("site:event-manage", args=[events.event.pk])
    assert "参会人1" in client.get(manage).content.decode()

    wrong = client.post(reverse("site:event-check-in", args=[events.event.pk]), {"code": "XXXXXX"})
    assert wrong.status_code == 400 and "不属于本活动" in wrong.content.decode()
    client.post(reverse("site:event-check-in", args=[events.event.pk]), {"code": registration.check_in_code})
    registration.refresh_from_db()
    assert registration.status == "checked_in"

    response = client.get(reverse("site:event-export", args=[events.event.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][1] == "姓名" and rows[1][1] == "参会人1" and rows[1][6] == "已签到"


def test_only_organisers_open_the_list_and_the_export(client, events):
    registration = services.registration_submit(actor=events.people[0], event=events.event, name="甲")
    client.force_login(events.outsider)
    assert client.get(reverse("site:event-manage", args=[events.event.pk])).status_code == 404
    assert client.get(reverse("site:event-export", args=[events.event.pk])).status_code == 404
    assert client.get(registration.get_absolute_url()).status_code == 404
    client.force_login(events.people[1])
    assert client.get(reverse("site:event-org", args=[events.org.pk])).status_code == 404


def test_organiser_reviews_pending_registrations(client, events):
    event = make_event(events.org, title="闭门路演", requires_review=True)
    a = services.registration_submit(actor=events.people[0], event=event, name="甲")
    b = services.registration_submit(actor=events.people[1], event=event, name="乙")
    client.force_login(events.organiser)
    assert "待审核" in client.get(reverse("site:event-manage", args=[event.pk])).content.decode()

    client.post(reverse("site:event-registration-approve", args=[event.pk, a.pk]))
    bad = client.post(reverse("site:event-registration-decline", args=[event.pk, b.pk]), {"reason": ""})
    assert bad.status_code == 400
    client.post(reverse("site:event-registration-decline", args=[event.pk, b.pk]), {"reason": "audience"})

    assert dict(Registration.objects.values_list("name", "status")) == {"甲": "confirmed", "乙": "declined"}
    assert "闭门路演" in client.get(reverse("site:event-org", args=[events.org.pk])).content.decode()
