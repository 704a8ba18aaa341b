"""Writes about policies beyond their verification workflow (which lives in ``verification.services``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from innomarket.accounts.models import User
from innomarket.common.exceptions import ApplicationError
from innomarket.notifications.recipients import organisation_members
from innomarket.notifications.services import notify

from . import selectors
from .conditions import propose_conditions
from .eligibility import Assessment
from .models import Policy, PolicyCondition, PolicyPush


def _same(a: PolicyCondition, b: PolicyCondition) -> bool:
    return (a.kind, a.op, a.number, a.name, a.qualifier) == (b.kind, b.op, b.number, b.name, b.qualifier)


@transaction.atomic
def policy_conditions_propose(*, policy: Policy, actor: User | None = None) -> list[PolicyCondition]:
    """建议适用条件: read the policy's full text (or its summary) and store what it states as
    unconfirmed conditions for an administrator to confirm. Earlier proposals not yet confirmed are
    replaced; confirmed conditions and those entered by hand are kept, and a proposal equal to one
    of them is not repeated. Returns the new proposals (possibly none)."""
    text = policy.full_text or policy.summary
    if not text.strip():
        raise ApplicationError(_("政策没有全文或简介，无法提取适用条件。"), extra={"field": "full_text"})
    Policy.objects.select_for_update().get(pk=policy.pk)  # one proposal run at a time per policy
    policy.conditions.filter(proposed=True, is_confirmed=False).delete()
    kept = list(policy.conditions.all())
    created: list[PolicyCondition] = []
    for c in propose_conditions(text):
        named = c.kind in PolicyCondition.NAMED_KINDS
        row = PolicyCondition(
            policy=policy,
            kind=c.kind,
            op=c.op,
            number=None if named else Decimal(str(c.value)).quantize(Decimal("0.01")),
            name=str(c.value)[:60] if named else "",
            qualifier=c.qualifier,
            source_text=c.source[:200],
            proposed=True,
        )
        if any(_same(row, k) for k in kept + created):
            continue
        row.full_clean()
        created.append(row)
    PolicyCondition.objects.bulk_create(created)
    return created


# ---------------------------------------------------------------- 免申即享 push

PUSH_KIND = "policy_push"


def policy_push_queue(*, policy: Policy, trigger: str = PolicyPush.Trigger.PUBLISHED) -> None:
    """Queue the 免申即享 push of ``policy`` for after the surrounding transaction commits (so the
    worker sees the published policy and its confirmed conditions)."""
    from .tasks import push_policy_task

    transaction.on_commit(partial(push_policy_task.enqueue, policy.pk, str(trigger)))


def organisation_push_queue(*, organisation_id: int) -> None:
    """Queue the 免申即享 push for one organisation whose 经营数据 changed, after the commit."""
    from .tasks import push_organisation_task

    transaction.on_commit(partial(push_organisation_task.enqueue, organisation_id))


def on_status_changed(*, record: Policy, to_status: str, **kwargs: Any) -> None:
    """Receiver of ``verification.signals.status_changed`` for policies (see ``apps.py``): a policy
    that becomes public is pushed to the organisations it fits. It only queues the work."""
    if to_status in Policy.WORKFLOW.public:
        policy_push_queue(policy=record, trigger=PolicyPush.Trigger.PUBLISHED)


def policy_push(
    *, policy_id: int, trigger: str = PolicyPush.Trigger.PUBLISHED, today: dt.date | None = None
) -> list[PolicyPush]:
    """免申即享 for one policy: every organisation with 经营数据 that meets all the policy's confirmed
    conditions, and was not told before, is told (inbox and e-mail to its members). Nothing happens
    for a policy that is not published, has no confirmed condition or is closed. Returns the new
    pushes."""
    policy = selectors.pushable_policies(today=today).filter(pk=policy_id).first()
    if policy is None:
        return []
    pairs = selectors.eligible_pairs([policy], selectors.profiled_organisations(), today=today)
    return _push(pairs, trigger)


def organisation_policy_push(*, organisation_id: int, today: dt.date | None = None) -> list[PolicyPush]:
    """免申即享 for one organisation whose figures changed: every open policy it now meets, and was
    not told about before, is pushed to its members. Returns the new pushes."""
    profiles = selectors.profiled_organisations(organisation_ids=[organisation_id])
    pairs = selectors.eligible_pairs(selectors.pushable_policies(today=today), profiles, today=today)
    return _push(pairs, PolicyPush.Trigger.PROFILE)


def _push(pairs: list[tuple[Any, Policy, Assessment]], trigger: str) -> list[PolicyPush]:
    pushes = []
    for organisation, policy, assessment in pairs:
        # One transaction per pair: a large push is not one long lock, and a pair another worker
        # has just pushed (the unique row exists) is skipped without undoing the others.
        with transaction.atomic():
            recipients = list(organisation_members(organisation.pk))
            if not recipients:
                continue  # nobody to tell yet; a later change of the figures tries again
            try:
                with transaction.atomic():
                    push = PolicyPush.objects.create(
                        organisation=organisation, policy=policy, trigger=trigger
                    )
            except IntegrityError:
                continue  # told already (by a concurrent worker)
            sent = _notify_eligible(organisation, policy, assessment, recipients)
            push.recipients = len(sent)
            push.save(update_fields=["recipients"])
        pushes.append(push)
    return pushes


def _notify_eligible(
    organisation: Any, policy: Policy, assessment: Assessment, recipients: list[User]
) -> list:
    url = (
        reverse("site:workspace-policy-calculator", kwargs={"org_pk": organisation.pk})
        + f"#policy-{policy.pk}"
    )
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            _("根据%(org)s填报的经营数据和已核验的资质，贵机构符合“%(policy)s”经管理员确认的全部适用条件：")
            % {"org": organisation.name, "policy": policy.title}
        ]
        lines += [f"✓ {v.message}" for v in assessment.met]
        if policy.amount_display:
            amount = policy.amount_display + (f"（{policy.amount_note}）" if policy.amount_note else "")
            lines.append(_("支持金额：%(amount)s") % {"amount": amount})
        elif policy.amount_note:
            lines.append(_("支持金额：%(amount)s") % {"amount": policy.amount_note})
        if policy.apply_until:
            lines.append(_("申报截止：%(date)s") % {"date": f"{policy.apply_until:%Y年%m月%d日}"})
        if policy.apply_url:
            lines.append(_("申报入口：%(url)s") % {"url": policy.apply_url})
        lines.append(_("结果依据贵机构自行填报的数据计算，以发文机关的审核为准。"))
        return notify(
            recipients=recipients,
            kind=PUSH_KIND,
            title=_("免申即享：贵机构符合“%(policy)s”的条件") % {"policy": policy.title},
            body="\n".join(lines),
            url=url,
            about=policy,
        )
