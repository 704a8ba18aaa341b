"""``manage.py recover``: the crash-recovery pass of the hourly housekeeping, once, now."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand

from innomarket.ops.services import recover


class Command(BaseCommand):
    help = "Re-queue tasks of dead workers, fail stuck imports, reconcile the search index, delete orphan uploads."

    def handle(self, *args: Any, **options: Any) -> None:
        report = recover()
        self.stdout.write(", ".join(f"{name} {value}" for name, value in asdict(report).items()))
