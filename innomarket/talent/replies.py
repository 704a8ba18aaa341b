"""有问必答 for 人才交流: the reply rules of applications and contact requests (see
``notifications.replies``). Registered from ``TalentConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from innomarket.accounts import roles
from innomarket.notifications.recipients import organisation_members
from innomarket.notifications.replies import ReplyRule, register

from . import selectors
from .models import OPEN_APPLICATION_STATUSES, ContactRequest, ContactStatus, TalentApplication


def _pending_applications() -> Any:
    return TalentApplication.objects.filter(status__in=list(OPEN_APPLICATION_STATUSES)).select_related(
        "post", "applicant"
    )


def _pending_contacts() -> Any:
    return ContactRequest.objects.filter(status=ContactStatus.SUBMITTED).select_related(
        "expert", "expert__user", "tech_manager", "tech_manager__user", "requester"
    )


def _contact_answerers(request: ContactRequest) -> Any:
    from .services import contact_answerers

    return contact_answerers(request.target)


def _my_applications(user: Any) -> Any:
    """Applications to the posts of the user's organisations that still owe an answer."""
    return _pending_applications().filter(post__owner_id__in=roles.member_organisation_ids(user))


def _applications_inbox(user: Any) -> str:
    waiting = _my_applications(user).filter(awaiting_since__isnull=False).order_by("awaiting_since").first()
    if waiting is None:
        return reverse("site:talent-my-applications")
    return reverse("site:talent-org-applications", kwargs={"org_pk": waiting.post.owner_id})


def _my_contacts(user: Any) -> Any:
    """Contact requests to the user's own expert/manager profile, or to unlinked profiles of their organisations."""
    orgs = roles.member_organisation_ids(user)
    return _pending_contacts().filter(
        Q(expert__user=user)
        | Q(tech_manager__user=user)
        | Q(expert__user__isnull=True, expert__owner_id__in=orgs)
        | Q(tech_manager__user__isnull=True, tech_manager__owner_id__in=orgs)
    )


def _describe_application(a: TalentApplication) -> str:
    return gettext("%(name)s 应聘“%(post)s”") % {"name": a.applicant.display_name, "post": a.post.title}


def _describe_contact(r: ContactRequest) -> str:
    return gettext("%(name)s 请求联系“%(target)s”（%(purpose)s）") % {
        "name": r.requester.display_name,
        "target": r.target.title,
        "purpose": r.get_purpose_display(),
    }


def register_rules() -> None:
    register(
        ReplyRule(
            key="talent_application",
            label=_("应聘申请"),
            model=TalentApplication,
            pending=_pending_applications,
            answerers=lambda a: organisation_members(a.post.owner_id) if a.post.owner_id else [],
            requesters=lambda a: [a.applicant],
            city_id=lambda a: a.post.city_id,
            describe=_describe_application,
            answer_url=lambda a: a.get_absolute_url(),
            funnel=selectors.application_funnel,
            city_field="post__city",
            mine=_my_applications,
            inbox_url=_applications_inbox,
        )
    )
    register(
        ReplyRule(
            key="expert_contact",
            label=_("专家联系请求"),
            model=ContactRequest,
            pending=_pending_contacts,
            answerers=_contact_answerers,
            requesters=lambda r: [r.requester],
            city_id=lambda r: r.city_id,
            describe=_describe_contact,
            answer_url=lambda r: r.get_absolute_url(),
            funnel=selectors.contact_funnel,
            city_field="city",
            mine=_my_contacts,
            inbox_url="site:talent-contacts",
        )
    )
