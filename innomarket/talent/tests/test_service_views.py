"""人才交流 pages: apply with a CV, the organisation answers, CV privacy, the 人才库, contacting an
expert without a phone number on the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from innomarket.common.tests.factories import city, field_tag
from innomarket.talent import services
from innomarket.talent.models import ContactRequest, TalentApplication, TalentProfile

from .conftest import pdf

pytestmark = pytest.mark.django_db


def test_post_page_offers_the_application_to_visitors_and_the_list_to_the_organisation(client, talent):
    url = talent.post.get_absolute_url()
    assert "登录后投递" in client.get(url).content.decode()
    client.force_login(talent.applicant)
    assert reverse("talent:post-apply", args=[talent.post.pk]) in client.get(url).content.decode()
    client.force_login(talent.hr)
    assert "查看收到的申请" in client.get(url).content.decode()


def test_apply_form_shows_located_errors_and_writes_nothing(client, talent):
    client.force_login(talent.applicant)
    url = reverse("talent:post-apply", args=[talent.post.pk])

    response = client.post(url, {"cover_note": "", "cv": pdf("简历.txt", b"hello")})

    body = response.content.decode()
    assert response.status_code == 400
    assert "请填写求职说明" in body
    assert not TalentApplication.objects.exists()
    response = client.post(url, {"cover_note": "我想应聘", "cv": pdf("简历.txt", b"hello")})
    assert "格式不支持" in response.content.decode()


def test_apply_then_organisation_shortlists_and_cv_stays_private(client, talent):
    client.force_login(talent.applicant)
    response = client.post(
        reverse("talent:post-apply", args=[talent.post.pk]), {"cover_note": "我想应聘", "cv": pdf()}
    )
    application = TalentApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    cv_url = reverse("site:talent-application-cv", args=[application.pk])
    assert b"".join(client.get(cv_url).streaming_content).startswith(b"%PDF")

    client.force_login(talent.outsider)
    assert client.get(application.get_absolute_url()).status_code == 404
    assert client.get(cv_url).status_code == 404
    client.logout()
    assert client.get(cv_url).status_code == 302

    client.force_login(talent.hr)
    page = client.get(reverse("site:talent-org-applications", args=[talent.org.pk])).content.decode()
    assert "求职者丙" in page
    detail = client.get(application.get_absolute_url())
    assert "发送面谈邀请" in detail.content.decode()
    application.refresh_from_db()
    assert application.status == "viewed"
    response = client.post(reverse("site:talent-application-shortlist", args=[application.pk]), {"note": ""})
    assert response.status_code == 400 and "请写明面谈安排" in response.content.decode()
    client.post(reverse("site:talent-application-shortlist", args=[application.pk]), {"note": "周二上午面谈"})
    application.refresh_from_db()
    assert application.status == "shortlisted"

    client.force_login(talent.applicant)
    body = client.get(application.get_absolute_url()).content.decode()
    assert "周二上午面谈" in body and "邀请面谈" in body


def test_other_organisations_cannot_see_the_applications_list(client, talent):
    client.force_login(talent.outsider)
    assert client.get(reverse("site:talent-org-applications", args=[talent.org.pk])).status_code == 404


def test_decline_form_needs_a_reason(client, talent):
    application = services.application_submit(
        actor=talent.applicant, post=talent.post, cover_note="x", cv=pdf()
    )
    client.force_login(talent.hr)
    url = reverse("site:talent-application-decline", args=[application.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    client.post(url, {"reason": "qualifications"})
    application.refresh_from_db()
    assert application.status == "declined"
    client.force_login(talent.applicant)
    assert "任职要求不符" in client.get(reverse("site:talent-my-applications")).content.decode()


def test_expert_page_hides_phone_numbers_and_offers_contact(client, talent):
    body = client.get(talent.expert.get_absolute_url()).content.decode()
    assert "13800138000" not in body and "电话已隐藏" in body
    assert "登录后联系" in body


def test_contact_expert_through_the_platform(client, talent):
    client.force_login(talent.applicant)
    url = reverse("talent:expert-contact", args=[talent.expert.pk])
    response = client.post(url, {"purpose": "consulting", "message": "短", "requester_contact": "a@b.cn"})
    assert response.status_code == 400 and "至少 10 个字" in response.content.decode()
    client.post(
        url,
        {"purpose": "consulting", "message": "想请教视觉检测方案的选型问题。", "requester_contact": "a@b.cn"},
    )
    request = ContactRequest.objects.get()

    client.force_login(talent.expert_user)
    page = client.get(request.get_absolute_url()).content.decode()
    assert "a@b.cn" not in page  # the requester's contact opens only when accepted
    assert "求职者丙" in client.get(reverse("site:talent-contacts")).content.decode()
    client.post(
        reverse("site:talent-contact-accept", args=[request.pk]),
        {"reply": "周三下午方便", "shared_contact": "prof@example.edu.cn"},
    )
    assert "a@b.cn" in client.get(request.get_absolute_url()).content.decode()

    client.force_login(talent.applicant)
    assert "prof@example.edu.cn" in client.get(request.get_absolute_url()).content.decode()
    client.force_login(talent.outsider)
    assert client.get(request.get_absolute_url()).status_code == 404


def test_talent_pool_lists_public_profiles_only(client, talent):
    client.force_login(talent.applicant)
    data = {
        "display_name": "王博士",
        "headline": "锂电池材料方向博士",
        "field": field_tag("ai").pk,
        "skills": "电化学表征",
        "city": city("suzhou").pk,
        "availability": "full_time",
        "visibility": "private",
    }
    client.post(reverse("site:talent-profile"), data)
    profile = TalentProfile.objects.get()
    client.logout()
    assert "王博士" not in client.get(reverse("talent:pool")).content.decode()
    assert client.get(profile.get_absolute_url()).status_code == 404

    client.force_login(talent.applicant)
    client.post(reverse("site:talent-profile"), {**data, "visibility": "public"})
    client.logout()
    assert "王博士" in client.get(reverse("talent:pool")).content.decode()
    assert client.get(profile.get_absolute_url()).status_code == 200


def test_expert_list_card_hides_phone_numbers(client, talent):
    body = client.get(reverse("talent:expert-list")).content.decode()
    assert "专家 NJ-01" in body and "13800138000" not in body
