"""有问必答 for 金融服务: reminders, escalation to the city, and the funnels the statistics show."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from innomarket.finance import services
from innomarket.notifications import replies
from innomarket.notifications.models import Notification
from innomarket.notifications.selectors import reply_stats
from innomarket.notifications.services import reply_reminders_send

pytestmark = pytest.mark.django_db


def test_both_rules_are_registered():
    assert {"loan_application", "financing_interest"} <= {rule.key for rule in replies.rules()}


def test_unanswered_application_reminds_the_bank_then_escalates_to_the_product_city(world):
    application = world.apply()
    submitted = application.awaiting_since

    report = reply_reminders_send(now=submitted + dt.timedelta(days=4))
    assert report.reminded >= 1
    reminder = Notification.objects.get(recipient=world.banker, kind="loan_application_reminder")
    assert "融资申请已等待 4 天" in reminder.title
    assert "蓝鸟测试科技有限公司" in reminder.body
    assert reminder.url == application.get_absolute_url()

    reply_reminders_send(now=submitted + dt.timedelta(days=4, hours=1))  # once per round
    assert Notification.objects.filter(recipient=world.banker, kind="loan_application_reminder").count() == 1

    reply_reminders_send(now=submitted + dt.timedelta(days=8))
    assert Notification.objects.filter(recipient=world.admin, kind="loan_application_escalated").count() == 1
    assert not Notification.objects.filter(recipient=world.other_admin).exists()
    assert Notification.objects.filter(
        recipient=world.founder, kind="loan_application_escalated_requester"
    ).exists()


def test_accepted_application_waits_for_the_decision_but_needs_info_waits_on_nobody(world):
    application = world.apply()
    application = services.loan_application_accept(actor=world.banker, application=application)

    reply_reminders_send(now=application.awaiting_since + dt.timedelta(days=4))
    reminder = Notification.objects.get(recipient=world.banker, kind="loan_application_reminder")
    assert "已受理，待审批结果" in reminder.body

    application = services.loan_application_request_info(
        actor=world.banker, application=application, info_request="审计报告"
    )
    before = Notification.objects.count()
    reply_reminders_send(now=timezone.now() + dt.timedelta(days=30))
    assert Notification.objects.count() == before


def test_unanswered_interest_reminds_the_enterprise(world):
    interest = services.financing_interest_submit(
        actor=world.investor_user,
        request=world.financing,
        institution=world.investor,
        amount_min_wan=Decimal("500"),
        amount_max_wan=Decimal("1000"),
        note="有意领投",
    )

    reply_reminders_send(now=interest.awaiting_since + dt.timedelta(days=4))

    reminder = Notification.objects.get(recipient=world.founder, kind="financing_interest_reminder")
    assert "南京某创投" in reminder.body
    assert not Notification.objects.filter(
        recipient=world.investor_user, kind="financing_interest_reminder"
    ).exists()


def _stats(key: str, city_id=None):
    return next(s for s in reply_stats(city_id=city_id) if s.key == key)


def test_funnels_count_each_stage_per_city(world):
    granted = world.apply()
    services.loan_application_grant(actor=world.banker, application=granted, amount_wan=Decimal("3500"))
    declined = services.loan_application_submit(
        actor=world.outsider,
        product=world.product,
        applicant=world.other_enterprise,
        amount_wan=Decimal("200"),
        purpose="流动资金",
    )
    services.loan_application_decline(actor=world.banker, application=declined, reason="credit")
    services.loan_application_submit(
        actor=world.founder,
        product=world.product,
        applicant=world.enterprise,
        amount_wan=Decimal("300"),
        purpose="设备采购",
    )

    loans = _stats("loan_application", world.product.city_id)
    assert [(str(label), n) for label, n in loans.funnel] == [
        ("提交申请", 3),
        ("已答复", 2),
        ("已受理", 1),
        ("已授信", 1),
        ("已婉拒", 1),
    ]
    assert loans.submitted == 3 and loans.pending == 1
    assert [n for _, n in _stats("loan_application", world.other_admin.administered_city_id).funnel] == [
        0
    ] * 5

    interest = services.financing_interest_submit(
        actor=world.investor_user,
        request=world.financing,
        institution=world.investor,
        amount_min_wan=Decimal("500"),
        amount_max_wan=Decimal("1000"),
        note="有意领投",
    )
    services.financing_interest_accept(actor=world.founder, interest=interest)
    interests = _stats("financing_interest")
    assert [(str(label), n) for label, n in interests.funnel] == [
        ("收到意向", 1),
        ("已回复", 1),
        ("同意洽谈", 1),
    ]



def test_workspace_lists_applications_awaiting_the_institutions_answer(world):
    """待我答复: the bank's member owes the answer; the applicant and other cities' people do not."""
    from innomarket.notifications.selectors import awaiting_my_reply

    world.apply()

    mine = {item.key: item for item in awaiting_my_reply(world.banker)}
    assert mine["loan_application"].count == 1
    assert mine["loan_application"].url == "/workspace/finance/"
    assert "loan_application" not in {item.key for item in awaiting_my_reply(world.founder)}
    assert "loan_application" not in {item.key for item in awaiting_my_reply(world.other_admin)}
