"""Who hears about verification, one test per path: city administrators when something enters their
queue (the workspace form, the workspace's 提交核验 button, an edit of a public record, 机构登记), and
the submitter when it is verified or returned (the back office's record page, its list actions, the
verification queue's batch actions). Batch imports and harvests: see the intake and federation tests."""

from __future__ import annotations

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from innomarket.common.tests import factories as f
from innomarket.common.validators import uscc_check_char
from innomarket.notifications.models import Notification
from innomarket.organisations.models import Organisation
from innomarket.policies.models import Policy
from innomarket.verification import notices
from innomarket.verification import services as verification

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    org = f.OrganisationFactory(name="南京甲科技有限公司", city=f.city("nanjing"))
    return {
        "org": org,
        "member": f.member_of(org, username="member"),
        "colleague": f.member_of(org, username="colleague"),
        "admin": f.city_admin("nanjing", username="nj-admin"),
        "admin2": f.city_admin("nanjing", username="nj-admin2"),
        "suzhou_admin": f.city_admin("suzhou", username="sz-admin"),
    }


def policy_post(**overrides):
    data = {
        "title": "高新技术企业培育奖励办法",
        "issuer": "南京市科学技术局",
        "support_type": "funding",
        "summary": "对首次认定的高新技术企业给予奖励。",
        "city": f.city("nanjing").pk,
        "fields": [f.field_tag("ai").pk],
    }
    data.update(overrides)
    return data


def draft_policy(people, **kwargs):
    values = {"title": "南京市科技创新券实施细则", "issuer": "南京市科学技术局", "support_type": "funding"}
    record = Policy(owner=people["org"], city=people["org"].city, **{**values, **kwargs})
    return verification.listing_create(actor=people["member"], record=record)


def submitted_policy(people, **kwargs):
    return verification.listing_submit(actor=people["member"], record=draft_policy(people, **kwargs))


def inbox(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("pk"))


def queued(user):
    return inbox(user, notices.QUEUED_KIND)


def assert_admins_told_of(people, record):
    """Each Nanjing administrator got one notification about ``record``; nobody else did."""
    for admin in (people["admin"], people["admin2"]):
        [note] = queued(admin)
        assert note.object_id == record.pk and str(record) in note.title and note.title.startswith("待核验")
        assert note.url == reverse(
            f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk]
        )
    assert queued(people["suzhou_admin"]) == [] and queued(people["member"]) == []
    assert Notification.objects.filter(kind=notices.QUEUED_KIND).count() == 2


# ---------------------------------------------------------------- arrivals in the queue


def test_save_and_submit_on_the_workspace_form_tells_the_citys_administrators(client, people):
    client.force_login(people["member"])

    response = client.post(
        reverse("site:workspace-listing-new", args=[people["org"].pk, "policy"]),
        {**policy_post(), "submit": "1"},
    )

    assert response.status_code == 302
    record = Policy.objects.get(title="高新技术企业培育奖励办法")
    assert record.status == "submitted"
    assert_admins_told_of(people, record)
    assert "南京甲科技有限公司" in queued(people["admin"])[0].body


def test_a_saved_draft_tells_nobody_until_it_is_submitted_with_the_button(client, people):
    client.force_login(people["member"])
    client.post(reverse("site:workspace-listing-new", args=[people["org"].pk, "policy"]), policy_post())
    record = Policy.objects.get(title="高新技术企业培育奖励办法")
    assert record.status == "draft" and not Notification.objects.filter(kind=notices.QUEUED_KIND).exists()

    client.post(reverse("site:workspace-listing-submit", args=["policy", record.pk]))

    assert_admins_told_of(people, record)


def test_editing_a_public_record_sends_it_back_and_tells_the_administrators(client, people):
    record = draft_policy(people)
    Policy.objects.filter(pk=record.pk).update(status="published")
    client.force_login(people["member"])

    client.post(
        reverse("site:workspace-listing-edit", args=["policy", record.pk]),
        policy_post(title=record.title, summary="新的简介"),
    )

    record.refresh_from_db()
    assert record.status == "submitted"
    assert_admins_told_of(people, record)


def test_registering_an_organisation_tells_the_citys_administrators(client, people):
    registrant = f.UserFactory(username="registrant")
    client.force_login(registrant)
    body = "91320100MA1N2K3L4"

    client.post(
        reverse("site:workspace-org-new"),
        {
            "name": "南京新登记科技有限公司",
            "kind": "enterprise",
            "city": f.city("nanjing").pk,
            "credit_code": body + uscc_check_char(body),
        },
    )

    organisation = Organisation.objects.get(name="南京新登记科技有限公司")
    assert_admins_told_of(people, organisation)
    assert queued(registrant) == []


def test_an_administrator_who_submits_is_not_told_of_their_own_submission(people):
    record = Policy(
        owner=people["org"],
        city=people["org"].city,
        title="管理员代填的政策",
        issuer="南京市科学技术局",
        support_type="funding",
    )
    record = verification.listing_create(actor=people["admin"], record=record, submit=True)

    assert record.status == "submitted"
    assert queued(people["admin"]) == [] and len(queued(people["admin2"])) == 1


# ---------------------------------------------------------------- decisions, from every path


def assert_told(people, record, *, verified, reason=""):
    """The owner's members were told once each; the deciding administrator was not."""
    kind = notices.VERIFIED_KIND if verified else notices.REJECTED_KIND
    for person in (people["member"], people["colleague"]):
        [note] = inbox(person, kind)
        assert note.object_id == record.pk and str(record) in note.title
        if verified:
            assert note.title.endswith("已核验通过")
        else:
            assert reason in note.title and f"退回理由：{reason}" in note.body
    assert inbox(people["admin"], kind) == []
    assert Notification.objects.filter(kind=kind).count() == 2


def test_verify_on_the_record_page_in_the_back_office_tells_the_submitter(client, people):
    record = submitted_policy(people)
    client.force_login(people["admin"])

    client.post(reverse("admin:policies_policy_transition", args=[record.pk, "verify"]), {"reason": ""})

    record.refresh_from_db()
    assert record.status == "published"
    assert_told(people, record, verified=True)


def test_return_on_the_record_page_in_the_back_office_tells_the_submitter_why(client, people):
    record = submitted_policy(people)
    client.force_login(people["admin"])

    client.post(
        reverse("admin:policies_policy_transition", args=[record.pk, "reject"]),
        {"reason": "请补充政策原文链接"},
    )

    record.refresh_from_db()
    assert record.status == "rejected"
    assert_told(people, record, verified=False, reason="请补充政策原文链接")


def test_verify_as_a_list_action_in_the_back_office_tells_the_submitter(client, people):
    record = submitted_policy(people)
    client.force_login(people["admin"])

    client.post(
        reverse("admin:policies_policy_changelist"),
        {"action": "verify_selected", helpers.ACTION_CHECKBOX_NAME: [record.pk], "index": 0},
    )

    record.refresh_from_db()
    assert record.status == "published"
    assert_told(people, record, verified=True)


def test_return_as_a_list_action_in_the_back_office_tells_the_submitter_why(client, people):
    record = submitted_policy(people)
    client.force_login(people["admin"])

    client.post(
        reverse("admin:policies_policy_changelist"),
        {
            "action": "reject_selected",
            helpers.ACTION_CHECKBOX_NAME: [record.pk],
            "apply": "1",
            "reason": "发文机关名称有误",
        },
    )

    record.refresh_from_db()
    assert record.status == "rejected"
    assert_told(people, record, verified=False, reason="发文机关名称有误")


def test_verify_in_the_queues_batch_action_tells_each_submitter_once(client, people):
    record = submitted_policy(people)
    client.force_login(people["admin"])

    client.post(
        reverse("admin:verification-queue"), {"action": "verify", "selected": [f"policy:{record.pk}"]}
    )

    record.refresh_from_db()
    assert record.status == "published"
    assert_told(people, record, verified=True)


def test_return_in_the_queues_batch_action_tells_each_submitter_why(client, people):
    first, second = submitted_policy(people), submitted_policy(people, title="第二项政策")
    client.force_login(people["admin"])

    client.post(
        reverse("admin:verification-queue"),
        {"action": "reject", "selected": [f"policy:{first.pk}", f"policy:{second.pk}"], "reason": "缺少附件"},
    )

    for record in (first, second):
        record.refresh_from_db()
        assert record.status == "rejected"
        for person in (people["member"], people["colleague"]):
            assert [n.object_id for n in inbox(person, notices.REJECTED_KIND)].count(record.pk) == 1


def test_the_person_who_submitted_hears_even_when_not_a_member(people):
    # A city administrator of the owner's city entered and submitted it on the owner's behalf; a
    # colleague administrator decides.
    record = Policy(
        owner=people["org"],
        city=people["org"].city,
        title="代填政策",
        issuer="南京市科学技术局",
        support_type="funding",
    )
    record = verification.listing_create(actor=people["admin2"], record=record, submit=True)

    verification.listing_reject(actor=people["admin"], record=record, reason="请由企业自行填报")

    [note] = inbox(people["admin2"], notices.REJECTED_KIND)
    assert "请由企业自行填报" in note.title


# ---------------------------------------------------------------- the registrant of an organisation


def register(client, user, name="南京新登记科技有限公司"):
    client.force_login(user)
    body = "91320100MA1N2K3L4"
    client.post(
        reverse("site:workspace-org-new"),
        {
            "name": name,
            "kind": "enterprise",
            "city": f.city("nanjing").pk,
            "credit_code": body + uscc_check_char(body),
        },
    )
    return Organisation.objects.get(name=name)


def test_the_registrant_hears_that_their_organisation_is_verified(client, people):
    registrant = f.UserFactory(username="registrant")
    organisation = register(client, registrant)
    client.force_login(people["admin"])

    client.post(
        reverse("admin:organisations_organisation_transition", args=[organisation.pk, "verify"]),
        {"reason": ""},
    )

    organisation.refresh_from_db()
    assert organisation.status == "published"
    [note] = inbox(registrant, notices.VERIFIED_KIND)
    assert note.title == "机构“南京新登记科技有限公司”已核验通过"
    assert "以机构名义发布信息" in note.body
    assert note.url == reverse("organisations:detail", args=[organisation.pk])


def test_the_registrant_hears_that_their_organisation_is_returned_and_why(client, people):
    registrant = f.UserFactory(username="registrant")
    organisation = register(client, registrant)
    client.force_login(people["admin"])

    client.post(
        reverse("admin:verification-queue"),
        {
            "action": "reject",
            "selected": [f"organisation:{organisation.pk}"],
            "reason": "营业执照名称与登记名称不一致",
        },
    )

    organisation.refresh_from_db()
    assert organisation.status == "rejected"
    [note] = inbox(registrant, notices.REJECTED_KIND)
    assert "营业执照名称与登记名称不一致" in note.title and "营业执照名称与登记名称不一致" in note.body
    assert note.url == reverse("site:workspace-org", kwargs={"org_pk": organisation.pk})


# ---------------------------------------------------------------- challenges tell their owners themselves


def test_a_challenge_verified_in_the_queue_is_announced_once_by_the_challenge(client, people):
    from innomarket.regions.tests.helpers import make_listing

    challenge = make_listing(
        "challenge", city="nanjing", status="submitted", owner=people["org"], title="某榜单", is_sample=False
    )
    client.force_login(people["admin"])

    client.post(
        reverse("admin:verification-queue"), {"action": "verify", "selected": [f"challenge:{challenge.pk}"]}
    )

    challenge.refresh_from_db()
    assert challenge.status == "published"
    assert [n.kind for n in Notification.objects.filter(recipient=people["member"])] == [
        "challenge_published"
    ]
