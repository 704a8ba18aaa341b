"""A task for the recovery tests only: it blocks until the test releases it, so a test can kill the
worker process while the task is surely running."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def wait_for_release(folder: str) -> int:
    """Announce the run (``started-<pid>``), wait for ``release``, then append a line to ``done``."""
    base = Path(folder)
    (base / f"started-{os.getpid()}").touch()
    deadline = time.monotonic() + 60
    while not (base / "release").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("never released")
        time.sleep(0.05)
    with (base / "done").open("a") as handle:
        handle.write(f"{os.getpid()}\n")
    return os.getpid()
