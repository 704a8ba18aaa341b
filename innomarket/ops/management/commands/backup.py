"""``manage.py backup FILE [--format native|json]``: a consistent backup of the whole database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from innomarket.common.exceptions import ApplicationError
from innomarket.ops.backup import FORMATS, backup, guess_format


class Command(BaseCommand):
    help = (
        "Back up the database to FILE: native (SQLite online backup, PostgreSQL pg_dump custom format) "
        "or --format json (every table, restorable on either database). Safe while the site serves."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--format", choices=FORMATS, default=None, help="default: json for *.json[.gz], else native"
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, file: str, format: str | None, database: str, **options: Any) -> None:
        fmt = format or guess_format(file)
        try:
            path = backup(file, fmt=fmt, using=database)
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup ({fmt}) written to {path} ({path.stat().st_size} bytes)")
