"""Uploaded files nobody refers to: removed when the write that stored them fails, and swept hourly.

A service stores an upload (a 15 MB bid attachment) before the rest of its transaction; when the
transaction then fails (an incomplete bid, a lost race, a crash), the database forgets the row but
the file stays on disk. ``removes_uploads_on_error`` deletes, on the spot, the files a failing
service stored; ``orphan_uploads_sweep`` (hourly housekeeping) deletes every file in the private
storage that no ``FileField`` row names and that is older than ``UPLOAD_GRACE_HOURS`` (the grace
keeps a file whose row is being written right now).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
_local = threading.local()


def upload_stored(file: FieldFile) -> None:
    """Tell the enclosing ``removes_uploads_on_error`` (if any) that ``file`` was just written."""
    stack: list[list[tuple[Any, str]]] = getattr(_local, "stack", [])
    if stack and file.name:
        stack[-1].append((file.storage, file.name))


@contextmanager
def _collecting() -> Iterator[list[tuple[Any, str]]]:
    stack: list[list[tuple[Any, str]]] = _local.__dict__.setdefault("stack", [])
    stored: list[tuple[Any, str]] = []
    stack.append(stored)
    try:
        yield stored
    finally:
        stack.pop()
        if stack:  # an outer service owns them too: if it fails later, it deletes them
            stack[-1].extend(stored)


def removes_uploads_on_error(func: F) -> F:
    """Put outside ``@transaction.atomic``: if the service raises, the files it stored (reported with
    ``upload_stored``) are deleted after its transaction rolled back. A transaction of the caller
    that rolls back after the service returned is not seen here; the hourly sweep takes those."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _collecting() as stored:
            try:
                return func(*args, **kwargs)
            except BaseException:
                for storage, name in stored:
                    try:
                        storage.delete(name)
                    except OSError:
                        logger.warning("could not delete %s after a failed upload", name, exc_info=True)
                stored.clear()
                raise

    return wrapper  # type: ignore[return-value]


def private_file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every ``FileField`` (of every installed model) whose storage is the private upload storage."""
    root = os.path.abspath(str(settings.INNOMARKET_PRIVATE_MEDIA_ROOT))
    found = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if (
                isinstance(f, models.FileField)
                and os.path.abspath(getattr(f.storage, "location", "")) == root
            ):
                found.append((model, f))
    return found


def referenced_names() -> set[str]:
    names: set[str] = set()
    for model, f in private_file_fields():
        names.update(
            model._base_manager.exclude(**{f.attname: ""})
            .exclude(**{f"{f.attname}__isnull": True})
            .values_list(f.attname, flat=True)
            .iterator()
        )
    return names


@dataclass
class SweepReport:
    removed: int = 0
    removed_bytes: int = 0
    kept_recent: int = 0  # unreferenced but within the grace period


def orphan_uploads_sweep(*, now: dt.datetime | None = None) -> SweepReport:
    """Delete the private files no row refers to and older than ``UPLOAD_GRACE_HOURS``; then the
    folders left empty. The referenced names are read before the folder is listed, so a file whose
    row is written meanwhile is at most a few seconds old and within the grace."""
    now = now or timezone.now()
    report = SweepReport()
    root = Path(settings.INNOMARKET_PRIVATE_MEDIA_ROOT)
    if not root.is_dir():
        return report
    grace = dt.timedelta(hours=float(settings.INNOMARKET_RECOVERY["UPLOAD_GRACE_HOURS"]))
    cutoff = (now - grace).timestamp()
    referenced = referenced_names()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        name = path.relative_to(root).as_posix()
        if name in referenced:
            continue
        stat = path.stat()
        if stat.st_mtime > cutoff:
            report.kept_recent += 1
            continue
        path.unlink(missing_ok=True)
        report.removed += 1
        report.removed_bytes += stat.st_size
    for folder in sorted(
        (p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True
    ):
        with suppress(OSError):
            folder.rmdir()  # only if empty
    if report.removed:
        logger.info("removed %d orphan upload(s), %d bytes", report.removed, report.removed_bytes)
    return report
