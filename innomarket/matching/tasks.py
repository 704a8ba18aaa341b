"""Background tasks of the matching app (django-tasks; `manage.py db_worker` runs them)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from . import services


@task()
def index_records_task(keys: list[str]) -> dict[str, Any]:
    """Bring the search documents of ``keys`` in line with their records (see services.index_records)."""
    return services.index_records(keys).as_dict()
