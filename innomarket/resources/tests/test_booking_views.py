"""Booking pages: the calendar on the public detail page, the request form with located errors, the
booking page each side sees with its actions, the owner's list and settings, and 404 for strangers."""

from __future__ import annotations

import datetime as dt

import pytest

from innomarket.regions.tests.helpers import make_listing
from innomarket.resources import services
from innomarket.resources.models import BlockedPeriod, BookableResource, Booking

from .conftest import working_day

pytestmark = pytest.mark.django_db


def test_detail_page_shows_rules_and_calendar_without_names(client, world):
    booking = world.request(start="09:00", end="10:00")
    services.booking_approve(actor=world.owner_user, booking=booking)

    body = client.get(world.instrument.get_absolute_url()).content.decode()

    assert "预约使用" in body and "提前 2 个工作日" in body and "300 元/小时" in body
    assert "09:00–10:00 已预约" in body
    assert "常州某新材料有限公司" not in body
    assert f"/resources/instruments/{world.instrument.pk}/book/" in body


def test_resource_without_settings_says_so(client, world):
    other = make_listing("instrument", city="nanjing", title="质谱仪", owner=world.owner)
    body = client.get(other.get_absolute_url()).content.decode()
    assert "尚未开放在线预约" in body
    assert client.get(f"/resources/instruments/{other.pk}/book/").status_code in (302, 404)


def test_request_form_refuses_with_a_located_message_then_submits(client, world):
    client.force_login(world.requester_user)
    url = f"/resources/instruments/{world.instrument.pk}/book/"
    data = {
        "date": working_day(1).isoformat(),
        "start_time": "09:00",
        "end_time": "11:00",
        "organisation": world.requester.pk,
        "purpose": "形貌观察",
        "contact": "张工 0519-0000",
    }

    response = client.post(url, data)

    assert response.status_code == 400
    form = response.context["form"]
    assert "须提前 2 个工作日预约" in form.errors["date"][0]
    assert not Booking.objects.exists()

    response = client.post(url, {**data, "date": working_day(3).isoformat()})
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/workspace/bookings/{booking.pk}/"


def test_request_form_for_an_unaffiliated_user_explains(client, world):
    from innomarket.common.tests.factories import UserFactory

    client.force_login(UserFactory(username="loner"))
    body = client.get(f"/resources/instruments/{world.instrument.pk}/book/").content.decode()
    assert "预约需要以已核验机构的名义进行" in body


def test_owner_sees_pending_and_approves_on_the_booking_page(client, world):
    booking = world.request()
    client.force_login(world.owner_user)

    received = client.get("/workspace/bookings/received/").content.decode()
    assert "场发射扫描电子显微镜" in received and "常州某新材料有限公司" in received

    page = client.get(f"/workspace/bookings/{booking.pk}/").content.decode()
    assert "批准预约" in page and "提出其他时段" in page and "婉拒" in page

    response = client.post(f"/workspace/bookings/{booking.pk}/approve/", {"approve-note": "带样品"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "approved" and booking.answer_note == "带样品"


def test_decline_without_reason_is_shown_on_the_field(client, world):
    booking = world.request()
    client.force_login(world.owner_user)
    response = client.post(f"/workspace/bookings/{booking.pk}/decline/", {"decline-note": ""})
    assert response.status_code == 400
    assert response.context["forms"]["decline"].errors["reason"]


def test_propose_with_an_invalid_time_is_located(client, world):
    booking = world.request()
    client.force_login(world.owner_user)
    response = client.post(
        f"/workspace/bookings/{booking.pk}/propose/",
        {
            "propose-date": working_day(4).isoformat(),
            "propose-start_time": "18:00",
            "propose-end_time": "19:00",
        },
    )
    assert response.status_code == 400
    assert "开放时间" in response.context["forms"]["propose"].errors["start_time"][0]


def test_requester_sees_history_and_can_cancel_but_not_approve(client, world):
    booking = world.request()
    client.force_login(world.requester_user)
    page = client.get(f"/workspace/bookings/{booking.pk}/").content.decode()
    assert "办理记录" in page and "批准预约" not in page and "取消预约" in page
    refused = client.post(f"/workspace/bookings/{booking.pk}/approve/", follow=True)
    assert "只有资源所属机构的成员可以答复预约" in refused.content.decode()
    booking.refresh_from_db()
    assert booking.status == "pending"

    client.post(f"/workspace/bookings/{booking.pk}/cancel/", {"cancel-reason": "计划变更"})
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert "我的预约" in client.get("/workspace/bookings/").content.decode()


def test_strangers_get_404(client, world):
    booking = world.request()
    client.force_login(world.outsider)
    assert client.get(f"/workspace/bookings/{booking.pk}/").status_code == 404
    assert client.post(f"/workspace/bookings/{booking.pk}/approve/").status_code == 404
    assert client.get(f"/workspace/bookings/settings/instrument/{world.instrument.pk}/").status_code == 404
    client.force_login(world.admin)  # the city's administrator is asked to 督办: may read it
    assert client.get(f"/workspace/bookings/{booking.pk}/").status_code == 200


def test_settings_open_a_space_and_block_a_day(client, world):
    space = make_listing("space", city="nanjing", title="路演厅", owner=world.owner, kind="innovation_centre")
    client.force_login(world.owner_user)
    url = f"/workspace/bookings/settings/space/{space.pk}/"
    assert "开放在线预约" in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "is_open": "on",
            "unit": "half_day",
            "weekdays": ["1", "2", "3", "4", "5", "6"],
            "opens_at": "09:00",
            "closes_at": "17:30",
            "lead_days": "1",
            "horizon_days": "30",
            "price": "800",
            "accepts_vouchers": "on",
        },
    )
    assert response.status_code == 302
    bookable = BookableResource.objects.get(space=space)
    assert bookable.weekdays == "123456" and bookable.vouchers_accepted and bookable.unit == "half_day"

    bad = client.post(
        url,
        {
            "unit": "hour",
            "weekdays": [],
            "opens_at": "17:00",
            "closes_at": "09:00",
            "lead_days": "1",
            "horizon_days": "30",
        },
    )
    assert (
        bad.status_code == 400
        and bad.context["form"].errors["weekdays"]
        and bad.context["form"].errors["closes_at"]
    )

    day = working_day(2)
    response = client.post(
        f"{url}blocked/",
        {
            "block-start_date": day.isoformat(),
            "block-start_time": "00:00",
            "block-end_date": (day + dt.timedelta(days=1)).isoformat(),
            "block-end_time": "00:00",
            "block-reason": "holiday",
            "block-note": "校庆",
        },
    )
    assert response.status_code == 302
    period = BlockedPeriod.objects.get()
    assert period.slots.count() == 48
    assert "节假日" in client.get(space.get_absolute_url()).content.decode()


def test_instrument_settings_start_from_the_rules_text(client, world):
    other = make_listing(
        "instrument",
        city="nanjing",
        title="X射线衍射仪",
        owner=world.owner,
        booking_rules="提前3个工作日线上预约",
    )
    client.force_login(world.owner_user)
    response = client.get(f"/workspace/bookings/settings/instrument/{other.pk}/")
    assert response.context["form"].initial["lead_days"] == 3
    assert "accepts_vouchers" not in response.context["form"].fields


def test_back_office_shows_bookings_to_their_city_only_read_only(client, world):
    from innomarket.common.tests.factories import city_admin

    booking = world.request()
    client.force_login(world.admin)  # 南京, where the microscope is
    listing = client.get("/admin/resources/booking/")
    assert listing.status_code == 200 and "常州某新材料有限公司" in listing.content.decode()
    assert client.get(f"/admin/resources/booking/{booking.pk}/change/").status_code == 200
    assert client.get("/admin/resources/booking/add/").status_code == 403

    client.force_login(city_admin("suzhou", username="szadmin"))
    assert "常州某新材料有限公司" not in client.get("/admin/resources/booking/").content.decode()


def test_public_page_shows_the_mean_rating_and_the_owner_its_settings_link(client, world):
    from innomarket.resources.models import BookingCompletion, BookingRating

    booking = world.request()
    services.booking_approve(actor=world.owner_user, booking=booking)
    Booking.objects.filter(pk=booking.pk).update(status="completed")
    BookingCompletion.objects.create(booking=booking, outcome="used")
    BookingRating.objects.create(booking=booking, score=4)

    assert "用户评价 4.0 星（1 次使用）" in client.get(world.instrument.get_absolute_url()).content.decode()
    client.force_login(world.owner_user)
    body = client.get(world.instrument.get_absolute_url()).content.decode()
    assert f"/workspace/bookings/settings/instrument/{world.instrument.pk}/" in body and "申请预约" not in body
