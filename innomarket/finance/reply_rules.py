"""有问必答 for 金融服务: the two reply rules this app registers (see ``notifications.replies``).

- ``loan_application``: the institution owes 受理 (or a decision) and then the decision; the
  product's city follows up.
- ``financing_interest``: the requesting enterprise owes an answer to an institution's interest; the
  request's city follows up.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innomarket.accounts import roles
from innomarket.notifications import replies
from innomarket.notifications.recipients import organisation_members

from .models import LOAN_AWAITING_INSTITUTION, FinancingInterest, LoanApplication
from .services import wan


def _loan_pending() -> QuerySet[LoanApplication]:
    return LoanApplication.objects.filter(status__in=LOAN_AWAITING_INSTITUTION).select_related(
        "applicant", "institution", "product"
    )


def _loan_describe(application: LoanApplication) -> str:
    stage = _("待受理") if application.status == "submitted" else _("已受理，待审批结果")
    return _("%(applicant)s申请“%(product)s” %(amount)s 万元（%(stage)s，受理机构：%(institution)s）") % {
        "applicant": application.applicant.name,
        "product": application.product.title,
        "amount": wan(application.amount_wan),
        "stage": stage,
        "institution": application.institution.name,
    }


def loan_funnel(city_id: int | None) -> list[tuple[Any, int]]:
    """申请 → 已答复 → 已受理 → 已授信 (and 婉拒 beside), one query."""
    qs = LoanApplication.objects.filter(submitted_at__isnull=False)
    if city_id is not None:
        qs = qs.filter(city_id=city_id)
    counts = qs.aggregate(
        submitted=Count("pk"),
        answered=Count("pk", filter=Q(first_answered_at__isnull=False)),
        accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
        granted=Count("pk", filter=Q(status="granted")),
        declined=Count("pk", filter=Q(status="declined")),
    )
    return [
        (gettext_lazy("提交申请"), counts["submitted"]),
        (gettext_lazy("已答复"), counts["answered"]),
        (gettext_lazy("已受理"), counts["accepted"]),
        (gettext_lazy("已授信"), counts["granted"]),
        (gettext_lazy("已婉拒"), counts["declined"]),
    ]


def _interest_pending() -> QuerySet[FinancingInterest]:
    return FinancingInterest.objects.filter(status="submitted").select_related(
        "institution", "request__owner"
    )


def _interest_describe(interest: FinancingInterest) -> str:
    return _("%(institution)s对融资需求“%(title)s”的意向（%(low)s–%(high)s 万元）") % {
        "institution": interest.institution.name,
        "title": interest.request.title,
        "low": wan(interest.amount_min_wan),
        "high": wan(interest.amount_max_wan),
    }


def interest_funnel(city_id: int | None) -> list[tuple[Any, int]]:
    """意向 → 已回复 → 同意洽谈, one query."""
    qs = FinancingInterest.objects.filter(submitted_at__isnull=False)
    if city_id is not None:
        qs = qs.filter(city_id=city_id)
    counts = qs.aggregate(
        submitted=Count("pk"),
        answered=Count("pk", filter=Q(first_answered_at__isnull=False)),
        accepted=Count("pk", filter=Q(status="accepted")),
    )
    return [
        (gettext_lazy("收到意向"), counts["submitted"]),
        (gettext_lazy("已回复"), counts["answered"]),
        (gettext_lazy("同意洽谈"), counts["accepted"]),
    ]


LOAN_APPLICATION_RULE = replies.ReplyRule(
    key="loan_application",
    label=gettext_lazy("融资申请"),
    model=LoanApplication,
    pending=_loan_pending,
    answerers=lambda application: organisation_members(application.institution_id),
    requesters=lambda application: organisation_members(application.applicant_id),
    city_id=lambda application: application.city_id,
    describe=_loan_describe,
    answer_url=lambda application: application.get_absolute_url(),
    funnel=loan_funnel,
    mine=lambda user: _loan_pending().filter(institution_id__in=roles.member_organisation_ids(user)),
    inbox_url="site:workspace-finance",
)

FINANCING_INTEREST_RULE = replies.ReplyRule(
    key="financing_interest",
    label=gettext_lazy("投融资意向"),
    model=FinancingInterest,
    pending=_interest_pending,
    answerers=lambda interest: organisation_members(interest.request.owner_id),
    requesters=lambda interest: organisation_members(interest.institution_id),
    city_id=lambda interest: interest.city_id,
    describe=_interest_describe,
    answer_url=lambda interest: interest.get_absolute_url(),
    funnel=interest_funnel,
    mine=lambda user: _interest_pending().filter(request__owner_id__in=roles.member_organisation_ids(user)),
    inbox_url="site:workspace-finance",
)


def register_rules() -> None:
    replies.register(LOAN_APPLICATION_RULE)
    replies.register(FINANCING_INTEREST_RULE)
