"""Real worker processes for the recovery tests: ``manage.py run_worker`` against the test's own
database (the file-based SQLite test database, or the PostgreSQL test database)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

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


def worker_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "INNOMARKET_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "INNOMARKET_EMBEDDER": "",
        "INNOMARKET_PRIVATE_MEDIA_ROOT": str(settings.INNOMARKET_PRIVATE_MEDIA_ROOT),
        **extra,
    }


def start_worker(*args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "run_worker", "--interval", "0.1", "--no-startup-delay", *args],
        cwd=ROOT,
        env=worker_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_until(
    condition: Callable[[], bool], *, timeout: float, what: str, process: subprocess.Popen[str] | None = None
) -> None:
    """Poll ``condition``; fail with the worker's output if it exits first or ``timeout`` passes (a
    generous bound for a loaded machine, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(
                f"the worker exited ({process.returncode}) before {what}: {process.stdout.read()}"
            )
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def finish(process: subprocess.Popen[str], *, timeout: float = 60) -> str:
    """Wait for a ``--batch`` worker to exit; its output."""
    try:
        out, _err = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, out
    return out
