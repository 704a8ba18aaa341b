"""Reads of 在线咨询: who answers, who may see, the inbox lists, the funnel, the reply rule."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innomarket.accounts import roles
from innomarket.accounts.models import User
from innomarket.notifications.recipients import city_admins, organisation_members
from innomarket.notifications.replies import ReplyRule
from innomarket.verification.models import StatusEvent

from .models import Enquiry, EnquiryStatus


def answerers(enquiry: Enquiry) -> QuerySet[User]:
    """Who owes the answer: the owner organisation's members; the city's administrators when the
    record has no owner organisation or that organisation has nobody on the platform yet."""
    if enquiry.owner_id is not None:
        members = organisation_members(enquiry.owner_id)
        if members.exists():
            return members
    return city_admins(enquiry.city_id)


def can_answer(actor: Any, enquiry: Enquiry) -> bool:
    if not getattr(actor, "is_authenticated", False):
        return False
    if enquiry.owner_id is not None and roles.is_member_of(actor, enquiry.owner_id):
        return True
    return answerers(enquiry).filter(pk=actor.pk).exists()


def can_view(actor: Any, enquiry: Enquiry) -> bool:
    """The asker, the answering side, and the administrators of the enquiry's city (督办)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return (
        enquiry.author_id == actor.pk
        or can_answer(actor, enquiry)
        or roles.can_administer_city(actor, enquiry.city_id)
    )


def enquiry_url(enquiry: Enquiry) -> str:
    return reverse("site:enquiry-detail", kwargs={"pk": enquiry.pk})


def _joined(qs: QuerySet[Enquiry]) -> QuerySet[Enquiry]:
    return qs.select_related("owner", "city", "author", "author_organisation", "content_type")


def enquiries_received(user: Any) -> QuerySet[Enquiry]:
    """Enquiries the user's organisations (or, for records without an owner, the user's city) must answer."""
    if not getattr(user, "is_authenticated", False):
        return Enquiry.objects.none()
    scope = Q(owner_id__in=roles.member_organisation_ids(user))
    city_id = roles.administered_city_id(user)
    if city_id is not None:
        scope |= Q(owner__isnull=True, city_id=city_id)
    return _joined(Enquiry.objects.filter(scope)).order_by("-awaiting_since", "-created_at", "-id")


def enquiries_sent(user: Any) -> QuerySet[Enquiry]:
    if not getattr(user, "is_authenticated", False):
        return Enquiry.objects.none()
    return _joined(Enquiry.objects.filter(author=user)).order_by("-created_at", "-id")


def enquiry_for(user: Any, pk: int) -> Enquiry | None:
    """One enquiry the user may see, or None (the view answers 404 either way)."""
    enquiry = _joined(Enquiry.objects.filter(pk=pk)).first()
    if enquiry is None or not can_view(user, enquiry):
        return None
    return enquiry


def conversation(enquiry: Enquiry) -> QuerySet[Any]:
    return enquiry.messages.select_related("author").order_by("created_at", "id")


def history(enquiry: Enquiry) -> QuerySet[StatusEvent]:
    """The enquiry's status changes, oldest first (both sides see the same)."""
    return (
        StatusEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Enquiry), object_id=enquiry.pk
        )
        .select_related("actor", "content_type")
        .order_by("created_at", "id")
    )


def open_enquiry(user: Any, record: Any, kind: str) -> Enquiry | None:
    """The user's open enquiry of ``kind`` on ``record``, if any (the detail page links to it)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Enquiry.objects.filter(
        author=user,
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=record.pk,
        kind=kind,
        status__in=(EnquiryStatus.SUBMITTED, EnquiryStatus.ANSWERED, EnquiryStatus.ACCEPTED),
    ).first()


def enquiry_funnel(city_id: int | None) -> list[tuple[Any, int]]:
    """咨询与洽谈 → 已答复 → 洽谈意向 → 同意洽谈 (ever, also if closed since), in one query."""
    qs = Enquiry.objects.all()
    if city_id is not None:
        qs = qs.filter(city_id=city_id)
    ever_accepted = StatusEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Enquiry),
        object_id=OuterRef("pk"),
        to_status=EnquiryStatus.ACCEPTED,
    )
    counts = qs.annotate(was_accepted=Exists(ever_accepted)).aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=Q(first_answered_at__isnull=False)),
        intents=Count("pk", filter=Q(kind=Enquiry.Kind.INTENT)),
        accepted=Count("pk", filter=Q(was_accepted=True)),
    )
    return [
        (_("咨询与洽谈"), counts["total"]),
        (_("已答复"), counts["answered"]),
        (_("洽谈意向"), counts["intents"]),
        (_("同意洽谈"), counts["accepted"]),
    ]


def _describe(enquiry: Enquiry) -> str:
    who = enquiry.author_organisation or enquiry.author.display_name
    return f"{who} · {enquiry.get_kind_display()}“{enquiry.subject}”（{enquiry.record_title}）"


REPLY_RULE = ReplyRule(
    key="enquiry",
    label=_("在线咨询"),
    model=Enquiry,
    pending=lambda: Enquiry.objects.filter(status=EnquiryStatus.SUBMITTED).select_related(
        "author", "author_organisation", "city"
    ),
    answerers=answerers,
    requesters=lambda enquiry: [enquiry.author],
    city_id=lambda enquiry: enquiry.city_id,
    describe=_describe,
    answer_url=enquiry_url,
    funnel=enquiry_funnel,
    mine=lambda user: enquiries_received(user).filter(status=EnquiryStatus.SUBMITTED),
    inbox_url="site:enquiry-list",
)
