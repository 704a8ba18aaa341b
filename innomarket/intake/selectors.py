"""Reads of import jobs, scoped per user.

Who sees which job: an alliance administrator every job (they administer every city); a city
administrator the jobs of their own city and the ones they uploaded themselves; anybody else none.
The back office's pages look jobs up only through ``visible_import_jobs``, so another user's job is
simply not found (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from innomarket.accounts import roles

from .models import ImportJob

RECENT_JOBS = 20


def visible_import_jobs(*, user: Any) -> QuerySet[ImportJob]:
    """The import jobs ``user`` may open, newest first, with city and uploader loaded."""
    jobs = ImportJob.objects.select_related("city", "uploaded_by").order_by("-created_at", "-id")
    if roles.is_alliance_admin(user):
        return jobs
    own = roles.administered_city_id(user)
    if own is None:
        return jobs.none()
    return jobs.filter(Q(city_id=own) | Q(uploaded_by_id=user.pk))


def recent_import_jobs(*, user: Any, limit: int = RECENT_JOBS) -> list[ImportJob]:
    """The jobs listed on the upload page: an alliance administrator's own uploads, a city
    administrator's city's jobs (whoever uploaded them)."""
    jobs = visible_import_jobs(user=user)
    if roles.is_alliance_admin(user):
        jobs = jobs.filter(uploaded_by_id=user.pk)
    return list(jobs[:limit])
