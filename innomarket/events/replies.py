"""有问必答 for 活动报名: registrations that need the organisers' review owe an answer (see
``notifications.replies``). Automatic confirmations owe nothing. Registered from ``EventsConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from innomarket.accounts import roles
from innomarket.notifications.recipients import organisation_members
from innomarket.notifications.replies import ReplyRule, register

from . import selectors
from .models import Registration, RegistrationStatus


def _pending() -> Any:
    return Registration.objects.filter(status=RegistrationStatus.PENDING).select_related("event", "user")


def _describe(r: Registration) -> str:
    return gettext("%(name)s 报名“%(event)s”，待审核") % {"name": r.name, "event": r.event.title}


def _inbox(user: Any) -> str:
    waiting = (
        _pending()
        .filter(event__owner_id__in=roles.member_organisation_ids(user), awaiting_since__isnull=False)
        .order_by("awaiting_since")
        .first()
    )
    return _answer_url(waiting) if waiting is not None else ""


def _answer_url(r: Registration) -> str:
    from .services import manage_url

    return manage_url(r.event)


def register_rules() -> None:
    register(
        ReplyRule(
            key="event_registration",
            label=_("活动报名审核"),
            model=Registration,
            pending=_pending,
            answerers=lambda r: organisation_members(r.event.owner_id) if r.event.owner_id else [],
            requesters=lambda r: [r.user],
            city_id=lambda r: r.event.city_id,
            describe=_describe,
            answer_url=_answer_url,
            funnel=selectors.registration_funnel,
            city_field="event__city",
            mine=lambda user: _pending().filter(event__owner_id__in=roles.member_organisation_ids(user)),
            inbox_url=_inbox,
        )
    )
