"""备份与恢复: the demo's data backed up, restored into an empty database, and every table compared row
by row (every model of ``apps.get_models``, many-to-many link tables included), in both formats.

Runs on the database the suite runs on: SQLite (online backup API) in the normal run, PostgreSQL
(pg_dump/pg_restore) under ``make test-postgres``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, connections
from django.db.utils import load_backend

from innomarket.demo.loader import DemoLoader
from innomarket.ops.backup import backup, restore

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_reference_data")]


@pytest.fixture(autouse=True)
def _no_index_tasks(monkeypatch):
    """The demo's index updates would go to the in-memory test index: not what is compared here."""
    monkeypatch.setattr("innomarket.matching.signals.schedule_reindex", lambda *args, **kwargs: None)


def table_models() -> list[Any]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]


def _value(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def snapshot(*, link_ids: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ordered by primary key, as Python values. Without ``link_ids`` the
    surrogate ``id`` of auto-created many-to-many link tables is left out (the JSON format carries
    the links, not their row ids)."""
    rows = {}
    for model in table_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        if not link_ids and model._meta.auto_created:
            fields = [f for f in fields if f != model._meta.pk.attname]
        qs = model._base_manager.order_by(*(["pk"] if model._meta.pk.attname in fields else fields))
        rows[model._meta.label] = [tuple(_value(v) for v in row) for row in qs.values_list(*fields)]
    return rows


@contextmanager
def database(name: str) -> Iterator[Any]:
    """Another database of the same server (SQLite: another file) as ``default``, for this thread."""
    settings_dict = {**connection.settings_dict, "NAME": name}
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias="default")
    original = connections["default"]
    connections["default"] = wrapper
    try:
        yield wrapper
    finally:
        connections["default"] = original
        wrapper.close()


@contextmanager
def empty_database(tmp_path, label: str) -> Iterator[str]:
    """A new, empty database: a new SQLite file, or ``CREATE DATABASE`` on the PostgreSQL server."""
    if connection.vendor == "sqlite":
        path = tmp_path / f"{label}.sqlite3"
        sqlite3.connect(path).close()
        yield str(path)
        return
    name = f"{connection.settings_dict['NAME']}_{label}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_restores_every_table_row_for_row(tmp_path, settings):
    settings.INNOMARKET_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    # Given: the demo (members, listings, challenges and bids, vouchers and their ledger, scores …)
    DemoLoader(achievements=6).run()
    before = snapshot()
    filled = {label for label, rows in before.items() if rows}
    assert len(filled) >= 40, sorted(filled)  # really many apps' tables, link tables among them
    assert any(apps.get_model(label)._meta.auto_created for label in filled)

    native = backup(tmp_path / "site.backup", fmt="native")
    portable = backup(tmp_path / "site.json.gz", fmt="json")

    # When / then: the native backup, restored into an empty database, holds every row unchanged
    with empty_database(tmp_path, "native") as name, database(name):
        restore(native, fmt="native")
        assert snapshot() == before

    # … and so does the JSON one (restored into an empty, migrated database; link rows compared
    # by their two ends)
    with empty_database(tmp_path, "portable") as name, database(name):
        restore(native, fmt="native")  # the schema …
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)  # … emptied
        restore(portable, fmt="json")
        restored = snapshot(link_ids=False)
    expected = snapshot(link_ids=False)
    assert restored.keys() == expected.keys()
    for label in expected:
        ordered = sorted if apps.get_model(label)._meta.auto_created else list
        assert ordered(restored[label]) == ordered(expected[label]), label
