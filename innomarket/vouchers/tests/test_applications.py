"""申领 and 服务机构登记: state machines, permissions per role (including another city's administrator),
the per-enterprise cap and the budget, bad input named by field, events, notifications, and the reply
rules' reminders."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from innomarket.common.exceptions import ApplicationError, ErrorCode, PermissionDenied
from innomarket.common.tests.factories import OrganisationFactory, alliance_admin, city, city_admin, member_of
from innomarket.notifications import replies
from innomarket.notifications.models import Notification
from innomarket.notifications.selectors import awaiting_my_reply
from innomarket.notifications.services import reply_reminders_send
from innomarket.organisations.models import Organisation
from innomarket.verification.models import StatusEvent
from innomarket.vouchers import selectors, services
from innomarket.vouchers.errors import VoucherErrorCode
from innomarket.vouchers.models import ProviderApplication, VoucherApplication, VoucherProgram

from .conftest import WAN, World, make_world

S = VoucherApplication.Status
P = ProviderApplication.Status


@pytest.fixture
def w(db) -> World:
    world = make_world()
    world.fund(100)
    world.founder = member_of(world.enterprise, username="founder")
    world.tester = member_of(world.provider, username="tester")
    world.suzhou_admin = city_admin("suzhou", username="suzhou-admin")
    return world


def apply(w: World, wan: str = "8", **kwargs: Any) -> VoucherApplication:
    values = {
        "actor": w.founder,
        "programme": w.programme,
        "enterprise": w.enterprise,
        "amount_wan": Decimal(wan),
        "service_kind": "testing",
        "purpose": "新材料配方的成分分析与力学性能检测",
        **kwargs,
    }
    return services.voucher_application_submit(**values)


def events(record: Any) -> list[tuple[str, str]]:
    rows = StatusEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
    ).order_by("pk")
    return [(row.from_status, row.to_status) for row in rows]


def told(user: Any, kind: str) -> Notification:
    return Notification.objects.get(recipient=user, kind=kind)


def field_of(exc: pytest.ExceptionInfo) -> str | None:
    return exc.value.extra.get("field")


# ---------------------------------------------------------------- 申领: the happy paths


def test_submit_waits_for_the_programme_citys_admins(w):
    application = apply(w)

    assert application.status == S.SUBMITTED and application.awaiting_since is not None
    assert events(application) == [("", "submitted")]
    note = told(w.admin, "voucher_application_submitted")
    assert "8 万元" in note.title and note.url == application.get_absolute_url()
    assert not Notification.objects.filter(recipient=w.suzhou_admin).exists()


def test_approve_issues_the_voucher_with_a_city_year_code(w):
    w.programme.year = 2026
    w.programme.save()
    application = services.voucher_application_approve(actor=w.admin, application=apply(w), note="符合条件")

    voucher = application.voucher
    assert application.status == S.APPROVED and application.granted_amount_wan == Decimal("8")
    assert re.fullmatch(r"NJ2026-[0-9A-HJKMNP-TV-Z]{8}", voucher.code)
    assert selectors.voucher_balance(voucher=voucher) == 8 * WAN
    assert selectors.programme_available(programme=w.programme) == 92 * WAN
    assert application.awaiting_since is None and application.first_answered_at is not None
    assert events(application) == [("", "submitted"), ("submitted", "approved")]
    note = told(w.founder, "voucher_application_approved")
    assert voucher.code in note.title and note.url == voucher.get_absolute_url()


def test_approve_may_grant_less_never_more(w):
    application = apply(w, "8")
    with pytest.raises(ApplicationError) as exc:
        services.voucher_application_approve(actor=w.admin, application=application, amount_wan=Decimal("9"))
    assert exc.value.code == VoucherErrorCode.OVER_REQUESTED and field_of(exc) == "amount_wan"

    approved = services.voucher_application_approve(
        actor=w.admin, application=application, amount_wan=Decimal("5")
    )
    assert approved.granted_amount_wan == Decimal("5") and approved.voucher.amount_wan == Decimal("5")
    assert selectors.enterprise_issued(programme=w.programme, enterprise=w.enterprise) == 5 * WAN


def test_return_then_resubmit_with_a_new_amount_then_approve(w):
    application = apply(w, "8")
    returned = services.voucher_application_return(
        actor=w.admin, application=application, info_request="请补充检测项目清单"
    )
    assert returned.status == S.RETURNED and returned.awaiting_since is None
    assert "请补充检测项目清单" in told(w.founder, "voucher_application_returned").body

    again = services.voucher_application_resubmit(
        actor=w.founder, application=returned, amount_wan=Decimal("6"), note="已补充清单"
    )
    assert (
        again.status == S.SUBMITTED and again.amount_wan == Decimal("6") and again.awaiting_since is not None
    )
    told(w.admin, "voucher_application_resubmitted")

    services.voucher_application_approve(actor=w.admin, application=again)
    assert events(application) == [
        ("", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "approved"),
    ]


def test_decline_with_a_structured_reason(w):
    declined = services.voucher_application_decline(
        actor=w.admin, application=apply(w), reason="service", note="软件开发不在支持范围"
    )
    assert declined.status == S.DECLINED and declined.decline_reason == "service"
    assert (
        "所需服务不在支持范围。软件开发不在支持范围" in told(w.founder, "voucher_application_declined").body
    )


def test_decline_needs_a_known_reason_and_a_note_for_other(w):
    application = apply(w)
    with pytest.raises(ApplicationError) as exc:
        services.voucher_application_decline(actor=w.admin, application=application, reason="bogus")
    assert field_of(exc) == "reason"
    with pytest.raises(ApplicationError) as exc:
        services.voucher_application_decline(actor=w.admin, application=application, reason="other", note=" ")
    assert field_of(exc) == "note" and exc.value.code == ErrorCode.REASON_REQUIRED


def test_withdraw_closes_the_wait(w):
    withdrawn = services.voucher_application_withdraw(actor=w.founder, application=apply(w))
    assert withdrawn.status == S.WITHDRAWN and withdrawn.awaiting_since is None
    told(w.admin, "voucher_application_withdrawn")
    apply(w)  # a new one is allowed once the old one is closed


# ---------------------------------------------------------------- 申领: permissions


def test_only_members_apply_for_their_enterprise(w):
    for actor in (w.tester, w.admin):
        with pytest.raises(PermissionDenied):
            apply(w, actor=actor)


@pytest.mark.parametrize("who", ["founder", "tester", "suzhou_admin"])
def test_only_the_programme_citys_admin_answers(w, who):
    application = apply(w)
    actor = getattr(w, who)
    with pytest.raises(PermissionDenied):
        services.voucher_application_approve(actor=actor, application=application)
    with pytest.raises(PermissionDenied):
        services.voucher_application_return(actor=actor, application=application, info_request="x")
    with pytest.raises(PermissionDenied):
        services.voucher_application_decline(actor=actor, application=application, reason="other", note="x")
    assert VoucherApplication.objects.get(pk=application.pk).status == S.SUBMITTED


def test_alliance_admin_may_answer_any_city(w):
    approved = services.voucher_application_approve(
        actor=alliance_admin(username="alliance"), application=apply(w)
    )
    assert approved.status == S.APPROVED


def test_only_the_enterprise_resubmits_or_withdraws(w):
    returned = services.voucher_application_return(actor=w.admin, application=apply(w), info_request="补充")
    for actor in (w.admin, w.tester):
        with pytest.raises(PermissionDenied):
            services.voucher_application_resubmit(actor=actor, application=returned, note="x")
        with pytest.raises(PermissionDenied):
            services.voucher_application_withdraw(actor=actor, application=returned)


# ---------------------------------------------------------------- 申领: bad input and rules


def test_enterprise_of_another_city_is_told_to_apply_at_home(w):
    suzhou_firm = OrganisationFactory(name="苏州某科技有限公司", city=city("suzhou"))
    boss = member_of(suzhou_firm, username="boss")
    with pytest.raises(ApplicationError) as exc:
        apply(w, actor=boss, enterprise=suzhou_firm)
    assert exc.value.code == VoucherErrorCode.ENTERPRISE_NOT_ELIGIBLE and field_of(exc) == "enterprise"
    assert "面向注册在南京的企业" in exc.value.message


def test_non_enterprise_and_unverified_are_refused(w):
    with pytest.raises(ApplicationError) as exc:
        apply(w, actor=w.tester, enterprise=w.provider)
    assert field_of(exc) == "enterprise"
    w.enterprise.status = "submitted"
    w.enterprise.save()
    with pytest.raises(ApplicationError) as exc:
        apply(w)
    assert exc.value.code == ErrorCode.ORGANISATION_NOT_VERIFIED


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount_wan": None}, "amount_wan"),
        ({"amount_wan": Decimal("0")}, "amount_wan"),
        ({"amount_wan": Decimal("-1")}, "amount_wan"),
        ({"amount_wan": Decimal("21")}, "amount_wan"),
        ({"service_kind": "massage"}, "service_kind"),
        ({"purpose": "  "}, "purpose"),
    ],
)
def test_bad_input_names_its_field(w, changes, field):
    with pytest.raises(ApplicationError) as exc:
        apply(w, **changes)
    assert field_of(exc) == field
    assert not VoucherApplication.objects.exists()


def test_cap_counts_what_was_already_issued(w):
    w.voucher("15")
    with pytest.raises(ApplicationError) as exc:
        apply(w, "6")
    assert exc.value.code == VoucherErrorCode.OVER_ENTERPRISE_CAP
    assert "最多还可申领 50,000.00 元" in exc.value.message
    assert apply(w, "5").amount_wan == Decimal("5")


def test_one_open_application_per_programme(w):
    apply(w)
    with pytest.raises(ApplicationError) as exc:
        apply(w)
    assert exc.value.code == VoucherErrorCode.DUPLICATE_APPLICATION and field_of(exc) == "enterprise"


def test_closed_or_expired_programme_takes_no_applications(w):
    w.programme.valid_to = timezone.localdate() - dt.timedelta(days=1)
    w.programme.save()
    with pytest.raises(ApplicationError) as exc:
        apply(w)
    assert exc.value.code == VoucherErrorCode.PROGRAMME_NOT_OPEN


def test_approval_beyond_the_budget_is_refused_on_the_amount(w):
    # Given a programme with only 10 万 left
    small = VoucherProgram.objects.create(
        city=city("nanjing"), name="南京小额计划", total_budget_wan=Decimal("10"), status="open"
    )
    services.programme_fund(actor=w.admin, programme=small, amount_fen=10 * WAN)
    first = apply(w, "8", programme=small)
    other = OrganisationFactory(name="南京另一家科技公司")
    second = apply(w, "8", programme=small, enterprise=other, actor=member_of(other, username="other"))
    services.voucher_application_approve(actor=w.admin, application=first)

    with pytest.raises(ApplicationError) as exc:
        services.voucher_application_approve(actor=w.admin, application=second)

    assert exc.value.code == VoucherErrorCode.OVER_BUDGET and field_of(exc) == "amount_wan"
    assert VoucherApplication.objects.get(pk=second.pk).status == S.SUBMITTED
    assert services.voucher_application_approve(
        actor=w.admin, application=second, amount_wan=Decimal("2")
    ).voucher


def test_states_refuse_wrong_steps(w):
    application = services.voucher_application_approve(actor=w.admin, application=apply(w))
    with pytest.raises(ApplicationError) as exc:
        services.voucher_application_approve(actor=w.admin, application=application)
    assert exc.value.code == ErrorCode.INVALID_TRANSITION
    with pytest.raises(ApplicationError):
        services.voucher_application_withdraw(actor=w.founder, application=application)
    with pytest.raises(ApplicationError):
        services.voucher_application_resubmit(actor=w.founder, application=application, note="x")
    assert selectors.enterprise_issued(programme=w.programme, enterprise=w.enterprise) == 8 * WAN


def test_voucher_codes_are_normalised_when_typed():
    assert services.voucher_code_normalise(" sz2026-7kq4 m2xo ") == "SZ2026-7KQ4M2X0"
    assert services.voucher_code_normalise("nj2026-il00") == "NJ2026-1100"


# ---------------------------------------------------------------- 服务机构登记


def join(
    w: World, provider: Organisation | None = None, actor: Any = None, **kwargs: Any
) -> ProviderApplication:
    values = {
        "actor": actor or w.tester,
        "programme": w.programme,
        "provider": provider or w.provider,
        "service_kinds": ["testing", "instrument"],
        "services": "材料成分分析（按项目收费）；扫描电镜测试（按机时收费）",
        "qualifications": "CMA、CNAS",
        **kwargs,
    }
    return services.provider_application_submit(**values)


def test_provider_application_accepted_registers_the_provider(w):
    application = join(w)
    told(w.admin, "voucher_provider_application_submitted")

    accepted = services.provider_application_accept(actor=w.admin, application=application, note="资质齐全")

    assert accepted.status == P.ACCEPTED and accepted.registration is not None
    assert accepted.registration.services == application.services
    assert selectors.is_accepted_provider(programme=w.programme, provider=w.provider)
    assert events(accepted) == [("", "submitted"), ("submitted", "accepted")]
    told(w.tester, "voucher_provider_accepted")
    with pytest.raises(ApplicationError) as exc:
        join(w)
    assert exc.value.code == VoucherErrorCode.ALREADY_PROVIDER


def test_cross_city_provider_outside_the_acceptance_list_is_refused_early(w):
    w.programme.accepted_cities.set([city("wuxi")])
    suzhou_lab = OrganisationFactory(name="苏州某检测中心", city=city("suzhou"), kind="service_provider")
    with pytest.raises(ApplicationError) as exc:
        join(w, provider=suzhou_lab, actor=member_of(suzhou_lab, username="sz"))
    assert exc.value.code == VoucherErrorCode.PROVIDER_NOT_ACCEPTABLE and field_of(exc) == "provider"


def test_cross_city_rule_is_enforced_again_at_acceptance(w):
    suzhou_lab = OrganisationFactory(name="苏州某检测中心", city=city("suzhou"), kind="service_provider")
    application = join(w, provider=suzhou_lab, actor=member_of(suzhou_lab, username="sz"))
    w.programme.cross_city = False  # the programme changed while the application waited
    w.programme.save()
    with pytest.raises(ApplicationError) as exc:
        services.provider_application_accept(actor=w.admin, application=application)
    assert exc.value.code == VoucherErrorCode.PROVIDER_NOT_ACCEPTABLE
    assert ProviderApplication.objects.get(pk=application.pk).status == P.SUBMITTED


def test_provider_decline_and_withdraw(w):
    declined = services.provider_application_decline(
        actor=w.admin, application=join(w), reason="qualification", note="缺少CMA证书"
    )
    assert (
        declined.status == P.DECLINED
        and "缺少CMA证书" in told(w.tester, "voucher_provider_application_declined").body
    )
    withdrawn = services.provider_application_withdraw(actor=w.tester, application=join(w))
    assert withdrawn.status == P.WITHDRAWN and withdrawn.awaiting_since is None


@pytest.mark.parametrize("who", ["founder", "tester", "suzhou_admin"])
def test_only_the_programme_citys_admin_registers_providers(w, who):
    application = join(w)
    with pytest.raises(PermissionDenied):
        services.provider_application_accept(actor=getattr(w, who), application=application)
    with pytest.raises(PermissionDenied):
        services.provider_application_decline(
            actor=getattr(w, who), application=application, reason="other", note="x"
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"service_kinds": []}, "service_kinds"),
        ({"service_kinds": ["x"]}, "service_kinds"),
        ({"services": ""}, "services"),
    ],
)
def test_provider_bad_input_names_its_field(w, changes, field):
    with pytest.raises(ApplicationError) as exc:
        join(w, **changes)
    assert field_of(exc) == field


def test_provider_application_needs_membership_verification_and_an_open_programme(w):
    with pytest.raises(PermissionDenied):
        join(w, actor=w.founder)
    government = OrganisationFactory(name="南京市科技局", kind="government")
    with pytest.raises(ApplicationError):
        join(w, provider=government, actor=member_of(government, username="gov"))
    w.programme.status = "closed"
    w.programme.save()
    with pytest.raises(ApplicationError) as exc:
        join(w)
    assert exc.value.code == VoucherErrorCode.PROGRAMME_NOT_OPEN


# ---------------------------------------------------------------- reply rules


def test_reply_rules_are_registered():
    assert replies.rule("voucher_application").model is VoucherApplication
    assert replies.rule("voucher_provider_application").model is ProviderApplication


def test_waiting_application_reminds_the_city_then_escalates_to_the_alliance(w):
    application = apply(w)
    alliance = alliance_admin(username="alliance")
    since = application.awaiting_since

    reply_reminders_send(now=since + dt.timedelta(days=4))
    reminder = told(w.admin, "voucher_application_reminder")
    assert "创新券申领已等待 4 天" in reminder.title and reminder.url == application.get_absolute_url()
    assert "将转联盟管理员督办" in reminder.body  # the city itself owes the answer
    assert not Notification.objects.filter(recipient=w.suzhou_admin, kind__startswith="voucher_").exists()

    reply_reminders_send(now=since + dt.timedelta(days=8))
    told(alliance, "voucher_application_escalated")
    assert "已转联盟管理员督办" in told(w.founder, "voucher_application_escalated_requester").title


def test_waiting_provider_application_reminds_the_city(w):
    application = join(w)
    reply_reminders_send(now=application.awaiting_since + dt.timedelta(days=4))
    assert told(w.admin, "voucher_provider_application_reminder").url == application.get_absolute_url()


def test_answered_or_returned_applications_are_not_reminded(w):
    services.voucher_application_return(actor=w.admin, application=apply(w), info_request="补充")
    reply_reminders_send(now=timezone.now() + dt.timedelta(days=10))
    assert not Notification.objects.filter(kind__startswith="voucher_application_reminder").exists()


def test_city_admins_see_their_queue_in_awaiting_my_reply(w):
    apply(w)
    join(w)
    keys = {item.key for item in awaiting_my_reply(w.admin)}
    assert {"voucher_application", "voucher_provider_application"} <= keys
    assert not awaiting_my_reply(w.suzhou_admin)


def test_funnels_count_by_city(w):
    services.voucher_application_approve(actor=w.admin, application=apply(w))
    funnel = {str(label): n for label, n in selectors.voucher_application_funnel(w.programme.city_id)}
    assert funnel == {"提交申领": 1, "已答复": 1, "已批准发券": 1, "未获批准": 0}
    assert selectors.voucher_application_funnel(city("suzhou").pk)[0][1] == 0
