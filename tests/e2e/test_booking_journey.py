"""资源共享 in chromium: an enterprise books a university's electron microscope from its calendar, the
university approves it in its workspace, and the enterprise sees the booking approved — each person in
their own browser session; the requester's session is a phone-sized screen."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from innomarket.common.tests.factories import OrganisationFactory, city, member_of
from innomarket.organisations.models import Organisation
from innomarket.regions.tests.helpers import make_listing
from innomarket.resources import availability as av
from innomarket.resources import services
from innomarket.resources.models import Booking, BookingSlot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def microscope():
    university = OrganisationFactory(
        name="南京示例大学", kind=Organisation.Kind.UNIVERSITY, city=city("nanjing")
    )
    enterprise = OrganisationFactory(name="常州示例新材料有限公司", city=city("changzhou"))
    owner = member_of(university, username="lab")
    member_of(enterprise, username="ent")
    instrument = make_listing(
        "instrument",
        city="nanjing",
        title="场发射扫描电子显微镜",
        owner=university,
        is_sample=False,
        booking_rules="提前2个工作日线上预约。",
        accepts_vouchers=True,
    )
    services.bookable_configure(
        actor=owner,
        resource=instrument,
        data={"lead_days": 2, "price": 300, "opens_at": dt.time(9), "closes_at": dt.time(17)},
    )
    return instrument


def test_book_approve_and_see_it_approved(session, microscope, screenshot):
    from django.utils import timezone

    # 1. The enterprise, on a phone, reads the calendar and books the first free day, 09:00–11:00.
    ent = session("ent", phone=True)
    ent.goto(microscope.get_absolute_url())
    booking_panel = ent.locator("#booking")
    expect(booking_panel).to_contain_text("提前 2 个工作日")
    expect(booking_panel).to_contain_text("300 元/小时")
    screenshot(ent, "booking-1-calendar")
    first_day = av.add_working_days(timezone.localdate(), 2)
    ent.locator(f"a.bk-free[href$='date={first_day.isoformat()}']").first.click()
    expect(ent.get_by_role("heading", name=re.compile("申请预约"))).to_be_visible()

    # A time outside the opening hours is refused on its field, nothing is written.
    ent.get_by_label("开始时间").fill("17:00")
    ent.get_by_label("结束时间").fill("18:00")
    ent.get_by_label("使用目的与实验内容").fill("观察锂电池正极材料颗粒形貌。")
    ent.get_by_label("样品信息").fill("正极粉末 3 份，无毒。")
    ent.get_by_label("联系人及电话").fill("测试联系人")
    ent.get_by_role("button", name="提交预约申请").click()
    expect(ent.locator(".has-error").filter(has_text="开放时间为 09:00–17:00")).to_be_visible()
    assert not Booking.objects.exists()

    ent.get_by_label("开始时间").fill("09:00")
    ent.get_by_label("结束时间").fill("11:00")
    ent.get_by_label("拟使用创新券支付").check()
    ent.get_by_role("button", name="提交预约申请").click()
    expect(ent.locator("#booking-status")).to_have_text("待答复")
    booking = Booking.objects.get()
    assert booking.use_voucher and booking.awaiting_since is not None

    # 2. The university sees the request in its workspace and approves it.
    lab = session("lab")
    lab.goto("/workspace/")
    lab.get_by_role("link", name="收到的预约").click()
    expect(lab.locator("#pending-head")).to_contain_text("1")
    lab.get_by_role("link", name="场发射扫描电子显微镜").first.click()
    lab.get_by_label("说明（选填）").fill("请提前 10 分钟到场，携带样品。")
    screenshot(lab, "booking-2-owner")
    lab.get_by_role("button", name="批准预约").click()
    expect(lab.locator("#booking-status")).to_have_text("已批准")
    assert BookingSlot.objects.filter(booking=booking).count() == 4

    # 3. The enterprise sees it approved, with the owner's note, in its list and on the booking page.
    ent.goto("/workspace/bookings/")
    row = ent.locator("tr", has_text="场发射扫描电子显微镜")
    expect(row.locator(".badge-status-approved")).to_have_text("已批准")
    row.get_by_role("link", name="场发射扫描电子显微镜").click()
    expect(ent.locator("#booking-status")).to_have_text("已批准")
    expect(ent.get_by_text("请提前 10 分钟到场，携带样品。").first).to_be_visible()
    expect(ent.locator(".ws-history")).to_contain_text("已批准")
    screenshot(ent, "booking-3-approved")

    # The public calendar shows the period as booked, without the enterprise's name.
    ent.goto(microscope.get_absolute_url())
    expect(ent.locator("#booking")).to_contain_text("09:00–11:00 本机构预约")
    anonymous = ent.context.browser.new_context(locale="zh-CN", base_url=ent.url.split("/resources")[0])
    visitor = anonymous.new_page()
    visitor.goto(microscope.get_absolute_url())
    expect(visitor.locator("#booking")).to_contain_text("09:00–11:00 已预约")
    expect(visitor.locator("body")).not_to_contain_text("常州示例新材料有限公司")
    anonymous.close()
