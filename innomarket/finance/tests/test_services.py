"""融资申请 and 投融资意向: the state machines, who may act, bad input, notifications and events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from innomarket.common.exceptions import ApplicationError, PermissionDenied
from innomarket.finance import services
from innomarket.finance.models import FinancingInterest, LoanApplication, LoanApplicationAttachment
from innomarket.notifications.models import Notification
from innomarket.verification.selectors import status_events_for

from .conftest import pdf

pytestmark = pytest.mark.django_db


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


# ---------------------------------------------------------------- 融资申请


def test_submit_waits_on_the_bank_and_tells_it(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = world.apply(files=[pdf()])

    assert application.status == "submitted"
    assert application.institution == world.bank and application.city == world.product.city
    assert application.submitted_at is not None and application.awaiting_since is not None
    assert kinds(world.banker) == ["loan_application_submitted"]
    assert "蓝鸟测试科技有限公司" in Notification.objects.get(recipient=world.banker).title
    assert [m.to for m in mail.outbox] == [["banker@example.com"]]
    stored = LoanApplicationAttachment.objects.get(application=application)
    assert stored.name == "财务报表.pdf" and stored.organisation == world.enterprise
    assert Path(stored.file.path).is_file()
    assert [e.to_status for e in status_events_for(application)] == ["submitted"]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "申请金额须大于 0 万元"),
        ("-5", "申请金额须大于 0 万元"),
        ("50", "不在本产品的额度范围（100–5,000 万元）之内"),
        ("6000", "不在本产品的额度范围（100–5,000 万元）之内"),
    ],
)
def test_amount_outside_the_product_range_is_refused_on_the_field(world, amount, message):
    with pytest.raises(ApplicationError) as caught:
        world.apply(amount=amount)

    assert message in str(caught.value)
    assert caught.value.extra["field"] == "amount_wan"
    assert not LoanApplication.objects.exists()


def test_term_longer_than_the_product_and_missing_purpose_are_refused(world):
    with pytest.raises(ApplicationError, match="不能超过本产品的期限 36 个月") as caught:
        world.apply(term_months=48)
    assert caught.value.extra["field"] == "term_months"
    with pytest.raises(ApplicationError, match="请说明资金用途") as caught:
        world.apply(purpose="  ")
    assert caught.value.extra["field"] == "purpose"


def test_a_bad_file_writes_nothing(world):
    bad = pdf("脚本.exe", b"MZ")

    with pytest.raises(ApplicationError, match="不支持的附件类型") as caught:
        world.apply(files=[pdf(), bad])

    assert caught.value.extra["field"] == "attachments"
    assert not LoanApplication.objects.exists() and not LoanApplicationAttachment.objects.exists()
    assert not Notification.objects.exists()


def test_only_members_of_a_verified_enterprise_apply_once_per_product(world):
    with pytest.raises(PermissionDenied):
        services.loan_application_submit(
            actor=world.outsider,
            product=world.product,
            applicant=world.enterprise,
            amount_wan=Decimal("200"),
            purpose="流动资金",
        )
    with pytest.raises(ApplicationError, match="不是企业"):
        services.loan_application_submit(
            actor=world.investor_user,
            product=world.product,
            applicant=world.investor,
            amount_wan=Decimal("200"),
            purpose="流动资金",
        )
    world.enterprise.status = "submitted"
    world.enterprise.save()
    with pytest.raises(ApplicationError, match="尚未通过核验"):
        world.apply()
    world.enterprise.status = "published"
    world.enterprise.save()

    world.apply()
    with pytest.raises(ApplicationError, match="已有一份办理中的申请"):
        world.apply(amount="200")
    assert LoanApplication.objects.count() == 1


def test_an_unpublished_product_takes_no_application(world):
    world.product.status = "archived"
    world.product.save()

    with pytest.raises(ApplicationError, match="不接受申请"):
        world.apply()


def test_accept_then_grant_tells_the_enterprise_and_records_every_step(world):
    application = world.apply()

    application = services.loan_application_accept(
        actor=world.banker, application=application, note="客户经理跟进"
    )
    assert application.status == "accepted"
    assert application.first_answered_at is not None
    assert application.awaiting_since is not None  # the decision is owed next
    first_answer = application.first_answered_at

    application = services.loan_application_grant(
        actor=world.banker,
        application=application,
        amount_wan=Decimal("3500"),
        term_months=12,
        note="信用方式",
    )

    assert application.status == "granted"
    assert application.granted_amount_wan == Decimal("3500")
    assert application.awaiting_since is None and application.first_answered_at == first_answer
    assert kinds(world.founder) == ["loan_application_accepted", "loan_application_granted"]
    granted = Notification.objects.filter(recipient=world.founder).order_by("pk").last()
    assert "获得授信 3,500 万元" in granted.title
    history = list(status_events_for(application))
    assert [(e.from_status, e.to_status) for e in reversed(history)] == [
        ("", "submitted"),
        ("submitted", "accepted"),
        ("accepted", "granted"),
    ]
    assert history[0].reason == "授信 3,500 万元，期限 12 个月。信用方式"
    assert history[0].actor == world.banker


def test_grant_amount_is_checked_against_the_product(world):
    application = world.apply()

    with pytest.raises(ApplicationError, match="授信金额 8,000 万元不在本产品的额度范围") as caught:
        services.loan_application_grant(
            actor=world.banker, application=application, amount_wan=Decimal("8000")
        )

    assert caught.value.extra["field"] == "amount_wan"
    application.refresh_from_db()
    assert application.status == "submitted" and application.granted_amount_wan is None


def test_needs_info_hands_the_ball_to_the_enterprise_and_resubmission_back(world):
    application = world.apply()
    application = services.loan_application_accept(actor=world.banker, application=application)

    application = services.loan_application_request_info(
        actor=world.banker, application=application, info_request="近两年审计报告"
    )
    assert application.status == "needs_info" and application.awaiting_since is None
    assert "近两年审计报告" in Notification.objects.filter(recipient=world.founder).order_by("pk").last().body

    with pytest.raises(ApplicationError, match="请上传补充材料或填写补充说明"):
        services.loan_application_resubmit(actor=world.founder, application=application)
    application = services.loan_application_resubmit(
        actor=world.founder, application=application, note="已上传审计报告", files=[pdf("审计报告.pdf")]
    )

    assert application.status == "accepted"  # back to where it was asked for
    assert application.awaiting_since is not None
    assert kinds(world.banker)[-1] == "loan_application_resubmitted"
    assert application.attachments.filter(name="审计报告.pdf").exists()


def test_needs_info_before_acceptance_returns_to_submitted(world):
    application = world.apply()
    application = services.loan_application_request_info(
        actor=world.banker, application=application, info_request="营业执照"
    )

    application = services.loan_application_resubmit(
        actor=world.founder, application=application, note="已补"
    )

    assert application.status == "submitted"


def test_decline_needs_a_structured_reason(world):
    application = world.apply()

    with pytest.raises(ApplicationError, match="请选择婉拒原因") as caught:
        services.loan_application_decline(actor=world.banker, application=application, reason="")
    assert caught.value.extra["field"] == "reason"
    with pytest.raises(ApplicationError, match="请写明具体原因") as caught:
        services.loan_application_decline(actor=world.banker, application=application, reason="other")
    assert caught.value.extra["field"] == "note"

    application = services.loan_application_decline(
        actor=world.banker, application=application, reason="collateral", note="需追加担保"
    )
    assert application.status == "declined" and application.awaiting_since is None
    assert (
        "担保或抵质押条件不足"
        in Notification.objects.filter(recipient=world.founder).order_by("pk").last().body
    )


def test_only_the_bank_answers_and_only_the_enterprise_resubmits_or_withdraws(world):
    application = world.apply()

    for actor in (world.founder, world.outsider, world.admin, world.investor_user):
        with pytest.raises(PermissionDenied):
            services.loan_application_accept(actor=actor, application=application)
        with pytest.raises(PermissionDenied):
            services.loan_application_grant(actor=actor, application=application, amount_wan=Decimal("100"))
    with pytest.raises(PermissionDenied):
        services.loan_application_withdraw(actor=world.banker, application=application)
    application.refresh_from_db()
    assert application.status == "submitted"


def test_finished_applications_take_no_more_answers(world):
    application = world.apply()
    services.loan_application_withdraw(actor=world.founder, application=application, note="已获其他融资")
    application.refresh_from_db()
    assert application.awaiting_since is None
    assert kinds(world.banker)[-1] == "loan_application_withdrawn"

    with pytest.raises(ApplicationError, match="不能办理此操作"):
        services.loan_application_grant(
            actor=world.banker, application=application, amount_wan=Decimal("100")
        )
    with pytest.raises(ApplicationError, match="不能办理此操作"):
        services.loan_application_accept(actor=world.banker, application=application)
    # A new application may follow a closed one.
    assert world.apply(amount="200").status == "submitted"


# ---------------------------------------------------------------- 投融资意向


def express(world, **overrides):
    values = {
        "actor": world.investor_user,
        "request": world.financing,
        "institution": world.investor,
        "amount_min_wan": Decimal("1000"),
        "amount_max_wan": Decimal("2000"),
        "note": "关注研发管线，可领投",
        **overrides,
    }
    return services.financing_interest_submit(**values)


def test_interest_waits_on_the_enterprise_which_accepts_and_shows_contacts(world):
    interest = express(world)
    assert interest.status == "submitted" and interest.awaiting_since is not None
    assert kinds(world.founder) == ["financing_interest_submitted"]

    interest = services.financing_interest_accept(actor=world.founder, interest=interest, note="下周面谈")

    assert interest.status == "accepted" and interest.awaiting_since is None
    assert interest.answered_by == world.founder
    told = Notification.objects.get(recipient=world.investor_user, kind="financing_interest_accepted")
    assert "founder@example.com" in told.body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount_min_wan": Decimal("0")}, "amount_min_wan", "下限须大于 0"),
        ({"amount_max_wan": Decimal("500")}, "amount_max_wan", "上限不能小于下限"),
        ({"amount_min_wan": None}, "amount_min_wan", "请填写意向金额下限"),
        ({"note": ""}, "note", "请说明意向"),
    ],
)
def test_interest_bad_input_is_located(world, overrides, field, message):
    with pytest.raises(ApplicationError, match=message) as caught:
        express(world, **overrides)
    assert caught.value.extra["field"] == field
    assert not FinancingInterest.objects.exists()


def test_only_institutions_express_interest_once(world):
    with pytest.raises(ApplicationError, match="只有金融机构、投资机构或担保机构"):
        express(world, actor=world.outsider, institution=world.other_enterprise)
    with pytest.raises(PermissionDenied):
        express(world, actor=world.founder)
    express(world)
    with pytest.raises(ApplicationError, match="已有一份有效的意向"):
        express(world)


def test_expired_request_takes_no_interest(world):
    world.financing.valid_until = timezone.localdate() - dt.timedelta(days=1)
    world.financing.save()
    with pytest.raises(ApplicationError, match="已过有效期"):
        express(world)


def test_interest_decline_with_reason_and_withdraw_rules(world):
    interest = express(world)
    with pytest.raises(PermissionDenied):
        services.financing_interest_decline(actor=world.investor_user, interest=interest, reason="terms")
    with pytest.raises(ApplicationError, match="请写明具体原因"):
        services.financing_interest_decline(actor=world.founder, interest=interest, reason="other")

    interest = services.financing_interest_decline(actor=world.founder, interest=interest, reason="found")

    assert interest.status == "declined"
    assert (
        "已确定其他资金方"
        in Notification.objects.get(recipient=world.investor_user, kind="financing_interest_declined").body
    )
    with pytest.raises(ApplicationError, match="不能办理此操作"):
        services.financing_interest_withdraw(actor=world.investor_user, interest=interest)


def test_withdrawn_interest_frees_the_institution_to_express_again(world):
    interest = express(world)
    services.financing_interest_withdraw(actor=world.investor_user, interest=interest, note="重新评估")
    assert kinds(world.founder)[-1] == "financing_interest_withdrawn"

    assert express(world).status == "submitted"
