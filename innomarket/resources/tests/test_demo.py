"""What the demo must contain for 资源共享 booking: availability where the samples state a lead time,
and an instrument of demo-university's organisation with requests from demo-member's enterprise."""

from __future__ import annotations

import pytest

from innomarket.accounts.models import User
from innomarket.demo.loader import DemoLoader
from innomarket.resources import services
from innomarket.resources.models import BookableResource, Booking, BookingSlot, Instrument

pytestmark = pytest.mark.django_db


def test_demo_bookings_show_both_sides_and_load_once():
    DemoLoader(achievements=0).run()

    sample = Instrument.objects.filter(is_sample=True, booking_rules__contains="提前3个工作日").first()
    assert sample is not None and sample.booking_settings.lead_days == 3
    assert not BookableResource.objects.filter(instrument__is_sample=False).exists()

    owner = User.objects.get(username="demo-university")
    member = User.objects.get(username="demo-member")
    bookings = Booking.objects.filter(is_sample=True)
    statuses = sorted(bookings.values_list("status", flat=True))
    assert statuses == ["approved", "completed", "pending"]
    booking = bookings.first()
    assert booking.bookable.resource.title.startswith("【示例】")
    assert services.is_owner_member(owner, booking.bookable) and services.is_requester(member, booking)
    assert booking.bookable.bookings.get(status="completed").rating.score == 5
    assert BookingSlot.objects.filter(booking__status="approved").exists()
    counts = (BookableResource.objects.count(), Booking.objects.count(), BookingSlot.objects.count())

    DemoLoader(achievements=0).run()

    assert (BookableResource.objects.count(), Booking.objects.count(), BookingSlot.objects.count()) == counts
