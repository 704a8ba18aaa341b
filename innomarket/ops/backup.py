"""备份与恢复: a consistent copy of the whole database, and putting one back.

Two formats:

- ``native``: SQLite through its online backup API (a consistent copy while the site serves,
  WAL included); PostgreSQL through ``pg_dump --format=custom`` / ``pg_restore`` found on PATH
  (the client's major version must be at least the server's).
- ``json``: every row of every installed model (``dumpdata``), restorable on either database
  (SQLite → PostgreSQL and back). The restore empties the target first and keeps every primary key,
  so foreign keys and the generic ``content_type`` + ``object_id`` pairs (status events, audit
  entries) stay valid without natural keys. Rows are written raw: no signal records an audit entry
  or schedules indexing; run ``manage.py rebuild_index`` afterwards if the index is not in the file.

Uploaded files (``INNOMARKET_PRIVATE_MEDIA_ROOT``, ``MEDIA_ROOT``) are not in the database: copy
those folders beside the backup (docs/deploy.md).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from innomarket.common.exceptions import ApplicationError

FORMATS = ("native", "json")


def guess_format(path: str | Path) -> str:
    name = str(path).lower()
    return "json" if name.endswith((".json", ".json.gz", ".json.bz2", ".json.xz")) else "native"


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    """libpq's variables, so the password never appears on a command line."""
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[name] = str(db[key])
    env["PGDATABASE"] = str(db["NAME"])
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ApplicationError(
            f"{name} not found on PATH: install the PostgreSQL client (postgresql-client) of the server's "
            "major version or newer, or use --format json.",
            "backup_tool_missing",
        )
    return path


def backup(path: str | Path, *, fmt: str = "native", using: str = "default") -> Path:
    """Write a backup of database ``using`` to ``path`` (replaced if it exists); returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    if fmt == "json":
        _dump_json(target, using)
        return target
    if connection.vendor == "sqlite":
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        source = sqlite3.connect(connection.settings_dict["NAME"])
        copy = sqlite3.connect(partial)
        try:
            with copy:
                source.backup(copy)  # pages copied under a read transaction: one consistent state
        finally:
            copy.close()
            source.close()
        partial.replace(target)
        return target
    if connection.vendor == "postgresql":
        subprocess.run(  # noqa: S603 - pg_dump from PATH, arguments ours
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
            env=_pg_env(connection.settings_dict),
            check=True,
            capture_output=True,
        )
        return target
    raise ApplicationError(
        f"native backups of {connection.vendor} are not supported: use --format json", "backup_vendor"
    )


def restore(path: str | Path, *, fmt: str = "native", using: str = "default") -> None:
    """Replace the whole content of database ``using`` with the backup at ``path``."""
    source = Path(path)
    if not source.is_file():
        raise ApplicationError(f"no backup file at {source}", "backup_missing")
    connection = connections[using]
    if fmt == "json":
        _restore_json(source, connection, using)
        return
    if connection.vendor == "sqlite":
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            if backup_db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise ApplicationError(f"{source} is not an intact SQLite database", "backup_corrupt")
            connection.close()
            live = sqlite3.connect(connection.settings_dict["NAME"])
            try:
                with live:
                    backup_db.backup(live)
            finally:
                live.close()
        except sqlite3.DatabaseError as exc:
            raise ApplicationError(f"{source} is not a SQLite database: {exc}", "backup_corrupt") from exc
        finally:
            backup_db.close()
        return
    if connection.vendor == "postgresql":
        connection.close()
        subprocess.run(  # noqa: S603 - pg_restore from PATH, arguments ours
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(source),
            ],
            env=_pg_env(connection.settings_dict),
            check=True,
            capture_output=True,
        )
        return
    raise ApplicationError(
        f"native restores of {connection.vendor} are not supported: use --format json", "backup_vendor"
    )


def _restore_json(source: Path, connection: BaseDatabaseWrapper, using: str) -> None:
    call_command("migrate", database=using, interactive=False, verbosity=0)
    loaded: set[Any] = set()
    with transaction.atomic(using=using):
        # Empty every table, content types and permissions included (no post_migrate re-creating
        # them), so the file's rows come back with their own keys.
        call_command("flush", database=using, interactive=False, inhibit_post_migrate=True, verbosity=0)
        with connection.constraint_checks_disabled(), _open(source) as stream:
            for item in serializers.deserialize("json", stream, using=using):
                obj = item.object
                type(obj).save_base(obj, using=using, raw=True, force_insert=True)
                loaded.add(type(obj))
                for accessor, targets in (item.m2m_data or {}).items():
                    field: Any = obj._meta.get_field(accessor)  # a ManyToManyField
                    through = field.remote_field.through
                    through._base_manager.using(using).bulk_create(
                        [
                            through(
                                **{
                                    field.m2m_field_name() + "_id": obj.pk,
                                    field.m2m_reverse_field_name() + "_id": t,
                                }
                            )
                            for t in targets
                        ]
                    )
                    loaded.add(through)
        connection.check_constraints()
        models = [m for m in apps.get_models(include_auto_created=True) if m in loaded]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


class PreciseJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps the microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, dt.time):
            return o.isoformat()
        return super().default(o)


def _dump_json(target: Path, using: str) -> None:
    """Every row of every concrete model (what ``dumpdata --all`` writes), times to the microsecond."""
    models = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy and not m._meta.swapped]
    objects = itertools.chain.from_iterable(
        m._base_manager.using(using).order_by("pk").iterator(chunk_size=2000) for m in models
    )
    partial = target.with_name(target.name + ".partial")
    with _open(partial, "w", compressed_as=target) as stream:
        serializers.serialize("json", objects, stream=stream, cls=PreciseJSONEncoder)
    partial.replace(target)


def _open(source: Path, mode: str = "r", *, compressed_as: Path | None = None) -> Any:
    name = (compressed_as or source).name.lower()
    if name.endswith(".gz"):
        import gzip

        return gzip.open(source, mode + "t", encoding="utf-8")
    if name.endswith(".bz2"):
        import bz2

        return bz2.open(source, mode + "t", encoding="utf-8")
    if name.endswith(".xz"):
        import lzma

        return lzma.open(source, mode + "t", encoding="utf-8")
    return source.open(mode, encoding="utf-8")
