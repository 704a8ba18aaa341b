"""A process killed in the middle of a commit leaves nothing half-imported.

``manage.py import_data organisation FILE --commit`` runs in a subprocess against this test's own
database (SQLite file or PostgreSQL test database, whichever the suite runs on); once it reports
the first written batch it is killed with SIGKILL, and the database must hold none of the rows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from innomarket.organisations.models import Organisation
from innomarket.verification.models import StatusEvent

from .helpers import ORG_HEADER, csv_bytes, org_row

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_reference_data")]
ROOT = Path(__file__).resolve().parents[3]


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


def test_killed_commit_leaves_nothing(tmp_path):
    rows = 3000
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes(ORG_HEADER, [org_row(i) for i in range(rows)]))
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "INNOMARKET_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "INNOMARKET_EMBEDDER": "",
    }
    process = subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
        [
            sys.executable,
            "manage.py",
            "import_data",
            "organisation",
            str(path),
            "--commit",
            "--batch-size",
            "100",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    try:
        assert process.stderr is not None
        deadline = time.monotonic() + 120
        for line in process.stderr:  # blocks on the child's output, no sleeping
            seen.append(line.strip())
            if line.startswith("已写入"):  # inside the transaction, at least one batch written
                process.send_signal(signal.SIGKILL)
                break
            assert time.monotonic() < deadline, seen
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL, seen
    assert "committing" in seen
    assert not any(line.startswith(f"已写入 {rows}/") for line in seen)  # killed before the end

    connection.close()  # a fresh connection sees what the database really holds
    assert Organisation.objects.filter(name__startswith="苏州测试智能").count() == 0
    assert StatusEvent.objects.filter(to_status="submitted").count() == 0
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            assert cursor.fetchone()[0] == "ok"
    # The database is still writable: the same file imports cleanly afterwards.
    from innomarket.intake import services

    report = services.validate("organisation", path)
    assert services.commit(report).created == rows
