"""``manage.py restore FILE [--format native|json] --yes``: replace the database with a backup."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from innomarket.common.exceptions import ApplicationError
from innomarket.ops.backup import FORMATS, guess_format, restore


class Command(BaseCommand):
    help = (
        "Replace EVERY row of the database with the backup in FILE (made by `manage.py backup`). "
        "Stop the web and worker processes first."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--format", choices=FORMATS, default=None, help="default: json for *.json[.gz], else native"
        )
        parser.add_argument("--database", default="default")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(
        self, *args: Any, file: str, format: str | None, database: str, yes: bool, **options: Any
    ) -> None:
        fmt = format or guess_format(file)
        if not yes and options.get("interactive", True):
            answer = input(f"Replace everything in database '{database}' with {file}? Type 'yes': ")
            if answer.strip() != "yes":
                raise CommandError("restore cancelled")
        try:
            restore(file, fmt=fmt, using=database)
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored ({fmt}) from {file}")
