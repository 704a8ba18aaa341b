"""Writes about organisations and their members (机构登记、成员管理)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from innomarket.accounts import roles
from innomarket.accounts.models import User
from innomarket.common.exceptions import ApplicationError, ErrorCode, PermissionDenied
from innomarket.regions.models import City
from innomarket.verification.models import Source
from innomarket.verification.notices import queue_arrival
from innomarket.verification.services import record_event

from .models import Membership, Organisation, OrganisationProfile


class OrganisationErrorCode(StrEnum):
    DUPLICATE_CREDIT_CODE = "duplicate_credit_code"
    DUPLICATE_NAME = "duplicate_name"
    USER_NOT_FOUND = "user_not_found"
    ALREADY_MEMBER = "already_member"
    LAST_ADMIN = "last_admin"


def _forget_cached_memberships(user: Any) -> None:
    # ``roles.member_organisation_ids`` caches on the user object; a membership change invalidates it.
    if user is not None and hasattr(user, "__dict__"):
        user.__dict__.pop("_member_org_ids", None)


def is_organisation_admin(user: Any, organisation_id: int | None) -> bool:
    """Whether ``user`` is a 机构管理员 of the organisation."""
    if not getattr(user, "is_authenticated", False) or organisation_id is None:
        return False
    return Membership.objects.filter(
        user=user, organisation_id=organisation_id, role=Membership.Role.ADMIN
    ).exists()


def _require_organisation_admin(actor: Any, organisation: Organisation) -> None:
    if not (
        is_organisation_admin(actor, organisation.pk)
        or roles.can_administer_city(actor, organisation.city_id)
    ):
        raise PermissionDenied(_("只有本机构的机构管理员可以管理成员。"))


@transaction.atomic
def organisation_register(
    *,
    actor: User,
    name: str,
    kind: str,
    city: City,
    credit_code: str = "",
    address: str = "",
    short_name: str = "",
    website: str = "",
    intro: str = "",
    fields: Any = None,
) -> Organisation:
    """登记机构: a signed-in person registers their organisation and becomes its 机构管理员.

    The organisation starts as submitted (待核验): like every record, it is public only after an
    administrator of ``city`` verifies it. Writes one ``StatusEvent`` (∅ → submitted) and tells the
    city's administrators that it waits in their queue; the registrant hears of their decision.
    """
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录再登记机构。"))
    name = (name or "").strip()
    credit_code = (credit_code or "").strip().upper()
    if credit_code:
        taken = Organisation.objects.filter(credit_code=credit_code).only("name").first()
        if taken is not None:
            raise ApplicationError(
                _(
                    "统一社会信用代码 %(code)s 已被“%(name)s”登记。如您属于该机构，请联系其机构管理员把您加为成员。"
                )
                % {"code": credit_code, "name": taken.name},
                OrganisationErrorCode.DUPLICATE_CREDIT_CODE,
                {"field": "credit_code"},
            )
    if Organisation.objects.filter(name=name, city=city).exists():
        raise ApplicationError(
            _("%(city)s已有名为“%(name)s”的机构。如您属于该机构，请联系其机构管理员把您加为成员。")
            % {"city": city, "name": name},
            OrganisationErrorCode.DUPLICATE_NAME,
            {"field": "name"},
        )
    organisation = Organisation(
        name=name,
        short_name=(short_name or "").strip(),
        kind=kind,
        city=city,
        credit_code=credit_code,
        address=(address or "").strip(),
        website=(website or "").strip(),
        intro=intro or "",
        status=Organisation.WORKFLOW.submitted,
        source=Source.FORM,
    )
    organisation.full_clean()
    organisation.save()
    if fields:
        organisation.fields.set(fields)
    Membership.objects.create(user=actor, organisation=organisation, role=Membership.Role.ADMIN)
    _forget_cached_memberships(actor)
    record_event(
        record=organisation, actor=actor, from_status="", to_status=organisation.status, reason=_("登记机构")
    )
    queue_arrival(record=organisation, actor=actor)
    return organisation


def _find_user(identifier: str) -> User | None:
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    return (
        User.objects.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier), is_active=True)
        .order_by("id")
        .first()
    )


@transaction.atomic
def membership_add(
    *, actor: Any, organisation: Organisation, identifier: str, role: str = Membership.Role.MEMBER
) -> Membership:
    """添加成员: an organisation's administrator adds a registered person by user name or e-mail."""
    _require_organisation_admin(actor, organisation)
    user = _find_user(identifier)
    if user is None:
        raise ApplicationError(
            _("找不到用户名或电子邮箱为“%(who)s”的用户。请对方先注册账号，再把他加为成员。")
            % {"who": (identifier or "").strip()},
            OrganisationErrorCode.USER_NOT_FOUND,
            {"field": "identifier"},
        )
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ApplicationError(
            _("%(user)s 已经是本机构成员。") % {"user": user.display_name},
            OrganisationErrorCode.ALREADY_MEMBER,
            {"field": "identifier"},
        )
    membership = Membership(user=user, organisation=organisation, role=role)
    membership.full_clean()
    membership.save()
    _forget_cached_memberships(user)
    return membership


@transaction.atomic
def membership_remove(*, actor: Any, membership: Membership) -> None:
    """移除成员: an administrator removes a member (or a member leaves). The last 机构管理员 stays.

    Locks the organisation's memberships (in primary-key order) so two concurrent removals cannot
    both remove "the other" administrator.
    """
    organisation = membership.organisation
    if membership.user_id != getattr(actor, "pk", None):
        _require_organisation_admin(actor, organisation)
    elif not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"))
    locked = list(
        Membership.objects.select_for_update()
        .filter(organisation_id=membership.organisation_id)
        .order_by("pk")
    )
    current = next((m for m in locked if m.pk == membership.pk), None)
    if current is None:
        raise ApplicationError(_("该成员已不在本机构。"), ErrorCode.NOT_MEMBER)
    admins = [m for m in locked if m.role == Membership.Role.ADMIN]
    if current.role == Membership.Role.ADMIN and len(admins) <= 1:
        raise ApplicationError(
            _("不能移除机构的最后一位机构管理员。请先把另一位成员设为机构管理员。"),
            OrganisationErrorCode.LAST_ADMIN,
        )
    current.delete()
    _forget_cached_memberships(actor)
    _forget_cached_memberships(membership.user)


@transaction.atomic
def membership_set_role(*, actor: Any, membership: Membership, role: str) -> Membership:
    """设为机构管理员/成员. Demoting the last 机构管理员 is refused like removing them."""
    _require_organisation_admin(actor, membership.organisation)
    locked = list(
        Membership.objects.select_for_update()
        .filter(organisation_id=membership.organisation_id)
        .order_by("pk")
    )
    current = next((m for m in locked if m.pk == membership.pk), None)
    if current is None:
        raise ApplicationError(_("该成员已不在本机构。"), ErrorCode.NOT_MEMBER)
    admins = [m for m in locked if m.role == Membership.Role.ADMIN]
    if current.role == Membership.Role.ADMIN and role != Membership.Role.ADMIN and len(admins) <= 1:
        raise ApplicationError(
            _("机构至少需要一位机构管理员。请先把另一位成员设为机构管理员。"),
            OrganisationErrorCode.LAST_ADMIN,
        )
    current.role = role
    current.full_clean()
    current.save(update_fields=["role", "updated_at"])
    return current


PROFILE_FIELDS = (
    "year",
    "founded_on",
    "district",
    "headcount",
    "tech_staff",
    "revenue_wan",
    "revenue_prev_wan",
    "rd_expense_wan",
    "high_tech_revenue_wan",
    "total_assets_wan",
    "ip_total",
    "invention_patents",
    "class1_ip",
    "rd_staff",
    "tech_contract_wan",
    "equity_financing_wan",
    "rd_institutions",
    "science_awards",
)


@transaction.atomic
def organisation_profile_update(
    *, actor: Any, organisation: Organisation, data: dict[str, Any]
) -> OrganisationProfile:
    """经营数据: a member of ``organisation`` (or its city's administrator) records its figures;
    fields not in ``data`` are cleared, so the form is the whole truth. Refuses figures that
    contradict each other (more scientific staff than employees …) with a message on the field."""
    from innomarket.verification.services import can_edit

    if not can_edit(actor, organisation):
        raise PermissionDenied(_("只有本机构的成员可以填写经营数据。"))
    return profile_write(organisation=organisation, values={name: data.get(name) for name in PROFILE_FIELDS})


def profile_write(*, organisation: Organisation, values: dict[str, Any]) -> OrganisationProfile:
    """Set the named 经营数据 fields of ``organisation`` (others keep their value), validate and save,
    and queue the 免申即享 push and the 创新积分 recompute for after the commit. The caller has
    checked the permission and runs inside ``transaction.atomic``."""
    from innomarket.policies.services import organisation_push_queue

    profile = OrganisationProfile.objects.select_for_update().filter(
        organisation=organisation
    ).first() or OrganisationProfile(organisation=organisation)
    for name, value in values.items():
        if name not in PROFILE_FIELDS:
            raise ValueError(f"{name} is not a profile field")
        setattr(profile, name, "" if name == "district" and value is None else value)
    profile.full_clean()
    profile.save()
    organisation_push_queue(organisation_id=organisation.pk)
    from innomarket.points.services import score_recompute_queue

    score_recompute_queue(organisation_id=organisation.pk)
    return profile
