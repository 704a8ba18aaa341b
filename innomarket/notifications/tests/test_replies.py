"""有问必答 for every registered transaction: reminders, escalation, rounds of waiting, statistics.

Exercised through a real registered rule (在线咨询) so the whole path runs: the rule's queryset, its
answerers and requesters, the notifications and the once-per-round reminder rows.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from innomarket.common.tests import factories as f
from innomarket.enquiries import services as enquiries
from innomarket.notifications import replies
from innomarket.notifications.models import Notification, ReplyReminder
from innomarket.notifications.selectors import reply_stats
from innomarket.notifications.services import reply_reminders_send
from innomarket.resources.models import Instrument

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def people():
    owner_org = f.OrganisationFactory(name="仪器共享中心")
    owner = f.member_of(owner_org)
    asker = f.UserFactory()
    admin = f.city_admin("nanjing")
    other_admin = f.city_admin("wuxi")
    instrument = Instrument.objects.create(
        title="透射电镜", owner=owner_org, city=owner_org.city, status="published", published_at=timezone.now()
    )
    return owner, asker, admin, other_admin, instrument


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_every_app_registers_its_rule():
    assert "enquiry" in {rule.key for rule in replies.rules()}


def test_reminds_the_answering_side_once_after_the_response_days(settings, people):
    settings.INNOMARKET_REPLIES = {"RESPONSE_DAYS": 3, "ESCALATE_DAYS": 7}
    owner, asker, admin, _other, instrument = people
    start = timezone.now()
    enquiries.enquiry_submit(actor=asker, record=instrument, subject="送样", message="能否测样？", now=start)

    assert reply_reminders_send(now=start + 2 * DAY).reminded == 0
    report = reply_reminders_send(now=start + 3 * DAY + dt.timedelta(minutes=1))
    again = reply_reminders_send(now=start + 4 * DAY)

    assert (report.reminded, report.escalated, again.reminded) == (1, 0, 0)
    assert kinds(owner) == ["enquiry_consult", "enquiry_reminder"]
    assert kinds(admin) == []


def test_escalates_to_the_city_administrators_and_tells_the_requester(settings, people):
    settings.INNOMARKET_REPLIES = {"RESPONSE_DAYS": 3, "ESCALATE_DAYS": 7}
    owner, asker, admin, other_admin, instrument = people
    start = timezone.now()
    enquiries.enquiry_submit(actor=asker, record=instrument, subject="送样", message="能否测样？", now=start)
    reply_reminders_send(now=start + 4 * DAY)

    report = reply_reminders_send(now=start + 8 * DAY)
    assert (report.reminded, report.escalated) == (0, 1)
    assert reply_reminders_send(now=start + 9 * DAY).escalated == 0

    assert kinds(admin) == ["enquiry_escalated"]
    assert kinds(other_admin) == []  # another city's administrator hears nothing
    assert "enquiry_escalated_requester" in kinds(asker)
    escalation = Notification.objects.get(recipient=admin)
    assert "8 天未获答复" in escalation.title and "送样" in escalation.body


def test_a_request_first_seen_after_the_escalation_days_is_escalated_once_not_also_reminded(settings, people):
    settings.INNOMARKET_REPLIES = {"RESPONSE_DAYS": 3, "ESCALATE_DAYS": 7}
    owner, asker, admin, _other, instrument = people
    start = timezone.now()
    enquiries.enquiry_submit(actor=asker, record=instrument, subject="送样", message="能否测样？", now=start)

    report = reply_reminders_send(now=start + 10 * DAY)

    assert (report.reminded, report.escalated) == (0, 1)
    assert set(ReplyReminder.objects.values_list("level", flat=True)) == {"remind", "escalate"}
    assert reply_reminders_send(now=start + 11 * DAY).reminded == 0


def test_an_answer_stops_reminders_and_a_follow_up_starts_a_new_round(settings, people):
    settings.INNOMARKET_REPLIES = {"RESPONSE_DAYS": 3, "ESCALATE_DAYS": 7}
    owner, asker, _admin, _other, instrument = people
    enquiry = enquiries.enquiry_submit(actor=asker, record=instrument, subject="送样", message="能否测样？")
    enquiries.enquiry_reply(actor=owner, enquiry=enquiry, message="可以")
    assert reply_reminders_send(now=timezone.now() + 5 * DAY).reminded == 0

    enquiries.enquiry_follow_up(actor=asker, enquiry=enquiry, message="费用多少？")
    report = reply_reminders_send(now=timezone.now() + 4 * DAY)

    assert report.reminded == 1
    assert ReplyReminder.objects.filter(level="remind").count() == 1


def test_reply_stats_measure_first_answers_within_the_days(settings, people):
    settings.INNOMARKET_REPLIES = {"RESPONSE_DAYS": 3, "ESCALATE_DAYS": 7}
    owner, asker, _admin, _other, instrument = people
    now = timezone.now()
    quick = enquiries.enquiry_submit(actor=asker, record=instrument, subject="一", message="问一", now=now - 10 * DAY)
    enquiries.enquiry_reply(actor=owner, enquiry=quick, message="答")
    type(quick).objects.filter(pk=quick.pk).update(first_answered_at=now - 9 * DAY)  # answered in one day
    other = f.UserFactory()
    enquiries.enquiry_submit(actor=other, record=instrument, subject="二", message="问二", now=now - 5 * DAY)
    third = f.UserFactory()
    enquiries.enquiry_submit(actor=third, record=instrument, subject="三", message="问三", now=now - DAY)

    stats = {s.key: s for s in reply_stats(now=now)}["enquiry"]

    assert (stats.submitted, stats.answered, stats.pending, stats.overdue) == (3, 1, 2, 1)
    assert stats.within_share == pytest.approx(0.5)  # 1 answered in time of 2 that had 3 days
    assert stats.median_hours == pytest.approx(24, abs=0.1)
    assert [count for _label, count in stats.funnel] == [3, 1, 0, 0]
    wuxi = {s.key: s for s in reply_stats(city_id=f.city("wuxi").pk, now=now)}["enquiry"]
    assert (wuxi.submitted, wuxi.within_share, wuxi.median_hours) == (0, None, None)
