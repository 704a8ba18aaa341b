"""人才交流 services: applications (state machine, permissions, CV checks), contact requests,
talent profiles, and 有问必答 (reminders, escalation, funnel) for both rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from innomarket.common.exceptions import ApplicationError, PermissionDenied
from innomarket.common.tests.factories import city, city_admin, field_tag
from innomarket.notifications.models import Notification
from innomarket.notifications.services import reply_reminders_send
from innomarket.talent import selectors, services
from innomarket.talent.models import ContactRequest, TalentApplication, TalentProfile
from innomarket.verification.selectors import status_events_for

from .conftest import pdf

pytestmark = pytest.mark.django_db


def apply(t, **kwargs):
    values = {"actor": t.applicant, "post": t.post, "cover_note": "五年机器视觉研发经验。", "cv": pdf()}
    values.update(kwargs)
    return services.application_submit(**values)


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# ---------------------------------------------------------------- applications


def test_application_reaches_the_posting_organisation_and_awaits_its_reply(
    talent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = apply(talent)

    assert application.status == "submitted"
    assert application.awaiting_since is not None and application.submitted_at is not None
    assert "talent_application_submitted" in kinds(talent.hr)
    assert "talent_application_submitted" not in kinds(talent.outsider)
    assert [m.to for m in mail.outbox] == [[talent.hr.email]]
    assert [e.to_status for e in status_events_for(application)] == ["submitted"]
    assert application.cv.read().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "请上传简历"),
        (pdf("简历.exe"), "格式不支持"),
        (pdf("简历.pdf", b"MZ\x90\x00not a pdf"), "不是有效的 PDF"),
        (pdf("简历.pdf", b""), "空的"),
    ],
)
def test_bad_cv_is_refused_with_a_located_message_and_nothing_is_written(talent, upload, message):
    with pytest.raises(ApplicationError) as exc:
        apply(talent, cv=upload)

    assert message in str(exc.value) and exc.value.extra == {"field": "cv"}
    assert not TalentApplication.objects.exists()


def test_cv_over_the_size_limit_is_refused(talent, settings):
    settings.INNOMARKET_TALENT = {"CV_MAX_MB": 1}
    with pytest.raises(ApplicationError, match="超过 1 MB"):
        apply(talent, cv=pdf(content=b"%PDF" + b"0" * (1024 * 1024 + 1)))


def test_docx_and_doc_cvs_are_accepted_by_their_signature(talent, settings):
    application = apply(talent, cv=pdf("简历.docx", b"PK\x03\x04rest-of-zip"))
    assert application.cv_name == "简历.docx"


def test_cover_note_is_required(talent):
    with pytest.raises(ApplicationError) as exc:
        apply(talent, cover_note="  ")
    assert exc.value.extra == {"field": "cover_note"}


def test_one_open_application_per_post_and_person(talent):
    apply(talent)
    with pytest.raises(ApplicationError, match="已投递过"):
        apply(talent)


def test_members_cannot_apply_to_their_own_post_nor_to_an_expired_one(talent):
    with pytest.raises(ApplicationError, match="本机构"):
        apply(talent, actor=talent.hr)
    talent.post.valid_until = timezone.localdate() - dt.timedelta(days=1)
    talent.post.save()
    with pytest.raises(ApplicationError, match="停止接收"):
        apply(talent)


def test_first_view_by_the_organisation_is_recorded_but_is_not_an_answer(talent):
    application = apply(talent)

    application = services.application_view(actor=talent.hr, application=application)

    assert application.status == "viewed" and application.viewed_at is not None
    assert application.awaiting_since is not None and application.first_answered_at is None
    assert "talent_application_viewed" in kinds(talent.applicant)


def test_shortlist_then_hire(talent):
    application = apply(talent)

    application = services.application_shortlist(
        actor=talent.hr, application=application, note="下周二上午十点，公司三楼会议室。"
    )
    assert application.status == "shortlisted" and application.awaiting_since is None
    assert application.first_answered_at is not None and application.shortlisted_at is not None
    application = services.application_hire(actor=talent.hr, application=application)

    assert application.status == "hired"
    assert [e.to_status for e in status_events_for(application)][::-1] == [
        "submitted",
        "shortlisted",
        "hired",
    ]
    assert {"talent_application_shortlisted", "talent_application_hired"} <= set(kinds(talent.applicant))


def test_shortlist_needs_the_interview_arrangements(talent):
    application = apply(talent)
    with pytest.raises(ApplicationError) as exc:
        services.application_shortlist(actor=talent.hr, application=application, note=" ")
    assert exc.value.extra == {"field": "note"}


def test_decline_needs_a_structured_reason_and_tells_the_applicant(talent):
    application = apply(talent)
    with pytest.raises(ApplicationError):
        services.application_decline(actor=talent.hr, application=application, reason="")
    with pytest.raises(ApplicationError, match="其他"):
        services.application_decline(actor=talent.hr, application=application, reason="other")

    application = services.application_decline(
        actor=talent.hr, application=application, reason="filled", note="本轮已招满"
    )

    assert application.status == "declined" and application.decline_reason == "filled"
    notice = Notification.objects.get(recipient=talent.applicant, kind="talent_application_declined")
    assert "岗位已招满" in notice.body and "本轮已招满" in notice.body
    with pytest.raises(ApplicationError, match="不能再"):
        services.application_hire(actor=talent.hr, application=application)


def test_only_the_posting_organisation_answers_and_only_the_applicant_withdraws(talent):
    application = apply(talent)
    with pytest.raises(PermissionDenied):
        services.application_shortlist(actor=talent.outsider, application=application, note="面谈")
    with pytest.raises(PermissionDenied):
        services.application_decline(actor=talent.applicant, application=application, reason="filled")
    with pytest.raises(PermissionDenied):
        services.application_withdraw(actor=talent.hr, application=application)
    assert not services.can_open_application(talent.outsider, application)
    assert services.can_open_application(talent.hr, application)
    assert services.can_open_application(talent.applicant, application)


def test_withdrawal_closes_the_wait_and_allows_a_new_application(talent):
    application = apply(talent)

    application = services.application_withdraw(
        actor=talent.applicant, application=application, reason="已入职"
    )

    assert application.status == "withdrawn" and application.awaiting_since is None
    assert "talent_application_withdrawn" in kinds(talent.hr)
    assert apply(talent).status == "submitted"


def test_unanswered_application_reminds_the_organisation_then_escalates_to_the_city(talent):
    admin = city_admin("nanjing", username="njadmin")
    application = apply(talent)
    waited = timezone.now() - dt.timedelta(days=4)
    TalentApplication.objects.filter(pk=application.pk).update(awaiting_since=waited, submitted_at=waited)

    report = reply_reminders_send()

    assert report.reminded >= 1
    assert "talent_application_reminder" in kinds(talent.hr)
    later = timezone.now() + dt.timedelta(days=4)
    assert reply_reminders_send(now=later).escalated >= 1
    assert "talent_application_escalated" in kinds(admin)
    assert "talent_application_escalated_requester" in kinds(talent.applicant)


def test_answered_application_is_never_reminded(talent):
    application = apply(talent)
    services.application_shortlist(actor=talent.hr, application=application, note="电话面谈")
    TalentApplication.objects.filter(pk=application.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=10)
    )

    reply_reminders_send()

    assert "talent_application_reminder" not in kinds(talent.hr)


def test_application_funnel_counts_each_stage_per_city(talent):
    first = apply(talent)
    services.application_view(actor=talent.hr, application=first)
    services.application_shortlist(actor=talent.hr, application=first, note="面谈")
    services.application_hire(actor=talent.hr, application=first)
    from innomarket.common.tests.factories import UserFactory

    apply(talent, actor=UserFactory(username="seeker2"))

    funnel = [count for _label, count in selectors.application_funnel(city("nanjing").pk)]
    assert funnel == [2, 1, 1, 1]
    assert [c for _l, c in selectors.application_funnel(city("wuxi").pk)] == [0, 0, 0, 0]


def test_organisation_list_shows_open_applications_first(talent):
    from innomarket.common.tests.factories import UserFactory

    declined = apply(talent)
    services.application_decline(actor=talent.hr, application=declined, reason="experience")
    open_one = apply(talent, actor=UserFactory(username="seeker2"))

    assert list(selectors.applications_for_organisation(talent.org.pk)) == [
        open_one,
        TalentApplication.objects.get(pk=declined.pk),
    ]
    post = selectors.posts_with_application_counts(talent.org.pk).get()
    assert (post.applications_total, post.applications_open) == (2, 1)


# ---------------------------------------------------------------- contact requests


def contact(t, target=None, **kwargs):
    values = {
        "actor": t.applicant,
        "target": target or t.expert,
        "purpose": "consulting",
        "message": "想请教视觉检测方案的选型问题。",
        "requester_contact": "seeker@example.com",
    }
    values.update(kwargs)
    return services.contact_request_submit(**values)


def test_contact_request_goes_to_the_linked_person_and_accepting_reveals_their_contact(talent):
    request = contact(talent)

    assert request.city_id == talent.expert.city_id and request.awaiting_since is not None
    assert "expert_contact_submitted" in kinds(talent.expert_user)
    request = services.contact_request_accept(
        actor=talent.expert_user,
        request=request,
        reply="周三下午方便。",
        shared_contact="prof@example.edu.cn",
    )

    assert request.status == "accepted" and request.first_answered_at is not None
    notice = Notification.objects.get(recipient=talent.applicant, kind="expert_contact_accepted")
    assert "prof@example.edu.cn" in notice.body


def test_unlinked_profile_is_answered_by_its_organisation(talent):
    request = contact(talent, target=talent.manager)

    assert "expert_contact_submitted" in kinds(talent.outsider)
    assert services.can_answer_contact(talent.outsider, request)
    assert not services.can_answer_contact(talent.hr, request)
    assert list(selectors.contact_requests_received(talent.outsider)) == [request]


def test_contact_decline_needs_a_reason_and_only_the_person_answers(talent):
    request = contact(talent)
    with pytest.raises(PermissionDenied):
        services.contact_request_decline(actor=talent.hr, request=request, reason="no_time")
    with pytest.raises(ApplicationError):
        services.contact_request_decline(actor=talent.expert_user, request=request, reason="")

    request = services.contact_request_decline(actor=talent.expert_user, request=request, reason="no_time")

    assert request.status == "declined"
    assert "近期时间无法安排" in Notification.objects.get(kind="expert_contact_declined").body
    with pytest.raises(ApplicationError, match="已经答复"):
        services.contact_request_accept(
            actor=talent.expert_user, request=request, reply="好", shared_contact="x"
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"purpose": "nonsense"}, "purpose"),
        ({"message": "你好"}, "message"),
        ({"requester_contact": ""}, "requester_contact"),
    ],
)
def test_bad_contact_request_is_refused_with_a_located_message(talent, kwargs, field):
    with pytest.raises(ApplicationError) as exc:
        contact(talent, **kwargs)
    assert exc.value.extra == {"field": field}
    assert not ContactRequest.objects.exists()


def test_one_pending_request_at_a_time_and_withdrawal(talent):
    request = contact(talent)
    with pytest.raises(ApplicationError, match="等待对方答复"):
        contact(talent)
    request = services.contact_request_withdraw(actor=talent.applicant, request=request)
    assert request.status == "withdrawn" and request.awaiting_since is None
    assert contact(talent).status == "submitted"


def test_nobody_contacts_themselves_or_a_hidden_profile(talent):
    with pytest.raises(ApplicationError, match="自己"):
        contact(talent, actor=talent.expert_user)
    talent.expert.status = "archived"
    talent.expert.save()
    with pytest.raises(ApplicationError, match="暂未开通"):
        contact(talent)


def test_unanswered_contact_is_reminded_and_funnel_counts(talent):
    request = contact(talent)
    ContactRequest.objects.filter(pk=request.pk).update(awaiting_since=timezone.now() - dt.timedelta(days=4))

    reply_reminders_send()

    assert "expert_contact_reminder" in kinds(talent.expert_user)
    assert [c for _l, c in selectors.contact_funnel(city("wuxi").pk)] == [1, 0, 0]


# ---------------------------------------------------------------- talent profiles


def profile_data(**kwargs):
    data = {
        "display_name": "王博士",
        "headline": "锂电池材料方向博士",
        "field": field_tag("ai"),
        "skills": "电化学表征、材料合成",
        "city": city("suzhou"),
        "availability": "full_time",
        "visibility": "private",
    }
    data.update(kwargs)
    return data


def test_profile_is_listed_in_the_pool_only_when_public(talent):
    profile = services.talent_profile_save(actor=talent.applicant, data=profile_data())
    assert list(selectors.talent_profiles_public()) == []

    services.talent_profile_save(actor=talent.applicant, data=profile_data(visibility="public"))

    assert list(selectors.talent_profiles_public()) == [TalentProfile.objects.get(pk=profile.pk)]
    assert list(selectors.talent_profiles_public(q="锂电池")) and not list(
        selectors.talent_profiles_public(q="区块链")
    )
    assert TalentProfile.objects.count() == 1


def test_profile_needs_a_display_name(talent):
    with pytest.raises(ApplicationError) as exc:
        services.talent_profile_save(actor=talent.applicant, data=profile_data(display_name=""))
    assert exc.value.extra == {"field": "display_name"}


def test_waiting_applications_and_contacts_show_in_the_answering_sides_workspace(talent):
    from innomarket.notifications.selectors import awaiting_my_reply

    apply(talent)
    contact(talent)

    hr = {item.key: item for item in awaiting_my_reply(talent.hr)}
    assert hr["talent_application"].count == 1
    assert hr["talent_application"].url == f"/workspace/talent/o/{talent.org.pk}/applications/"
    expert = {item.key: item for item in awaiting_my_reply(talent.expert_user)}
    assert expert["expert_contact"].count == 1 and expert["expert_contact"].url == "/workspace/talent/contacts/"
    assert awaiting_my_reply(talent.applicant) == [] and awaiting_my_reply(talent.outsider) == []
