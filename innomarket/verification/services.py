"""Status transitions of verifiable records (organisations and every listing).

Each transition is one function: it checks the actor's permission on this object, locks the row,
checks the current state against the model's ``WORKFLOW``, writes, and appends a ``StatusEvent``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from innomarket.accounts import roles
from innomarket.common.exceptions import ApplicationError, ErrorCode, PermissionDenied
from innomarket.regions.services import map_point_changes, record_locate

from . import notices
from .models import REASON_CREATED, REASON_EDITED, Listing, Source, StatusEvent, Verifiable
from .signals import status_changed

M = TypeVar("M", bound=Verifiable)
# Any model with a status and a ``WORKFLOW`` table (listings, organisations, bids).
R = TypeVar("R", bound=Model)


def owning_organisation_id(record: Any) -> int | None:
    """The organisation whose members may edit the record: its owner, or itself for an organisation."""
    from innomarket.organisations.models import Organisation

    if isinstance(record, Organisation):
        return record.pk
    return getattr(record, "owner_id", None)


def can_edit(actor: Any, record: Any) -> bool:
    return roles.is_member_of(actor, owning_organisation_id(record)) or roles.can_administer_city(
        actor, record.city_id
    )


def lock(record: R) -> R:
    """Re-read ``record`` with a row lock. The caller must be inside ``transaction.atomic``."""
    return type(record)._default_manager.select_for_update().get(pk=record.pk)


def record_event(
    *, record: Any, actor: Any, from_status: str, to_status: str, reason: str = ""
) -> StatusEvent:
    return StatusEvent.objects.create(
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=record.pk,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


def transition(*, record: R, actor: Any, to_status: str, reason: str = "", **changes: Any) -> R:
    """Move ``record`` to ``to_status`` if its workflow allows it from the locked current state.

    The caller has checked the actor's permission and runs inside ``transaction.atomic``. A model may
    define ``check_submittable()`` (raising ``ApplicationError``) to refuse a submission, e.g. a
    challenge whose demand diagnosis finds blockers. Receivers of ``status_changed`` run inside the
    same transaction (notifications, follow-up work scheduled on commit). A record of the
    verification queue that becomes submitted is announced to its city's administrators
    (``notices.queue_arrival``, one summary per batch inside ``notices.queue_batch``).
    """
    workflow = type(record).WORKFLOW  # type: ignore[attr-defined]
    current: Any = lock(record)
    if not workflow.allows(current.status, to_status):
        raise ApplicationError(
            _("当前状态“%(from)s”不能变更为“%(to)s”。")
            % {"from": current.get_status_display(), "to": _status_label(current, to_status)},
            ErrorCode.INVALID_TRANSITION,
            {"from": current.status, "to": to_status},
        )
    if to_status == workflow.submitted and hasattr(current, "check_submittable"):
        current.check_submittable()
    from_status = current.status
    current.status = to_status
    for name, value in changes.items():
        setattr(current, name, value)
    current.save(update_fields=["status", "updated_at", *changes.keys()])
    record_event(record=current, actor=actor, from_status=from_status, to_status=to_status, reason=reason)
    status_changed.send(
        sender=type(current),
        record=current,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )
    if to_status == workflow.submitted:
        notices.queue_arrival(record=current, actor=actor)  # the city's administrators (or the batch)
    return current


_transition = transition


def _status_label(record: Any, value: str) -> str:
    return str(dict(record._meta.get_field("status").choices).get(value, value))


def _require_editor(actor: Any, record: Any) -> None:
    if not can_edit(actor, record):
        raise PermissionDenied(_("只有本机构成员或本城市管理员可以操作这条信息。"))


def _require_city_admin(actor: Any, record: Any) -> None:
    if not roles.can_administer_city(actor, record.city_id):
        raise PermissionDenied(_("只有“%(city)s”的城市管理员可以核验这条信息。") % {"city": record.city})


@transaction.atomic
def listing_submit(*, actor: Any, record: M) -> M:
    """提交核验: the owner sends a draft (or a rejected/edited record) to its city's administrators."""
    _require_editor(actor, record)
    return _transition(record=record, actor=actor, to_status=type(record).WORKFLOW.submitted)


@transaction.atomic
def listing_withdraw(*, actor: Any, record: M) -> M:
    """撤回: the owner takes back a record that is waiting for verification."""
    _require_editor(actor, record)
    return _transition(record=record, actor=actor, to_status=type(record).WORKFLOW.withdrawn)


@transaction.atomic
def listing_verify(*, actor: Any, record: M, note: str = "") -> M:
    """核验通过: a city administrator of the record's city makes it public; the people behind the
    record hear of it (``notices.decision_notify``). Every path that verifies comes through here."""
    _require_city_admin(actor, record)
    owner_id = getattr(record, "owner_id", None)
    if owner_id is not None:
        from innomarket.organisations.models import Organisation

        owner = Organisation.objects.only("status", "name").get(pk=owner_id)
        if owner.status not in Organisation.WORKFLOW.public:
            raise ApplicationError(
                _("发布机构“%(name)s”尚未通过核验，请先核验该机构。") % {"name": owner.name},
                ErrorCode.ORGANISATION_NOT_VERIFIED,
            )
    now = timezone.now()
    changes: dict[str, Any] = {"last_verified_at": now, "status_reason": ""}
    if hasattr(record, "published_at"):
        changes["published_at"] = getattr(record, "published_at", None) or now
    # What becomes public gets its point on the alliance map (from its address, offline).
    changes.update(map_point_changes(record))
    verified = _transition(
        record=record, actor=actor, to_status=type(record).WORKFLOW.verified, reason=note, **changes
    )
    notices.decision_notify(record=verified, actor=actor, verified=True)
    return verified


@transaction.atomic
def listing_reject(*, actor: Any, record: M, reason: str) -> M:
    """退回: a city administrator returns a record to its owner, always with a reason the owner sees
    (in the record and in a notification, ``notices.decision_notify``)."""
    _require_city_admin(actor, record)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("退回时必须填写理由，说明需要修改什么。"), ErrorCode.REASON_REQUIRED)
    rejected = _transition(
        record=record,
        actor=actor,
        to_status=type(record).WORKFLOW.rejected,
        reason=reason,
        status_reason=reason,
    )
    notices.decision_notify(record=rejected, actor=actor, verified=False, reason=reason)
    return rejected


@transaction.atomic
def listing_archive(*, actor: Any, record: M, reason: str = "") -> M:
    """下架: the owner or a city administrator takes a public record off the site; an administrator says why."""
    _require_editor(actor, record)
    reason = (reason or "").strip()
    if not roles.is_member_of(actor, owning_organisation_id(record)) and not reason:
        raise ApplicationError(_("管理员下架信息时必须填写理由。"), ErrorCode.REASON_REQUIRED)
    return _transition(
        record=record,
        actor=actor,
        to_status=type(record).WORKFLOW.archived,
        reason=reason,
        status_reason=reason,
    )


@transaction.atomic
def listing_expire(*, record: M, actor: Any = None, reason: str = "") -> M:
    """过期: a public record whose validity ended (run by the system or an administrator)."""
    if actor is not None:
        _require_city_admin(actor, record)
    return _transition(record=record, actor=actor, to_status=type(record).WORKFLOW.expired, reason=reason)


@transaction.atomic
def listing_create(*, actor: Any, record: M, m2m: dict[str, Any] | None = None, submit: bool = False) -> M:
    """Create a listing from a validated form instance on behalf of its owner organisation.

    The owner and city must be set on ``record``; the actor must be a member of the owner (or administer
    the city). The record starts as a draft; ``submit=True`` sends it for verification at once.
    """
    _require_editor(actor, record)
    record.status = type(record).WORKFLOW.withdrawn
    record.source = Source.FORM
    if isinstance(record, Listing):
        record.created_by = actor
    record.full_clean()
    record.save()
    for name, values in (m2m or {}).items():
        getattr(record, name).set(values)
    record_event(record=record, actor=actor, from_status="", to_status=record.status, reason=REASON_CREATED)
    if submit:
        record = listing_submit(actor=actor, record=record)
    return record


@transaction.atomic
def listing_update(
    *, actor: Any, record: M, changed: dict[str, Any], m2m: dict[str, Any] | None = None, submit: bool = False
) -> M:
    """Apply an owner's edit. Editing a public record takes it back to verification (重新核验)."""
    _require_editor(actor, record)
    current = lock(record)
    for name, value in changed.items():
        setattr(current, name, value)
    record_locate(current)
    current.full_clean()
    current.save()
    for name, values in (m2m or {}).items():
        getattr(current, name).set(values)
    workflow = type(current).WORKFLOW
    if current.status in workflow.public:
        current = _transition(record=current, actor=actor, to_status=workflow.submitted, reason=REASON_EDITED)
    elif submit and workflow.allows(current.status, workflow.submitted):
        current = _transition(record=current, actor=actor, to_status=workflow.submitted)
    return current
