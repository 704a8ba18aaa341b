"""在线咨询 / 洽谈意向: the state machine, permissions, bad input and the notifications of each step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from innomarket.common.exceptions import ApplicationError, PermissionDenied
from innomarket.common.tests import factories as f
from innomarket.enquiries import selectors, services
from innomarket.enquiries.models import Enquiry, EnquiryStatus
from innomarket.notifications.models import Notification

pytestmark = pytest.mark.django_db


def ask(asker, record, **overrides):
    values = {"subject": "能否测试陶瓷样品", "message": "我们有 20 个陶瓷样品，需要观察断口形貌，能否安排？"}
    values.update(overrides)
    return services.enquiry_submit(actor=asker, record=record, **values)


def test_submit_reaches_the_owner_members_and_awaits_them(asker, owner, instrument, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = ask(asker, instrument)

    assert enquiry.status == EnquiryStatus.SUBMITTED
    assert enquiry.owner == instrument.owner and enquiry.city == instrument.city
    assert enquiry.submitted_at is not None and enquiry.awaiting_since == enquiry.submitted_at
    assert enquiry.first_answered_at is None
    note = Notification.objects.get(recipient=owner)
    assert note.kind == "enquiry_consult" and "能否测试陶瓷样品" in note.title and note.url == enquiry.get_absolute_url()
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert [m.body for m in enquiry.messages.all()] == ["我们有 20 个陶瓷样品，需要观察断口形貌，能否安排？"]


def test_reply_answers_and_follow_up_awaits_the_owner_again(asker, owner, instrument):
    enquiry = ask(asker, instrument)

    enquiry = services.enquiry_reply(actor=owner, enquiry=enquiry, message="可以，请下周二送样。")
    assert enquiry.status == EnquiryStatus.ANSWERED and enquiry.awaiting_since is None
    first = enquiry.first_answered_at
    assert first is not None
    assert Notification.objects.filter(recipient=asker, kind="enquiry_answered").count() == 1

    enquiry = services.enquiry_follow_up(actor=asker, enquiry=enquiry, message="需要预约吗？")
    assert enquiry.status == EnquiryStatus.SUBMITTED and enquiry.awaiting_since is not None
    enquiry = services.enquiry_reply(actor=owner, enquiry=enquiry, message="需要，请在仪器页面预约。")
    assert enquiry.first_answered_at == first  # the response time counts the first answer
    assert [e.to_status for e in selectors.history(enquiry)] == ["submitted", "answered", "submitted", "answered"]
    assert [m.from_owner for m in selectors.conversation(enquiry)] == [False, True, False, True]


def test_decline_needs_a_structured_reason_and_words_for_other(asker, owner, instrument):
    enquiry = ask(asker, instrument)
    with pytest.raises(ApplicationError) as missing:
        services.enquiry_decline(actor=owner, enquiry=enquiry, reason="")
    assert missing.value.extra == {"field": "reason"}
    with pytest.raises(ApplicationError) as no_words:
        services.enquiry_decline(actor=owner, enquiry=enquiry, reason="other", note="  ")
    assert no_words.value.extra == {"field": "note"}

    enquiry = services.enquiry_decline(actor=owner, enquiry=enquiry, reason="not_available", note="设备检修至月底")

    assert enquiry.status == EnquiryStatus.DECLINED and enquiry.decline_reason == "not_available"
    note = Notification.objects.get(recipient=asker, kind="enquiry_declined")
    assert "资源或成果暂不对外提供：设备检修至月底" in note.body
    with pytest.raises(ApplicationError):
        services.enquiry_follow_up(actor=asker, enquiry=enquiry, message="再考虑一下？")


def test_only_the_owner_answers_and_only_the_author_follows_up(asker, owner, instrument):
    enquiry = ask(asker, instrument)
    stranger = f.UserFactory()
    other_city_admin = f.city_admin("wuxi")
    for actor in (stranger, asker, other_city_admin):
        with pytest.raises(PermissionDenied):
            services.enquiry_reply(actor=actor, enquiry=enquiry, message="你好")
    with pytest.raises(PermissionDenied):
        services.enquiry_follow_up(actor=owner, enquiry=enquiry, message="冒充咨询人")
    with pytest.raises(PermissionDenied):
        services.enquiry_close(actor=stranger, enquiry=enquiry)
    assert not selectors.can_view(stranger, enquiry)
    assert not selectors.can_view(other_city_admin, enquiry)
    assert selectors.can_view(f.city_admin("nanjing"), enquiry)  # the city that escalations go to


def test_record_without_owner_is_answered_by_its_city_administrators(asker, instrument):
    instrument.owner = None
    instrument.save()
    admin = f.city_admin("nanjing")

    enquiry = ask(asker, instrument)

    assert list(selectors.answerers(enquiry)) == [admin]
    assert Notification.objects.filter(recipient=admin, kind="enquiry_consult").exists()
    assert services.enquiry_reply(actor=admin, enquiry=enquiry, message="请联系中心").status == "answered"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": "  "}, "subject"),
        ({"message": ""}, "message"),
        ({"message": "长" * 2001}, "message"),
        ({"subject": "题" * 121}, "subject"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_writes_nothing(asker, instrument, overrides, field):
    with pytest.raises(ApplicationError) as error:
        ask(asker, instrument, **overrides)
    assert error.value.extra["field"] == field
    assert not Enquiry.objects.exists() and not Notification.objects.exists()


def test_refused_for_unpublished_own_or_duplicate_records(asker, owner, instrument):
    with pytest.raises(ApplicationError) as own:
        ask(owner, instrument)
    assert own.value.code == "enquiry_own_record"
    first = ask(asker, instrument)
    with pytest.raises(ApplicationError) as twice:
        ask(asker, instrument, subject="再问一次")
    assert twice.value.code == "enquiry_already_open" and twice.value.extra["enquiry"] == first.pk
    services.enquiry_close(actor=asker, enquiry=first)
    assert ask(asker, instrument, subject="新的问题").pk != first.pk  # closed ones do not block

    instrument.status = "archived"
    instrument.save()
    with pytest.raises(ApplicationError) as hidden:
        ask(f.UserFactory(), instrument)
    assert hidden.value.code == "enquiry_not_public"


def test_daily_limit_per_person(settings, asker, owner_org):
    settings.INNOMARKET_ENQUIRIES_PER_DAY = 2
    from innomarket.resources.models import Instrument

    records = [
        Instrument.objects.create(title=f"仪器{i}", owner=owner_org, city=owner_org.city, status="published")
        for i in range(3)
    ]
    ask(asker, records[0])
    ask(asker, records[1])
    with pytest.raises(ApplicationError) as limited:
        ask(asker, records[2])
    assert limited.value.code == "enquiry_daily_limit"
    later = timezone.now() + dt.timedelta(days=1, minutes=1)
    assert ask(asker, records[2], now=later).pk


def test_intent_on_an_achievement_is_accepted_by_its_owner(asker, asker_org, owner, achievement):
    intent = ask(
        asker,
        achievement,
        kind="intent",
        author_organisation=asker_org,
        purpose="license",
        budget_wan=Decimal("300"),
        subject="许可使用洽谈",
        message="用于我司血液检测产品线，希望独占许可五年。",
    )
    assert (intent.kind, intent.purpose, intent.budget_wan) == ("intent", "license", Decimal("300"))

    intent = services.enquiry_accept(actor=owner, enquiry=intent, message="同意洽谈，请约时间面谈。")

    assert intent.status == EnquiryStatus.ACCEPTED and intent.awaiting_since is None
    assert Notification.objects.filter(recipient=asker, kind="enquiry_accepted").exists()
    # the negotiation goes on in the thread, both ways, without anyone "owing" an answer
    services.enquiry_follow_up(actor=asker, enquiry=intent, message="下周三可以吗？")
    intent.refresh_from_db()
    assert intent.status == EnquiryStatus.ACCEPTED and intent.awaiting_since is None


def test_intent_needs_an_achievement_an_organisation_and_a_purpose(asker, asker_org, owner, achievement, instrument):
    with pytest.raises(ApplicationError) as not_achievement:
        ask(asker, instrument, kind="intent", author_organisation=asker_org, purpose="license")
    assert not_achievement.value.extra["field"] == "kind"
    with pytest.raises(ApplicationError) as no_org:
        ask(asker, achievement, kind="intent", purpose="license")
    assert no_org.value.extra["field"] == "author_organisation"
    with pytest.raises(ApplicationError) as no_purpose:
        ask(asker, achievement, kind="intent", author_organisation=asker_org, purpose="")
    assert no_purpose.value.extra["field"] == "purpose"
    with pytest.raises(PermissionDenied):
        ask(asker, achievement, kind="intent", author_organisation=f.OrganisationFactory(), purpose="license")
    with pytest.raises(ApplicationError) as consult:
        services.enquiry_accept(actor=owner, enquiry=ask(asker, instrument), message="同意")
    assert consult.value.code == "invalid_transition"


def test_funnel_counts_asked_answered_intents_and_accepted(asker, asker_org, owner, instrument, achievement):
    consult = ask(asker, instrument)
    services.enquiry_reply(actor=owner, enquiry=consult, message="可以")
    intent = ask(asker, achievement, kind="intent", author_organisation=asker_org, purpose="transfer")
    intent = services.enquiry_accept(actor=owner, enquiry=intent, message="同意")
    services.enquiry_close(actor=asker, enquiry=intent)

    funnel = [count for _label, count in selectors.enquiry_funnel(None)]
    assert funnel == [2, 2, 1, 1]
    assert [c for _l, c in selectors.enquiry_funnel(f.city("wuxi").pk)] == [0, 0, 0, 0]
