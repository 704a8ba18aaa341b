"""Demo data of 资源共享 booking (预约).

- **Availability** for every sample instrument whose booking rules state a lead time (the samples say
  「提前3个工作日线上预约」): that lead time, booking by the hour. The seeds name no instrument and state
  no booking rules for the real carriers, so no real record gets settings it does not have; opening
  hours (working days 09:00–17:00) are the samples' own, as their rules text says nothing of them.
- **The demo university's own instrument** (【示例】, owned by demo-university's sample university), so
  that account sees the owner's side: a pending request to answer, an approved booking in its
  calendar, and a completed use with its record and rating. The requester is demo-member's sample
  enterprise.

Idempotent: settings are created only where missing; the sample bookings only when the instrument
has none.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from innomarket.accounts.models import User
from innomarket.resources import availability as av
from innomarket.resources.models import (
    BookableResource,
    Booking,
    BookingCompletion,
    BookingRating,
    BookingUnit,
    Instrument,
)
from innomarket.resources.services import _occupy
from innomarket.verification.services import record_event

from . import samples as S

if TYPE_CHECKING:
    from .loader import DemoLoader

UNIVERSITY_CITY = list(S.CITY_CODES)[1]  # demo-university's sample university (see load_users)
INSTRUMENT_TITLE = "台式扫描电子显微镜（{short}）"
OPENS, CLOSES = dt.time(9, 0), dt.time(17, 0)


def _university_instrument(loader: DemoLoader) -> Instrument:
    university = loader.sample_orgs[(UNIVERSITY_CITY, "university")]
    short = loader.cities[UNIVERSITY_CITY].short_name
    instrument = loader._sample_listing(
        Instrument,
        city_slug=UNIVERSITY_CITY,
        owner=university,
        title=INSTRUMENT_TITLE.format(short=short),
        summary="示例共享仪器：台式扫描电子显微镜，可对外预约使用，适合材料表面形貌观察与能谱分析。",
        fields=[S.CITY_ENTERPRISE_FIELDS[UNIVERSITY_CITY][0]],
        category="形貌分析",
        location=f"{university.name}分析测试中心（示例）",
        booking_rules="提前2个工作日线上预约；首次使用需参加操作培训（示例）。",
        fee_note="300元/机时（示例）",
        accepts_vouchers=True,
    )
    assert isinstance(instrument, Instrument)
    return instrument


def load_booking_settings(loader: DemoLoader) -> None:
    """预约设置 for the sample instruments whose rules state a lead time; the university's own one."""
    own = _university_instrument(loader)
    loader.record_creation_events()
    candidates = Instrument.objects.filter(is_sample=True, booking_settings__isnull=True).exclude(
        booking_rules=""
    )
    for instrument in candidates.order_by("pk"):
        lead = av.lead_days_from_text(instrument.booking_rules)
        if lead is None:
            continue
        bookable = BookableResource(
            instrument=instrument,
            unit=BookingUnit.HOUR,
            weekdays="12345",
            opens_at=OPENS,
            closes_at=CLOSES,
            lead_days=lead,
            price=Decimal("300") if instrument.pk == own.pk else None,
            price_note=instrument.fee_note,
            accepts_vouchers=instrument.accepts_vouchers,
            notes="首次使用需参加操作培训（示例）。" if "培训" in instrument.booking_rules else "",
        )
        bookable.full_clean()
        bookable.save()
        loader.created[BookableResource._meta.label] += 1


def _booking(
    bookable: BookableResource,
    *,
    organisation_id: int,
    user: User,
    owner_user: User | None,
    start: dt.datetime,
    hours: int,
    status: str,
    purpose: str,
) -> Booking:
    now = timezone.now()
    booking = Booking.objects.create(
        bookable=bookable,
        city_id=bookable.resource.city_id,
        organisation_id=organisation_id,
        requested_by=user,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        purpose=purpose,
        samples="锂电池正极材料粉末 3 份，无毒无腐蚀（示例）。",
        contact="示例联系人（演示账号，无电话）",
        status=status,
        submitted_at=now,
        awaiting_since=now if status == Booking.Status.PENDING else None,
        first_answered_at=None if status == Booking.Status.PENDING else now,
        is_sample=True,
    )
    record_event(record=booking, actor=user, from_status="", to_status="pending", reason="提交预约申请")
    if status != Booking.Status.PENDING:
        record_event(record=booking, actor=owner_user, from_status="pending", to_status="approved")
        _occupy(bookable, booking.starts_at, booking.ends_at, booking=booking)
    if status == Booking.Status.COMPLETED:
        record_event(
            record=booking, actor=owner_user, from_status="approved", to_status="completed", reason="按约使用"
        )
    return booking


def load_bookings(loader: DemoLoader) -> None:
    """demo-member's enterprise books the demo university's microscope: pending, approved, completed."""
    member = User.objects.filter(username="demo-member").first()
    owner_user = User.objects.filter(username="demo-university").first()
    instrument = _university_instrument(loader)
    bookable = BookableResource.objects.filter(instrument=instrument).first()
    if member is None or bookable is None or bookable.bookings.exists():
        return
    enterprise = loader.sample_orgs[("putuo", "enterprise_a")]
    rules = av.Rules.of(bookable)
    first = av.earliest_day(rules, loader.today)
    second = av.add_working_days(first, 1)
    past = loader.today - dt.timedelta(days=7)
    while past.isoweekday() > 5:
        past -= dt.timedelta(days=1)
    _booking(
        bookable,
        organisation_id=enterprise.pk,
        user=member,
        owner_user=owner_user,
        start=av.at(first, dt.time(9, 0)),
        hours=2,
        status=Booking.Status.PENDING,
        purpose="观察软件定义传感器外壳涂层的表面形貌，评估喷涂均匀性（示例）。",
    )
    _booking(
        bookable,
        organisation_id=enterprise.pk,
        user=member,
        owner_user=owner_user,
        start=av.at(second, dt.time(14, 0)),
        hours=2,
        status=Booking.Status.APPROVED,
        purpose="电极材料颗粒形貌与粒径分布观察（示例）。",
    )
    done = _booking(
        bookable,
        organisation_id=enterprise.pk,
        user=member,
        owner_user=owner_user,
        start=av.at(past, dt.time(9, 0)),
        hours=3,
        status=Booking.Status.COMPLETED,
        purpose="焊点截面形貌与能谱分析（示例）。",
    )
    BookingCompletion.objects.create(
        booking=done,
        outcome=BookingCompletion.Outcome.USED,
        used_hours=Decimal("3"),
        fee=Decimal("900"),
        note="按约完成测试，数据已拷贝给申请方（示例）。",
        recorded_by=owner_user,
    )
    BookingRating.objects.create(
        booking=done, score=5, comment="操作培训细致，出图快（示例）。", rated_by=member
    )
    loader.created[Booking._meta.label] += 3
