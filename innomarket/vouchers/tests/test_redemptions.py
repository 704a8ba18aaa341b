"""The 兑付 workflow: providers accepted per programme, redemption requested → confirmed → settled (or
declined, cancelled, released, lapsed), permissions per object, expiry and the reply rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from innomarket.common.exceptions import ApplicationError, ErrorCode, PermissionDenied
from innomarket.common.tests.factories import OrganisationFactory, city, city_admin, member_of
from innomarket.notifications import replies
from innomarket.notifications.models import Notification
from innomarket.notifications.services import reply_reminders_send
from innomarket.organisations.models import Organisation
from innomarket.verification.models import StatusEvent
from innomarket.vouchers import selectors, services
from innomarket.vouchers.errors import VoucherErrorCode
from innomarket.vouchers.models import LedgerAccount, LedgerTransaction, Redemption, Voucher

from .conftest import WAN, World, assert_ledger_balanced, make_world

K = LedgerAccount.Kind
S = Redemption.Status


@dataclass
class Flow:
    world: World
    voucher: Voucher
    founder: Any  # member of the voucher's enterprise
    tester: Any  # member of the accepted provider
    outsider: Any  # member of a provider that is not accepted

    @property
    def admin(self) -> Any:
        return self.world.admin

    def request(self, wan: int = 3, fen: int | None = None, code: str | None = None) -> Redemption:
        return services.redemption_request(
            actor=self.tester,
            provider=self.world.provider,
            code=code or self.voucher.code,
            service="检验检测：材料成分分析",
            amount_fen=fen if fen is not None else wan * WAN,
        )

    def confirm(self, redemption: Redemption) -> Redemption:
        return services.redemption_confirm(actor=self.founder, redemption=redemption)

    def settle(self, redemption: Redemption) -> Redemption:
        return services.redemption_complete(actor=self.admin, redemption=redemption)

    def wallet(self) -> int:
        return selectors.voucher_balance(voucher=self.voucher)

    def voucher_status(self) -> str:
        return Voucher.objects.get(pk=self.voucher.pk).status


@pytest.fixture
def flow(db) -> Flow:
    world = make_world()
    world.fund(100)
    voucher = world.voucher("10")
    services.programme_provider_accept(actor=world.admin, programme=world.programme, provider=world.provider)
    return Flow(
        world=world,
        voucher=voucher,
        founder=member_of(world.enterprise, username="founder"),
        tester=member_of(world.provider, username="tester"),
        outsider=member_of(world.other_provider, username="outsider"),
    )


def events(redemption: Redemption) -> list[tuple[str, str]]:
    rows = StatusEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Redemption), object_id=redemption.pk
    ).order_by("pk")
    return [(row.from_status, row.to_status) for row in rows]


def told(user: Any, kind: str) -> Notification:
    return Notification.objects.get(recipient=user, kind=kind)


# ---------------------------------------------------------------- providers and the cross-city rule


def test_city_admin_accepts_a_provider_once_and_its_members_are_told(flow):
    programme, lab = flow.world.programme, flow.world.other_provider

    accepted = services.programme_provider_accept(actor=flow.admin, programme=programme, provider=lab)
    again = services.programme_provider_accept(actor=flow.admin, programme=programme, provider=lab)

    assert again == accepted and accepted.accepted_by == flow.admin and accepted.accepted_at is not None
    assert selectors.is_accepted_provider(programme=programme, provider=lab)
    assert len(selectors.programme_providers(programme=programme)) == 2
    assert "可受理创新券兑付" in told(flow.outsider, "voucher_provider_accepted").title


def test_city_admin_cannot_accept_a_provider_in_another_citys_programme(flow):
    with pytest.raises(PermissionDenied):
        services.programme_provider_accept(
            actor=city_admin("suzhou", username="suzhou-admin"),
            programme=flow.world.programme,
            provider=flow.world.other_provider,
        )


def test_provider_member_cannot_accept_their_own_provider(flow):
    with pytest.raises(PermissionDenied):
        services.programme_provider_accept(
            actor=flow.outsider, programme=flow.world.programme, provider=flow.world.other_provider
        )


def test_provider_from_another_city_is_refused_when_cross_city_is_off(flow):
    programme = flow.world.programme
    programme.cross_city = False
    programme.save()
    suzhou_lab = OrganisationFactory(
        name="苏州某检测中心", city=city("suzhou"), kind=Organisation.Kind.SERVICE_PROVIDER
    )

    with pytest.raises(ApplicationError) as exc:
        services.programme_provider_accept(actor=flow.admin, programme=programme, provider=suzhou_lab)

    assert exc.value.code == VoucherErrorCode.PROVIDER_NOT_ACCEPTABLE
    assert exc.value.extra == {"field": "provider"}
    assert "未开通跨城通用通兑" in exc.value.message
    # A provider of the programme's own city is still fine.
    services.programme_provider_accept(
        actor=flow.admin, programme=programme, provider=flow.world.other_provider
    )


def test_cross_city_acceptance_list_limits_the_cities(flow):
    programme = flow.world.programme
    programme.accepted_cities.set([city("wuxi")])
    suzhou_lab = OrganisationFactory(name="苏州某检测中心", city=city("suzhou"))
    wuxi_lab = OrganisationFactory(name="无锡某检测中心", city=city("wuxi"))

    with pytest.raises(ApplicationError) as exc:
        services.programme_provider_accept(actor=flow.admin, programme=programme, provider=suzhou_lab)
    assert exc.value.code == VoucherErrorCode.PROVIDER_NOT_ACCEPTABLE

    accepted = services.programme_provider_accept(actor=flow.admin, programme=programme, provider=wuxi_lab)
    assert accepted.provider == wuxi_lab


def test_fund_and_issue_need_the_programme_citys_administrator(flow):
    for actor in (flow.founder, city_admin("suzhou", username="suzhou-admin")):
        with pytest.raises(PermissionDenied):
            services.programme_fund(actor=actor, programme=flow.world.programme, amount_fen=WAN)
        with pytest.raises(PermissionDenied):
            services.voucher_issue(
                actor=actor, programme=flow.world.programme, enterprise=flow.world.enterprise, amount_wan=1
            )


# ---------------------------------------------------------------- each transition


def test_request_waits_for_the_enterprise_and_reserves_nothing(flow):
    redemption = flow.request(3)

    assert redemption.status == S.REQUESTED and redemption.requested_by == flow.tester
    assert redemption.awaiting_since is not None and redemption.submitted_at is not None
    assert flow.wallet() == 10 * WAN
    assert not LedgerTransaction.objects.filter(kind="reserve").exists()
    assert events(redemption) == [("", "requested")]
    assert "请确认" in told(flow.founder, "redemption_requested").title


def test_confirm_reserves_the_amount_in_the_same_transaction(flow):
    redemption = flow.confirm(flow.request(3))

    assert redemption.status == S.CONFIRMED
    assert redemption.awaiting_since is None and redemption.first_answered_at is not None
    assert redemption.reservation is not None and redemption.reservation.kind == "reserve"
    assert flow.wallet() == 7 * WAN
    assert flow.world.balance(K.PROVIDER_RECEIVABLE, organisation=flow.world.provider) == 3 * WAN
    assert flow.voucher_status() == Voucher.Status.PARTIAL
    assert events(redemption) == [("", "requested"), ("requested", "confirmed")]
    told(flow.tester, "redemption_confirmed")
    told(flow.admin, "redemption_confirmed")


def test_settle_pays_the_provider(flow):
    redemption = flow.settle(flow.confirm(flow.request(3)))

    assert redemption.status == S.SETTLED and redemption.closing is not None
    assert redemption.closing.kind == "settle" and redemption.closing.closes_id == redemption.reservation_id
    assert flow.world.balance(K.PROVIDER_RECEIVABLE, organisation=flow.world.provider) == 0
    assert flow.world.balance(K.SETTLED, organisation=flow.world.provider) == 3 * WAN
    assert events(redemption)[-1] == ("confirmed", "settled")
    told(flow.founder, "redemption_settled")


def test_enterprise_declines_with_a_reason(flow):
    redemption = services.redemption_decline(
        actor=flow.founder, redemption=flow.request(3), reason="服务尚未完成"
    )

    assert redemption.status == S.DECLINED and redemption.reason == "服务尚未完成"
    assert redemption.awaiting_since is None
    assert flow.wallet() == 10 * WAN
    assert "服务尚未完成" in told(flow.tester, "redemption_declined").body


def test_decline_needs_a_reason(flow):
    with pytest.raises(ApplicationError) as exc:
        services.redemption_decline(actor=flow.founder, redemption=flow.request(3), reason="  ")
    assert exc.value.code == ErrorCode.REASON_REQUIRED


def test_provider_cancels_before_confirmation(flow):
    redemption = services.redemption_cancel(actor=flow.tester, redemption=flow.request(3))

    assert redemption.status == S.CANCELLED and redemption.awaiting_since is None
    told(flow.founder, "redemption_cancelled")


def test_city_admin_releases_a_confirmed_redemption_back_to_the_voucher(flow):
    redemption = services.redemption_release_confirmed(
        actor=flow.admin, redemption=flow.confirm(flow.request(3)), reason="服务机构申请撤回"
    )

    assert redemption.status == S.RELEASED and redemption.reason == "服务机构申请撤回"
    assert redemption.closing is not None and redemption.closing.kind == "release"
    assert flow.wallet() == 10 * WAN
    assert flow.voucher_status() == Voucher.Status.ISSUED
    told(flow.tester, "redemption_released")
    assert_ledger_balanced()


# ---------------------------------------------------------------- refusals: actor


def test_only_an_accepted_providers_members_request(flow):
    with pytest.raises(PermissionDenied):  # not a member of the provider named
        services.redemption_request(
            actor=flow.outsider,
            provider=flow.world.provider,
            code=flow.voucher.code,
            service="x",
            amount_fen=1,
        )
    with pytest.raises(PermissionDenied) as exc:  # member, but the provider is not accepted
        services.redemption_request(
            actor=flow.outsider,
            provider=flow.world.other_provider,
            code=flow.voucher.code,
            service="x",
            amount_fen=1,
        )
    assert "尚未登记" in exc.value.message
    assert not Redemption.objects.exists()


@pytest.mark.parametrize("who", ["tester", "outsider", "admin"])
def test_only_the_voucher_enterprises_members_confirm_or_decline(flow, who):
    redemption = flow.request(3)
    actor = getattr(flow, who)

    with pytest.raises(PermissionDenied):
        services.redemption_confirm(actor=actor, redemption=redemption)
    with pytest.raises(PermissionDenied):
        services.redemption_decline(actor=actor, redemption=redemption, reason="不对")
    assert Redemption.objects.get(pk=redemption.pk).status == S.REQUESTED


def test_only_the_requesting_provider_cancels(flow):
    redemption = flow.request(3)
    for actor in (flow.founder, flow.outsider):
        with pytest.raises(PermissionDenied):
            services.redemption_cancel(actor=actor, redemption=redemption)


def test_only_the_programme_citys_administrator_settles_or_releases(flow):
    redemption = flow.confirm(flow.request(3))
    for actor in (flow.founder, flow.tester, city_admin("suzhou", username="suzhou-admin")):
        with pytest.raises(PermissionDenied):
            services.redemption_complete(actor=actor, redemption=redemption)
        with pytest.raises(PermissionDenied):
            services.redemption_release_confirmed(actor=actor, redemption=redemption, reason="x")
    assert Redemption.objects.get(pk=redemption.pk).status == S.CONFIRMED


# ---------------------------------------------------------------- refusals: state


def test_settling_an_unconfirmed_request_is_refused_in_chinese(flow):
    redemption = flow.request(3)

    with pytest.raises(ApplicationError) as exc:
        flow.settle(redemption)

    assert exc.value.code == ErrorCode.INVALID_TRANSITION
    assert exc.value.message == "该兑付申请当前为“待企业确认”，不能办理此操作。"
    assert not LedgerTransaction.objects.filter(kind="settle").exists()


def test_wrong_states_are_refused(flow):
    confirmed = flow.confirm(flow.request(3))
    with pytest.raises(ApplicationError):
        flow.confirm(confirmed)  # twice
    with pytest.raises(ApplicationError):
        services.redemption_decline(actor=flow.founder, redemption=confirmed, reason="反悔")
    with pytest.raises(ApplicationError):
        services.redemption_cancel(actor=flow.tester, redemption=confirmed)
    settled = flow.settle(confirmed)
    with pytest.raises(ApplicationError):
        flow.settle(settled)
    with pytest.raises(ApplicationError):
        services.redemption_release_confirmed(actor=flow.admin, redemption=settled, reason="x")
    assert LedgerTransaction.objects.filter(kind="reserve").count() == 1
    assert LedgerTransaction.objects.filter(kind="settle").count() == 1


# ---------------------------------------------------------------- refusals: amount, code


def test_request_over_the_voucher_balance_is_refused_with_the_field(flow):
    with pytest.raises(ApplicationError) as exc:
        flow.request(fen=10 * WAN + 1)

    assert exc.value.code == VoucherErrorCode.INSUFFICIENT_BALANCE
    assert exc.value.extra == {"field": "amount_fen", "balance": 10 * WAN}


def test_confirming_more_than_is_left_surfaces_the_ledgers_error(flow):
    # Given two requests that each fit, but not together
    first, second = flow.request(6), flow.request(6)
    flow.confirm(first)

    with pytest.raises(ApplicationError) as exc:
        flow.confirm(second)

    assert exc.value.code == VoucherErrorCode.INSUFFICIENT_BALANCE
    assert exc.value.extra == {"field": "amount_fen", "balance": 4 * WAN}
    assert exc.value.message == "创新券余额不足：可用 40,000.00 元，本次 60,000.00 元。"
    assert Redemption.objects.get(pk=second.pk).status == S.REQUESTED
    assert flow.wallet() == 4 * WAN


def test_unknown_code_and_empty_service_are_refused(flow):
    with pytest.raises(ApplicationError) as exc:
        flow.request(code="CX-NOPE")
    assert exc.value.code == VoucherErrorCode.VOUCHER_NOT_FOUND and exc.value.extra == {"field": "code"}
    with pytest.raises(ApplicationError) as exc:
        services.redemption_request(
            actor=flow.tester, provider=flow.world.provider, code=flow.voucher.code, service=" ", amount_fen=1
        )
    assert exc.value.extra == {"field": "service"}


# ---------------------------------------------------------------- full cycles on the ledger


def test_full_cycle_twice_partial_uses_the_voucher_up(flow):
    first = flow.settle(flow.confirm(flow.request(3)))
    assert flow.voucher_status() == Voucher.Status.PARTIAL

    second = flow.confirm(flow.request(7))
    assert flow.voucher_status() == Voucher.Status.REDEEMED  # nothing left, one reservation open
    flow.settle(second)

    assert (first.status, Redemption.objects.get(pk=second.pk).status) == (S.SETTLED, S.SETTLED)
    assert flow.voucher_status() == Voucher.Status.SETTLED
    assert flow.wallet() == 0
    assert flow.world.balance(K.SETTLED, organisation=flow.world.provider) == 10 * WAN
    assert flow.world.balance(K.PROVIDER_RECEIVABLE, organisation=flow.world.provider) == 0
    assert selectors.programme_available(programme=flow.world.programme) == 90 * WAN
    assert flow.world.balance(K.FUNDING) == -100 * WAN
    assert_ledger_balanced()
    with pytest.raises(ApplicationError) as exc:
        flow.request(fen=1)
    assert exc.value.code == VoucherErrorCode.VOUCHER_NOT_USABLE


def test_partial_twice_then_expiry_returns_the_rest(flow):
    flow.settle(flow.confirm(flow.request(2)))
    flow.settle(flow.confirm(flow.request(3)))
    lapsing = flow.request(1)  # still waiting for the enterprise when the voucher expires
    programme = flow.world.programme
    programme.valid_to = timezone.localdate() - dt.timedelta(days=1)
    programme.save()

    assert services.vouchers_expire_due(today=timezone.localdate()) == 1

    assert flow.voucher_status() == Voucher.Status.EXPIRED
    assert flow.wallet() == 0
    assert selectors.programme_available(programme=programme) == 95 * WAN  # 90 left + 5 returned
    assert flow.world.balance(K.SETTLED, organisation=flow.world.provider) == 5 * WAN
    lapsing = Redemption.objects.get(pk=lapsing.pk)
    assert lapsing.status == S.LAPSED and lapsing.awaiting_since is None
    told(flow.tester, "redemption_lapsed")
    assert "已收回" in told(flow.founder, "voucher_expired").title
    assert_ledger_balanced()

    # Idempotent: a second run finds nothing to do.
    assert services.vouchers_expire_due(today=timezone.localdate()) == 0
    assert LedgerTransaction.objects.filter(kind="expire").count() == 1


def test_expiry_leaves_confirmed_reservations_with_the_provider(flow):
    to_settle = flow.confirm(flow.request(2))
    to_release = flow.confirm(flow.request(3))
    programme = flow.world.programme
    programme.valid_to = timezone.localdate() - dt.timedelta(days=1)
    programme.save()

    services.vouchers_expire_due(today=timezone.localdate())
    assert selectors.programme_available(programme=programme) == 95 * WAN  # the unreserved 5

    flow.settle(to_settle)
    services.redemption_release_confirmed(actor=flow.admin, redemption=to_release, reason="未提供服务")

    # The release of an expired voucher's reservation goes to the budget, not back to the voucher.
    assert flow.wallet() == 0
    assert selectors.programme_available(programme=programme) == 98 * WAN
    assert flow.voucher_status() == Voucher.Status.EXPIRED
    assert_ledger_balanced()


def test_programme_not_yet_due_is_left_alone(flow):
    programme = flow.world.programme
    programme.valid_to = timezone.localdate()
    programme.save()

    assert services.vouchers_expire_due(today=timezone.localdate()) == 0
    assert flow.voucher_status() == Voucher.Status.ISSUED


# ---------------------------------------------------------------- reply rule


def test_reply_rule_is_registered():
    rule = replies.rule("voucher_redemption")
    assert rule.model is Redemption and rule.inbox_url == "site:workspace-vouchers" and rule.mine is not None


def test_unconfirmed_request_reminds_the_enterprise_then_escalates_to_the_programme_city(flow):
    redemption = flow.request(3)
    since = redemption.awaiting_since
    suzhou_admin = city_admin("suzhou", username="suzhou-admin")

    report = reply_reminders_send(now=since + dt.timedelta(days=4))

    assert report.reminded >= 1
    reminder = told(flow.founder, "voucher_redemption_reminder")
    assert "创新券兑付确认已等待 4 天" in reminder.title
    assert flow.voucher.code in reminder.body and reminder.url == redemption.get_absolute_url()

    reply_reminders_send(now=since + dt.timedelta(days=8))
    told(flow.admin, "voucher_redemption_escalated")
    told(flow.tester, "voucher_redemption_escalated_requester")
    assert not Notification.objects.filter(recipient=suzhou_admin).exists()


def test_answered_request_is_not_reminded(flow):
    redemption = flow.confirm(flow.request(3))

    reply_reminders_send(now=redemption.first_answered_at + dt.timedelta(days=10))

    assert not Notification.objects.filter(kind__startswith="voucher_redemption_").exists()
