"""Background tasks of the 创新积分 app (django-tasks; `manage.py db_worker` runs them)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def score_recompute_task(organisation_ids: list[int]) -> int:
    """Recompute after an enterprise's 经营数据 changed (the whole population's percentiles move)."""
    return services.score_recompute(organisation_ids=organisation_ids)
