"""Writes about policies beyond their verification workflow (which lives in ``verification.services``)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from innomarket.accounts.models import User
from innomarket.common.exceptions import ApplicationError

from .conditions import propose_conditions
from .models import Policy, PolicyCondition


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
