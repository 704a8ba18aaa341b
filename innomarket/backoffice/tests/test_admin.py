"""The back office through Django's test client: verification actions, history, every model's pages."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from innomarket.accounts.models import LoginFailure, LoginFailureCount, LoginSuccess, User
from innomarket.accounts.services import ALLIANCE_ADMIN_GROUP, CITY_ADMIN_GROUP
from innomarket.audit.models import AuditEntry
from innomarket.challenges.models import BrokerLedgerEntry, Challenge, EvaluatorAssignment, Invitation
from innomarket.common.tests.factories import OrganisationFactory, UserFactory, city
from innomarket.enquiries.models import Enquiry
from innomarket.finance.models import FinancingInterest, LoanApplication
from innomarket.matching.models import MatchOutcome
from innomarket.notifications.models import Notification
from innomarket.points.models import EnterpriseScore, ScoreConsent
from innomarket.policies.models import Policy, PolicyPush
from innomarket.resources.models import Booking
from innomarket.verification.models import StatusEvent
from innomarket.verification.selectors import status_events_for
from innomarket.vouchers.models import (
    LedgerAccount,
    LedgerTransaction,
    ProgrammeProvider,
    ProviderApplication,
    Redemption,
    Voucher,
    VoucherApplication,
)

from .helpers import action_data, admin_url, change_form_data, intermediate_data, make_policy

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_verify_action_publishes_and_records_actor(client, nanjing_admin, nanjing_policy):
    client.force_login(nanjing_admin)

    response = client.post(admin_url(Policy, "changelist"), action_data("verify_selected", nanjing_policy))

    assert response.status_code == 302
    nanjing_policy.refresh_from_db()
    assert nanjing_policy.status == "published"
    assert nanjing_policy.last_verified_at is not None and nanjing_policy.published_at is not None
    event = status_events_for(nanjing_policy).first()
    assert (event.actor, event.from_status, event.to_status) == (nanjing_admin, "submitted", "published")
    assert messages_of(response) == ["1 条已核验。"]


def test_bulk_verify_reports_successes_and_failures(client, nanjing_admin):
    ready = [make_policy(title=f"政策{i}") for i in range(3)]
    unverified_owner = OrganisationFactory(city=city("nanjing"), status="submitted", name="未核验机构")
    blocked = make_policy(title="机构未核验的政策", owner=unverified_owner)
    client.force_login(nanjing_admin)

    response = client.post(admin_url(Policy, "changelist"), action_data("verify_selected", *ready, blocked))

    assert Policy.objects.filter(status="published").count() == 3
    blocked.refresh_from_db()
    assert blocked.status == "submitted"
    [message] = messages_of(response)
    assert message.startswith("3 条已核验；1 条失败：“机构未核验的政策”：发布机构“未核验机构”尚未通过核验")


def test_reject_without_reason_changes_nothing_and_shows_error(client, nanjing_admin, nanjing_policy):
    client.force_login(nanjing_admin)
    changelist = admin_url(Policy, "changelist")

    first = client.post(changelist, action_data("reject_selected", nanjing_policy))
    assert first.status_code == 200
    assert "backoffice/action_reason.html" in [t.name for t in first.templates]

    response = client.post(changelist, intermediate_data("reject_selected", nanjing_policy, reason="   "))

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["请填写理由。"]
    nanjing_policy.refresh_from_db()
    assert nanjing_policy.status == "submitted"
    assert not status_events_for(nanjing_policy).exists()


def test_reject_with_reason_is_visible_in_history_on_change_page(client, nanjing_admin, nanjing_policy):
    client.force_login(nanjing_admin)

    response = client.post(
        admin_url(Policy, "changelist"),
        intermediate_data("reject_selected", nanjing_policy, reason="请补充政策原文链接"),
    )

    assert response.status_code == 302
    assert messages_of(response) == ["1 条已退回。"]
    nanjing_policy.refresh_from_db()
    assert (nanjing_policy.status, nanjing_policy.status_reason) == ("rejected", "请补充政策原文链接")
    page = client.get(admin_url(nanjing_policy)).content.decode()
    assert "核验与状态变更记录" in page
    assert "请补充政策原文链接" in page
    assert "待核验" in page and "已退回" in page
    assert nanjing_admin.display_name in page
    # The read-only history does not get in the way of saving the record.
    form_page = client.get(admin_url(nanjing_policy))
    assert client.post(admin_url(nanjing_policy), change_form_data(form_page)).status_code == 302
    assert status_events_for(nanjing_policy).count() == 1


def test_change_page_buttons_lead_to_service_calls(client, nanjing_admin, nanjing_policy):
    client.force_login(nanjing_admin)

    page = client.get(admin_url(nanjing_policy))
    assert [t["key"] for t in page.context["status_transitions"]] == ["verify", "reject"]
    assert admin_url(nanjing_policy, "transition", "reject") in page.content.decode()

    confirm = client.get(admin_url(nanjing_policy, "transition", "reject"))
    assert confirm.status_code == 200 and "textarea" in confirm.content.decode()
    no_reason = client.post(admin_url(nanjing_policy, "transition", "reject"), {"reason": ""})
    assert no_reason.status_code == 200 and no_reason.context["form"].errors
    nanjing_policy.refresh_from_db()
    assert nanjing_policy.status == "submitted"

    done = client.post(admin_url(nanjing_policy, "transition", "verify"), {"reason": ""})
    assert done.status_code == 302 and done["Location"] == admin_url(nanjing_policy)
    nanjing_policy.refresh_from_db()
    assert nanjing_policy.status == "published"
    published_page = client.get(admin_url(nanjing_policy))
    assert [t["key"] for t in published_page.context["status_transitions"]] == ["archive"]


def test_service_error_is_shown_as_message(client, nanjing_admin):
    draft = make_policy(status="draft")
    client.force_login(nanjing_admin)

    response = client.post(admin_url(draft, "transition", "verify"), {"reason": ""}, follow=True)

    assert "当前状态“草稿”不能变更为“已发布”" in " ".join(messages_of(response)) + response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_archive_published_record_with_reason(client, nanjing_admin):
    published = make_policy(status="published")
    client.force_login(nanjing_admin)
    changelist = admin_url(Policy, "changelist")

    client.post(changelist, intermediate_data("archive_selected", published, reason=""))
    published.refresh_from_db()
    assert published.status == "published"

    client.post(changelist, intermediate_data("archive_selected", published, reason="政策已废止"))
    published.refresh_from_db()
    assert (published.status, published.status_reason) == ("archived", "政策已废止")


def test_challenge_reject_uses_challenge_workflow(client, nanjing_admin):
    owner = OrganisationFactory(city=city("nanjing"))
    challenge = Challenge.objects.create(
        title="高精度传感器攻关", city=city("nanjing"), owner=owner, status="submitted"
    )
    other = Challenge.objects.create(title="储能材料", city=city("nanjing"), owner=owner, status="submitted")
    client.force_login(nanjing_admin)
    changelist = admin_url(Challenge, "changelist")

    client.post(changelist, intermediate_data("reject_selected", challenge, reason="预算区间缺失"))
    client.post(changelist, action_data("verify_selected", other))

    challenge.refresh_from_db()
    other.refresh_from_db()
    assert (challenge.status, challenge.status_reason) == ("returned", "预算区间缺失")
    assert other.status == "published"
    assert "已退回" in client.get(admin_url(challenge)).content.decode()


def test_status_fields_cannot_be_edited_by_hand(client, nanjing_admin, nanjing_policy):
    client.force_login(nanjing_admin)
    page = client.get(admin_url(nanjing_policy))
    form = page.context["adminform"].form
    assert not {"status", "status_reason", "last_verified_at", "published_at"} & set(form.fields)

    data = {**change_form_data(page), "status": "published", "title": "南京算力券政策（修订）"}
    response = client.post(admin_url(nanjing_policy), data)

    assert response.status_code == 302
    nanjing_policy.refresh_from_db()
    assert (nanjing_policy.title, nanjing_policy.status) == ("南京算力券政策（修订）", "submitted")


def test_city_admin_adds_a_draft_through_the_service(client, nanjing_admin):
    owner = OrganisationFactory(city=city("nanjing"))
    client.force_login(nanjing_admin)
    page = client.get(admin_url(Policy, "add"))
    data = {
        **change_form_data(page),
        "title": "南京市促进科技成果转化若干政策",
        "issuer": "南京市科学技术局",
        "support_type": "funding",
        "owner": owner.pk,
    }

    response = client.post(admin_url(Policy, "add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    policy = Policy.objects.get(title="南京市促进科技成果转化若干政策")
    assert (policy.city.slug, policy.status, policy.created_by) == ("nanjing", "draft", nanjing_admin)
    assert status_events_for(policy).get().reason == "创建"


def test_index_and_changelist_show_waiting_records(client, nanjing_admin, nanjing_policy, suzhou_policy):
    make_policy(title="另一条南京政策")
    make_policy(status="draft", title="草稿")
    client.force_login(nanjing_admin)

    index = client.get(reverse("admin:index"))
    changelist = client.get(admin_url(Policy, "changelist"))

    assert index.status_code == 200
    html = index.content.decode()
    assert "南京市 · 待核验" in html
    assert "?status__exact=submitted" in html and "2 条" in html
    assert changelist.context["pending_count"] == 2
    assert "待核验 2 条" in changelist.content.decode()


def test_every_model_changelist_and_add_page_render_for_alliance_admin(client, alliance, nanjing_policy):
    client.force_login(alliance)
    # Auth configuration and the background task queue are technical, not part of the alliance group;
    # people's notification inboxes are private.
    superuser_only = {Group, DBTaskResult, Notification}
    # Written by services only (揭榜挂帅 invitations, ledger, evaluator declarations, the audit log).
    read_only = {StatusEvent, Invitation, BrokerLedgerEntry, EvaluatorAssignment, AuditEntry, MatchOutcome}
    # The transactions of the service sections are written by their two sides through the site; the
    # back office reads them (督办).
    read_only |= {Enquiry, Booking, LoanApplication, FinancingInterest, PolicyPush}
    # 创新券: vouchers, ledger, registrations and redemptions move money; only services write them.
    read_only |= {Voucher, LedgerTransaction, LedgerAccount, ProgrammeProvider, Redemption}
    read_only |= {VoucherApplication, ProviderApplication}
    # 创新积分: scores are computed, consents given and revoked by the enterprise itself.
    read_only |= {EnterpriseScore, ScoreConsent}
    # 登录日志: written by django-axes as people sign in.
    read_only |= {LoginFailureCount, LoginSuccess, LoginFailure}

    for model in admin.site._registry:
        changelist = client.get(admin_url(model, "changelist"))
        add = client.get(admin_url(model, "add"))
        if model in superuser_only:
            assert (changelist.status_code, add.status_code) == (403, 403), model
            continue
        assert changelist.status_code == 200, model
        assert add.status_code == (403 if model in read_only else 200), model
        if (obj := model._default_manager.first()) is not None:
            assert client.get(admin_url(obj)).status_code == 200, model


def test_alliance_admin_opens_change_page_of_any_city(client, alliance, suzhou_policy):
    client.force_login(alliance)

    page = client.get(admin_url(suzhou_policy))

    assert page.status_code == 200
    assert [t["key"] for t in page.context["status_transitions"]] == ["verify", "reject"]


def test_status_event_log_is_read_only_for_alliance_admins(client, alliance, nanjing_admin, nanjing_policy):
    client.force_login(nanjing_admin)
    client.post(admin_url(Policy, "changelist"), action_data("verify_selected", nanjing_policy))
    event = StatusEvent.objects.get(to_status="published")
    client.force_login(alliance)

    changelist = client.get(admin_url(StatusEvent, "changelist"))
    detail = client.get(admin_url(event))

    assert changelist.status_code == 200
    assert nanjing_policy.title in changelist.content.decode()
    assert detail.status_code == 200 and not detail.context["has_change_permission"]
    assert client.post(admin_url(event, "delete"), {"post": "yes"}).status_code == 403


def test_user_actions_set_and_revoke_administrator_roles(client, alliance):
    person = UserFactory(username="future-admin")
    other = UserFactory(username="future-alliance")
    client.force_login(alliance)
    changelist = reverse("admin:accounts_user_changelist")

    ask = client.post(changelist, action_data("make_city_admin", person))
    assert ask.status_code == 200 and "city" in ask.context["form"].fields
    client.post(changelist, intermediate_data("make_city_admin", person, city=city("wuxi").pk))
    client.post(changelist, action_data("make_alliance_admin", other))

    person.refresh_from_db()
    other.refresh_from_db()
    assert (person.administered_city.slug, person.is_staff) == ("wuxi", True)
    assert person.groups.filter(name=CITY_ADMIN_GROUP).exists()
    assert other.is_alliance_admin and other.groups.filter(name=ALLIANCE_ADMIN_GROUP).exists()

    response = client.post(changelist, action_data("revoke_admin", person, other, alliance))
    person.refresh_from_db()
    alliance.refresh_from_db()
    assert (person.administered_city, person.is_staff) == (None, False)
    assert not person.groups.exists()
    assert not User.objects.get(pk=other.pk).is_alliance_admin
    assert alliance.is_alliance_admin  # nobody locks themselves out
    assert "不能撤销自己的管理员权限。" in messages_of(response)


def test_user_roles_are_read_only_in_the_user_form(client, alliance):
    person = UserFactory(username="someone")
    client.force_login(alliance)

    form = client.get(reverse("admin:accounts_user_change", args=[person.pk])).context["adminform"].form

    assert not {"administered_city", "is_alliance_admin", "is_superuser", "is_staff"} & set(form.fields)


def test_city_admin_verifies_an_organisation_then_its_listing(client, nanjing_admin):
    organisation = OrganisationFactory(city=city("nanjing"), status="submitted", name="南京新注册企业")
    policy = make_policy(owner=organisation)
    client.force_login(nanjing_admin)

    client.post(admin_url(type(organisation), "changelist"), action_data("verify_selected", organisation))
    client.post(admin_url(Policy, "changelist"), action_data("verify_selected", policy))

    organisation.refresh_from_db()
    policy.refresh_from_db()
    assert (organisation.status, policy.status) == ("published", "published")
    page = client.get(admin_url(organisation))
    assert page.status_code == 200 and "核验与状态变更记录" in page.content.decode()


def test_archive_of_unpublished_record_is_reported_as_failure(client, nanjing_admin, nanjing_policy):
    client.force_login(nanjing_admin)

    response = client.post(
        admin_url(Policy, "changelist"),
        intermediate_data("archive_selected", nanjing_policy, reason="重复发布"),
    )

    [message] = messages_of(response)
    assert message.startswith("0 条已下架；1 条失败：“南京算力券政策”：当前状态“待核验”不能变更为“已下架”")
    nanjing_policy.refresh_from_db()
    assert nanjing_policy.status == "submitted"
