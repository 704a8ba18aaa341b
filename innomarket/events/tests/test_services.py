"""活动报名 services: capacity and waiting list, review (有问必答), cancel and promotion, check-in,
read-only past events, permissions, the funnel and the 报名名单 workbook."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from innomarket.common.exceptions import ApplicationError, PermissionDenied
from innomarket.common.tests.factories import city, city_admin
from innomarket.events import exports, selectors, services
from innomarket.events.models import Event, Registration
from innomarket.notifications.models import Notification
from innomarket.notifications.services import reply_reminders_send
from innomarket.verification.selectors import status_events_for

from .conftest import make_event

pytestmark = pytest.mark.django_db


def register(e, person, event=None, **kwargs):
    values = {"actor": person, "event": event or e.event, "name": person.name, "affiliation": "某单位"}
    values.update(kwargs)
    return services.registration_submit(**values)


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_seats_then_waiting_list_in_order(events):
    regs = [register(events, p) for p in events.people[:5]]

    assert [r.status for r in regs] == ["confirmed"] * 3 + ["waitlisted"] * 2
    codes = [r.check_in_code for r in regs[:3]]
    assert len(set(codes)) == 3 and all(len(c) == 6 for c in codes)
    assert [selectors.waitlist_position(r) for r in regs[3:]] == [1, 2]
    assert services.seats_left(events.event) == 0
    assert "event_registration_confirmed" in kinds(events.people[0])
    assert "event_registration_waitlisted" in kinds(events.people[3])
    assert "event_registration_new" in kinds(events.organiser)


def test_unlimited_event_confirms_everyone(events):
    event = make_event(events.org, title="不限名额的宣讲会", capacity=None)
    assert {register(events, p, event=event).status for p in events.people} == {"confirmed"}
    assert services.seats_left(event) is None


def test_cancelling_a_seat_promotes_the_first_person_waiting(events):
    regs = [register(events, p) for p in events.people[:5]]

    services.registration_cancel(actor=events.people[1], registration=regs[1], reason="行程冲突")

    statuses = {r.pk: r.status for r in Registration.objects.all()}
    assert statuses[regs[1].pk] == "cancelled"
    assert statuses[regs[3].pk] == "confirmed" and statuses[regs[4].pk] == "waitlisted"
    promoted = Registration.objects.get(pk=regs[3].pk)
    assert promoted.check_in_code and promoted.check_in_code not in {
        regs[0].check_in_code,
        regs[2].check_in_code,
    }
    assert "event_registration_promoted" in kinds(events.people[3])
    assert "event_registration_cancelled" in kinds(events.organiser)
    assert selectors.waitlist_position(Registration.objects.get(pk=regs[4].pk)) == 1


def test_cancelling_a_waiting_place_promotes_nobody(events):
    regs = [register(events, p) for p in events.people[:5]]
    services.registration_cancel(actor=events.people[3], registration=regs[3])
    assert Registration.objects.get(pk=regs[4].pk).status == "waitlisted"


def test_raising_the_capacity_lets_the_organiser_promote_in_order(events):
    regs = [register(events, p) for p in events.people[:5]]
    Event.objects.filter(pk=events.event.pk).update(capacity=4)

    promoted = services.waitlist_promote(actor=events.organiser, event=events.event)

    assert [r.pk for r in promoted] == [regs[3].pk]
    with pytest.raises(PermissionDenied):
        services.waitlist_promote(actor=events.outsider, event=events.event)


def test_one_active_registration_per_person_and_re_registration_after_cancel(events):
    reg = register(events, events.people[0])
    with pytest.raises(ApplicationError, match="已报名"):
        register(events, events.people[0])
    services.registration_cancel(actor=events.people[0], registration=reg)
    assert register(events, events.people[0]).status == "confirmed"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"name": " "}, "name"), ({"phone": "12345"}, "phone"), ({"note": "长" * 301}, "note")],
)
def test_bad_registration_is_refused_with_a_located_message(events, kwargs, field):
    with pytest.raises(ApplicationError) as exc:
        register(events, events.people[0], **kwargs)
    assert exc.value.extra == {"field": field}
    assert not Registration.objects.exists()


def test_registration_closes_at_the_deadline_and_needs_platform_registration(events):
    closed = make_event(
        events.org, title="已截止", registration_deadline=timezone.now() - dt.timedelta(hours=1)
    )
    with pytest.raises(ApplicationError, match="报名已截止"):
        register(events, events.people[0], event=closed)
    external = make_event(events.org, title="外部报名", takes_registrations=False)
    with pytest.raises(ApplicationError, match="不在平台报名"):
        register(events, events.people[0], event=external)


def test_registering_for_an_organisation_needs_membership(events):
    with pytest.raises(PermissionDenied):
        register(events, events.people[0], organisation=events.org)
    reg = register(events, events.organiser, organisation=events.org, affiliation="")
    assert reg.affiliation == events.org.name


def test_review_needs_an_answer_approval_gives_a_seat_or_a_waiting_place(events):
    event = make_event(events.org, title="闭门路演", capacity=1, requires_review=True)
    first = register(events, events.people[0], event=event)
    second = register(events, events.people[1], event=event)
    assert first.status == second.status == "pending" and first.awaiting_since is not None

    first = services.registration_approve(actor=events.organiser, registration=first)
    second = services.registration_approve(actor=events.organiser, registration=second)

    assert (first.status, second.status) == ("confirmed", "waitlisted")
    assert first.awaiting_since is None and first.first_answered_at is not None
    assert [e.to_status for e in status_events_for(first)][::-1] == ["pending", "confirmed"]


def test_review_decline_needs_a_reason(events):
    event = make_event(events.org, title="闭门路演", requires_review=True)
    reg = register(events, events.people[0], event=event)
    with pytest.raises(ApplicationError):
        services.registration_decline(actor=events.organiser, registration=reg, reason="")
    with pytest.raises(PermissionDenied):
        services.registration_decline(actor=events.outsider, registration=reg, reason="audience")

    reg = services.registration_decline(
        actor=events.organiser, registration=reg, reason="audience", note="限投资机构"
    )

    assert reg.status == "declined"
    assert (
        "限投资机构"
        in Notification.objects.get(recipient=events.people[0], kind="event_registration_declined").body
    )


def test_pending_review_is_reminded_and_escalated(events):
    admin = city_admin("changzhou", username="czadmin")
    event = make_event(events.org, title="闭门路演", requires_review=True)
    reg = register(events, events.people[0], event=event)
    Registration.objects.filter(pk=reg.pk).update(awaiting_since=timezone.now() - dt.timedelta(days=8))

    reply_reminders_send()

    assert "event_registration_escalated" in kinds(admin)
    assert "event_registration_escalated_requester" in kinds(events.people[0])


def test_automatic_confirmations_owe_no_answer(events):
    register(events, events.people[0])
    Registration.objects.update(created_at=timezone.now() - dt.timedelta(days=30))
    assert reply_reminders_send().reminded == 0


def test_check_in_by_code(events):
    reg = register(events, events.people[0])

    checked = services.registration_check_in(
        actor=events.organiser, event=events.event, code=f" {reg.check_in_code.lower()} "
    )

    assert checked.status == "checked_in" and checked.checked_in_at is not None
    with pytest.raises(ApplicationError, match="已于"):
        services.registration_check_in(actor=events.organiser, event=events.event, code=reg.check_in_code)
    with pytest.raises(ApplicationError, match="不属于本活动") as exc:
        services.registration_check_in(actor=events.organiser, event=events.event, code="ZZZZZZ")
    assert exc.value.extra == {"field": "code"}
    with pytest.raises(PermissionDenied):
        services.registration_check_in(actor=events.people[0], event=events.event, code=reg.check_in_code)
    with pytest.raises(ApplicationError, match="不能取消"):
        services.registration_cancel(actor=events.people[0], registration=checked)


def test_code_of_another_event_does_not_check_in(events):
    other = make_event(events.org, title="另一场活动")
    reg = register(events, events.people[0], event=other)
    with pytest.raises(ApplicationError, match="不属于本活动"):
        services.registration_check_in(actor=events.organiser, event=events.event, code=reg.check_in_code)


def test_past_events_are_read_only_with_their_records(events):
    reg = register(events, events.people[0])
    past = timezone.now() - dt.timedelta(days=2)
    Event.objects.filter(pk=events.event.pk).update(starts_at=past, ends_at=past + dt.timedelta(hours=2))
    reg.refresh_from_db()

    with pytest.raises(ApplicationError, match="已结束"):
        services.registration_cancel(actor=events.people[0], registration=reg)
    with pytest.raises(ApplicationError, match="已结束"):
        services.registration_check_in(actor=events.organiser, event=events.event, code=reg.check_in_code)
    with pytest.raises(ApplicationError, match="报名已截止"):
        register(events, events.people[1])
    assert Registration.objects.get(pk=reg.pk).status == "confirmed"


def test_funnel_counts_registered_confirmed_and_checked_in(events):
    regs = [register(events, p) for p in events.people[:4]]
    services.registration_check_in(actor=events.organiser, event=events.event, code=regs[0].check_in_code)

    assert [c for _l, c in selectors.registration_funnel(city("changzhou").pk)] == [4, 3, 1]
    assert [c for _l, c in selectors.registration_funnel(city("nanjing").pk)] == [0, 0, 0]


def test_workbook_lists_every_registration_with_chinese_headers(events):
    regs = [
        register(events, p, phone="13900000000" if p is events.people[0] else "") for p in events.people[:4]
    ]
    services.registration_check_in(actor=events.organiser, event=events.event, code=regs[0].check_in_code)

    sheet = load_workbook(
        io.BytesIO(exports.registration_workbook(actor=events.organiser, event=events.event))
    ).active

    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "报名名单"
    assert rows[0][:9] == (
        "序号",
        "姓名",
        "单位",
        "职务",
        "手机号码",
        "电子邮箱",
        "状态",
        "候补顺序",
        "签到码",
    )
    assert [r[1] for r in rows[1:]] == ["参会人1", "参会人2", "参会人3", "参会人4"]
    assert rows[1][4] == "13900000000" and rows[1][6] == "已签到" and rows[1][10] is not None
    assert rows[4][6] == "候补中" and rows[4][7] == 1 and not rows[4][8]
    with pytest.raises(PermissionDenied):
        exports.registration_workbook(actor=events.people[0], event=events.event)


def test_registrations_to_review_show_in_the_organisers_workspace(events):
    from innomarket.notifications.selectors import awaiting_my_reply

    event = make_event(events.org, title="闭门路演", requires_review=True)
    register(events, events.people[0], event=event)

    mine = {item.key: item for item in awaiting_my_reply(events.organiser)}
    assert mine["event_registration"].count == 1
    assert mine["event_registration"].url.endswith(f"/manage/{event.pk}/")
    assert awaiting_my_reply(events.outsider) == [] and awaiting_my_reply(events.people[0]) == []
