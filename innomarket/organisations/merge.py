"""合并重复机构: one organisation absorbs a duplicate of itself.

Everything that points at the duplicate (``remove``) is moved to the organisation that stays
(``keep``): listings it owns, memberships, bids, invitations, terms acceptances, vouchers, cooperation
partnerships, sub-units — found by introspection, so a new foreign key to ``Organisation`` is moved
without touching this module. The duplicate itself is not deleted: it is archived with a status reason
naming ``keep``, and its own status history stays attached to it; ``keep`` gets an event recording
the merge. Both histories therefore remain readable in the back office.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from innomarket.accounts import roles
from innomarket.catalog import listing_type_for_model
from innomarket.common.exceptions import ApplicationError, PermissionDenied
from innomarket.matching.services import schedule_reindex
from innomarket.verification.services import record_event, transition

from .dedupe import MERGED_REASON_PREFIX
from .models import Membership, Organisation


class MergeErrorCode:
    SAME_ORGANISATION = "merge_same_organisation"
    ALREADY_MERGED = "merge_already_merged"
    LIVE_BIDS_CONFLICT = "merge_live_bids_conflict"
    CONFLICT = "merge_conflict"


# Bid statuses that no longer count against "one live bid per organisation and challenge".
DEAD_BID_STATUSES = ("withdrawn", "declined", "cancelled")
# An invitation that led to a bid says more than one that was declined, which says more than none.
_INVITATION_RANK = {"sent": 0, "declined": 1, "bid": 2}
# Descriptive fields copied to ``keep`` when it has none.
_FILLED_FIELDS = ("short_name", "address", "website", "intro")


@dataclass
class MergeResult:
    """What a merge did. ``moved`` counts re-pointed rows per model label ("policies.Policy" …);
    ``dropped`` counts rows of ``remove`` deleted because ``keep`` already had the same one
    (a membership of the same person, an invitation to the same challenge, a partnership)."""

    keep: Organisation
    removed: Organisation
    moved: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    filled: list[str] = field(default_factory=list)

    @property
    def moved_total(self) -> int:
        return sum(self.moved.values())


def merged_reason(keep: Organisation) -> str:
    """The status reason of a merged-away organisation (stored in Chinese, like other system reasons)."""
    return f"{MERGED_REASON_PREFIX} {keep.name} (#{keep.pk})"


def can_merge(actor: Any, keep: Organisation, remove: Organisation) -> bool:
    """Alliance administrators merge any two; a city administrator only two records of their own city."""
    if roles.is_alliance_admin(actor):
        return True
    return roles.can_administer_city(actor, keep.city_id) and roles.can_administer_city(actor, remove.city_id)


def _lock_pair(keep: Organisation, remove: Organisation) -> tuple[Organisation, Organisation]:
    locked = {
        o.pk: o
        for o in Organisation.objects.select_for_update().filter(pk__in=[keep.pk, remove.pk]).order_by("pk")
    }
    return locked[keep.pk], locked[remove.pk]


def _is_merged_away(organisation: Organisation) -> bool:
    return organisation.status == Organisation.WORKFLOW.archived and organisation.status_reason.startswith(
        MERGED_REASON_PREFIX
    )


def _count(result: MergeResult, bucket: str, model: type[models.Model], n: int) -> None:
    if n:
        target = result.moved if bucket == "moved" else result.dropped
        target[model._meta.label] = target.get(model._meta.label, 0) + n


@transaction.atomic
def organisation_merge(
    *, actor: Any, keep: Organisation, remove: Organisation, reason: str = ""
) -> MergeResult:
    """Merge ``remove`` into ``keep`` (合并重复机构).

    Permission: an alliance administrator, or a city administrator of both records' cities
    (``PermissionDenied`` otherwise). Locks both organisations (in primary-key order), then the
    memberships and bids involved. Refused (``ApplicationError``, nothing written) when the two are
    the same record, when either was already merged away, or when both have a live bid on the same
    challenge — the owners must withdraw one first: choosing which of two competing proposals
    survives is theirs, not the administrator's.

    Moves every foreign key to ``remove`` onto ``keep``: listings (``owner``), bids, vouchers,
    terms acceptances, disclosure views, sub-units (``parent``) and any other; memberships (a person
    member of both keeps one membership, the stronger role); invitations (one per challenge: the more
    advanced answer is kept); many-to-many rows pointing at ``remove`` (cooperation partners,
    duplicates dropped). ``remove``'s own field and qualification tags are added to ``keep``'s and
    also stay on ``remove``, which keeps describing what was registered. ``keep`` receives the
    credit code and the descriptive fields (short name, address, website, introduction) it lacks; the
    credit code is unique, so ``remove`` gives it up (the event on ``keep`` records it).

    ``remove`` is archived (status ``archived``, status reason ``已合并至 <keep> (#id)``), through the
    workflow where it allows it (from published/expired), otherwise directly with an event row; its
    own ``StatusEvent`` history stays attached to it. ``keep`` gets an event noting the merge. Both
    organisations and every moved listing are re-indexed for search after the commit.
    """
    if keep.pk == remove.pk:
        raise ApplicationError(_("不能把机构与它自己合并。"), MergeErrorCode.SAME_ORGANISATION)
    if not can_merge(actor, keep, remove):
        raise PermissionDenied(_("只有联盟管理员，或同时管理这两家机构所在城市的城市管理员，可以合并机构。"))
    keep, remove = _lock_pair(keep, remove)
    for organisation in (keep, remove):
        if _is_merged_away(organisation):
            raise ApplicationError(
                _("“%(name)s”已被合并（%(reason)s），不能再参与合并。")
                % {"name": organisation.name, "reason": organisation.status_reason},
                MergeErrorCode.ALREADY_MERGED,
            )
    _refuse_competing_bids(keep, remove)

    result = MergeResult(keep=keep, removed=remove)
    reindex: set[tuple[str, int]] = {("organisation", keep.pk), ("organisation", remove.pk)}
    _merge_memberships(keep, remove, result)
    _merge_invitations(keep, remove, result)
    _merge_own_tags(keep, remove)
    handled = {(Membership, "organisation"), (_invitation_model(), "organisation")}
    for model, field_name in _foreign_keys_to_organisation():
        if (model, field_name) in handled:
            continue
        if model._meta.auto_created:
            _merge_m2m_rows(model, field_name, keep, remove, result)
        else:
            _move_foreign_key(model, field_name, keep, remove, result, reindex)

    credit_code_note = _fill_keep(keep, remove, result)
    result.removed = _archive_removed(actor, keep, remove, reason)
    note = _("合并了重复机构“%(name)s”(#%(id)s)") % {"name": remove.name, "id": remove.pk}
    if credit_code_note:
        note += _("，统一社会信用代码 %(code)s 转至本机构") % {"code": credit_code_note}
    if reason.strip():
        note += _("。理由：%(reason)s") % {"reason": reason.strip()}
    record_event(record=keep, actor=actor, from_status=keep.status, to_status=keep.status, reason=note)
    for type_key, pk in sorted(reindex):
        schedule_reindex(type_key, pk)
    return result


# Callers of the brief's name.
merge = organisation_merge


def _invitation_model() -> Any:
    from innomarket.challenges.models import Invitation

    return Invitation


def _foreign_keys_to_organisation() -> list[tuple[type[models.Model], str]]:
    """Every concrete (model, field name) whose foreign key (or one-to-one) targets ``Organisation``,
    including auto-created many-to-many tables and relations declared with ``related_name="+"``.
    ``Organisation``'s own many-to-many tables (fields, tags) are excluded: ``_merge_own_tags``."""
    own_tables = set(_own_m2m_tables())
    found: list[tuple[type[models.Model], str]] = []
    for relation in Organisation._meta.get_fields(include_hidden=True):
        # Reverse many-to-one and one-to-one relations; a many-to-many (Cooperation.partners) is
        # reached through the hidden many-to-one of its table.
        if not isinstance(relation, models.ForeignObjectRel) or relation.many_to_many:
            continue
        model = relation.related_model
        if isinstance(model, type) and model not in own_tables:
            found.append((model, relation.field.name))
    return found


def _own_m2m_tables() -> list[type[models.Model]]:
    """The auto-created tables of ``Organisation``'s own many-to-many fields (field tags, tags)."""
    tables = []
    for m2m in Organisation._meta.local_many_to_many:
        through = m2m.remote_field.through
        if isinstance(through, type) and through._meta.auto_created:
            tables.append(through)
    return tables


def _refuse_competing_bids(keep: Organisation, remove: Organisation) -> None:
    from innomarket.challenges.models import Bid

    live = list(
        Bid.objects.select_for_update()
        .filter(organisation_id__in=[keep.pk, remove.pk])
        .exclude(status__in=DEAD_BID_STATUSES)
        .order_by("pk")
    )
    by_org: dict[int, set[int]] = {keep.pk: set(), remove.pk: set()}
    for bid in live:
        by_org[bid.organisation_id].add(bid.challenge_id)
    both = by_org[keep.pk] & by_org[remove.pk]
    if both:
        from innomarket.challenges.models import Challenge

        titles = "、".join(
            Challenge.objects.filter(pk__in=both).order_by("pk").values_list("title", flat=True)
        )
        raise ApplicationError(
            _(
                "两家机构对同一榜单都有进行中的揭榜方案（%(titles)s）。一家机构每个榜单只能有一份方案："
                "请先由机构撤回其中一份，再合并。"
            )
            % {"titles": titles},
            MergeErrorCode.LIVE_BIDS_CONFLICT,
            {"challenge_ids": sorted(both)},
        )


def _merge_memberships(keep: Organisation, remove: Organisation, result: MergeResult) -> None:
    memberships = list(
        Membership.objects.select_for_update().filter(organisation_id__in=[keep.pk, remove.pk]).order_by("pk")
    )
    kept = {m.user_id: m for m in memberships if m.organisation_id == keep.pk}
    moved = dropped = 0
    for membership in memberships:
        if membership.organisation_id != remove.pk:
            continue
        existing = kept.get(membership.user_id)
        if existing is None:
            membership.organisation = keep
            membership.save(update_fields=["organisation", "updated_at"])
            moved += 1
            continue
        if membership.role == Membership.Role.ADMIN and existing.role != Membership.Role.ADMIN:
            existing.role = Membership.Role.ADMIN
            existing.save(update_fields=["role", "updated_at"])
        membership.delete()
        dropped += 1
    _count(result, "moved", Membership, moved)
    _count(result, "dropped", Membership, dropped)


def _merge_invitations(keep: Organisation, remove: Organisation, result: MergeResult) -> None:
    invitation_model = _invitation_model()
    invitations = list(
        invitation_model.objects.select_for_update()
        .filter(organisation_id__in=[keep.pk, remove.pk])
        .order_by("pk")
    )
    kept = {i.challenge_id: i for i in invitations if i.organisation_id == keep.pk}
    moved = dropped = 0
    for invitation in invitations:
        if invitation.organisation_id != remove.pk:
            continue
        existing = kept.get(invitation.challenge_id)
        if existing is None:
            invitation.organisation = keep
            invitation.save(update_fields=["organisation", "updated_at"])
            moved += 1
            continue
        if _INVITATION_RANK.get(invitation.status, 0) > _INVITATION_RANK.get(existing.status, 0):
            existing.status = invitation.status
            existing.responded_at = invitation.responded_at
            existing.response_note = invitation.response_note
            existing.save(update_fields=["status", "responded_at", "response_note", "updated_at"])
        invitation.delete()  # its reminders go with it: they were about the removed organisation
        dropped += 1
    _count(result, "moved", invitation_model, moved)
    _count(result, "dropped", invitation_model, dropped)


def _merge_own_tags(keep: Organisation, remove: Organisation) -> None:
    for m2m in Organisation._meta.local_many_to_many:
        if m2m.remote_field.through in _own_m2m_tables():
            getattr(keep, m2m.name).add(*getattr(remove, m2m.name).all())


def _merge_m2m_rows(
    through: type[models.Model],
    field_name: str,
    keep: Organisation,
    remove: Organisation,
    result: MergeResult,
) -> None:
    """Rows of an auto-created many-to-many table that point at ``remove``: re-pointed, unless the
    other side already points at ``keep`` (then the row is dropped)."""
    other = next(
        f.name
        for f in through._meta.local_fields
        if f.is_relation and f.name != field_name and f.related_model is not None
    )
    already = through._default_manager.filter(**{field_name: keep}).values(other)
    dropped, _detail = through._default_manager.filter(
        **{field_name: remove, f"{other}__in": already}
    ).delete()
    moved = through._default_manager.filter(**{field_name: remove}).update(**{field_name: keep})
    _count(result, "moved", through, moved)
    _count(result, "dropped", through, dropped)


def _move_foreign_key(
    model: type[models.Model],
    field_name: str,
    keep: Organisation,
    remove: Organisation,
    result: MergeResult,
    reindex: set[tuple[str, int]],
) -> None:
    rows = model._base_manager.filter(**{field_name: remove})
    if model is Organisation:  # sub-units; ``keep`` itself may be one of ``remove``'s units
        if keep.parent_id == remove.pk:
            keep.parent_id = remove.parent_id if remove.parent_id != keep.pk else None
            keep.save(update_fields=["parent", "updated_at"])
        rows = rows.exclude(pk=keep.pk)
    listing_type = listing_type_for_model(model)
    if listing_type is not None:
        reindex.update((listing_type.key, pk) for pk in rows.values_list("pk", flat=True))
    try:
        with transaction.atomic():  # a savepoint, so the message below can be shown
            moved = rows.update(**{field_name: keep})
    except IntegrityError as exc:
        raise ApplicationError(
            _("“%(model)s”中已有同样属于两家机构的记录，无法自动合并，请先处理后再合并。")
            % {"model": model._meta.verbose_name},
            MergeErrorCode.CONFLICT,
            {"model": model._meta.label, "field": field_name},
        ) from exc
    _count(result, "moved", model, moved)


def _fill_keep(keep: Organisation, remove: Organisation, result: MergeResult) -> str:
    """Copy what ``keep`` lacks from ``remove``; return the credit code if it was transferred."""
    changed = [name for name in _FILLED_FIELDS if not getattr(keep, name) and getattr(remove, name)]
    for name in changed:
        setattr(keep, name, getattr(remove, name))
    code = ""
    if not keep.credit_code and remove.credit_code:
        code = remove.credit_code
        # The credit code is unique: the duplicate gives it up before ``keep`` takes it.
        remove.credit_code = ""
        remove.save(update_fields=["credit_code", "updated_at"])
        keep.credit_code = code
        changed.append("credit_code")
    if changed:
        keep.save(update_fields=[*changed, "updated_at"])
    result.filled = changed
    return code


def _archive_removed(actor: Any, keep: Organisation, remove: Organisation, reason: str) -> Organisation:
    status_reason = merged_reason(keep)
    full_reason = f"{status_reason}：{reason.strip()}" if reason.strip() else status_reason
    workflow = Organisation.WORKFLOW
    if workflow.allows(remove.status, workflow.archived):
        return transition(
            record=remove,
            actor=actor,
            to_status=workflow.archived,
            reason=full_reason,
            status_reason=status_reason,
        )
    # Drafts, submissions and rejected records cannot be archived through the workflow (it only
    # archives public records), yet a duplicate must leave every list all the same.
    from_status = remove.status
    remove.status = workflow.archived
    remove.status_reason = status_reason
    remove.save(update_fields=["status", "status_reason", "updated_at"])
    record_event(
        record=remove, actor=actor, from_status=from_status, to_status=workflow.archived, reason=full_reason
    )
    return remove
