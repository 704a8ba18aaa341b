"""Background tasks of policies (django-tasks; ``manage.py db_worker`` runs them). Thin: each calls
one service."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def push_policy_task(policy_id: int, trigger: str = "published") -> int:
    """免申即享 push of one policy; returns how many organisations were told."""
    return len(services.policy_push(policy_id=policy_id, trigger=trigger))


@task()
def push_organisation_task(organisation_id: int) -> int:
    """免申即享 push for one organisation whose figures changed; returns how many policies it was told of."""
    return len(services.organisation_policy_push(organisation_id=organisation_id))
