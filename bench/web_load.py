"""Load on the production server (issue #13 item 5): gunicorn + PostgreSQL, DEBUG off, locust headless.

Run against a throwaway PostgreSQL (CI starts with nothing running)::

    scripts/with-postgres.sh .venv/bin/python bench/web_load.py            # 50 clients, 30 s per phase

The script migrates and loads the demo into ``DATABASE_URL``, builds the search index, collects static
files, starts ``gunicorn config.wsgi`` with the production settings (``INNOMARKET_PRODUCTION``; TLS
redirect off, since the bench talks plain HTTP on the loopback) and then runs three phases, each with
the same number of concurrent clients:

1. **capacity, bare view** — ``/healthz/`` (a view that touches nothing) with no think time: the most
   this server and machine can answer; the baseline of the run;
2. **capacity, pages** — the mix of real pages (home, a list, a detail, /search/, the API) with no
   think time: throughput as a share of the baseline (target ≥ 40 %), 0 errors;
3. **latency, pages** — the same mix with clients that read between pages (think time 1–2 s, as
   people do): p50/p95/p99 per page (target p99 ≤ 150 ms), 0 errors.

Load generator and server share the machine's cores, so absolute figures are pessimistic; the ratio
of phase 2 to phase 1 is measured in the same run on the same server. Exit status 1 when a target is
missed (the figures are printed either way); record them in ``bench/README.md``.
"""

from __future__ import annotations

# locust patches the standard library with gevent on import; keep it first.
from locust import FastHttpUser, between, constant, task  # isort: skip
from locust.env import Environment  # isort: skip

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import gevent

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")

PAGE_TARGET_P99_MS = 150.0
THROUGHPUT_TARGET = 0.40


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def production_env(port: int, *, page_cache_seconds: int | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "INNOMARKET_PRODUCTION": "1",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}",
            # The bench speaks plain HTTP on the loopback: no TLS redirect (anonymous GETs need no cookie).
            "INNOMARKET_SSL_REDIRECT": "false",
            # All clients share one address: the per-address API limit would turn a load test into a
            # rate-limit test.
            "INNOMARKET_API_RATE_ANONYMOUS": "10000000/min",
        }
    )
    if page_cache_seconds is not None:  # production's default (60 s) otherwise
        env["INNOMARKET_PAGE_CACHE_SECONDS"] = str(page_cache_seconds)
    return env


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def prepare(env: dict[str, str]) -> None:
    setup_env = {k: v for k, v in env.items() if k != "INNOMARKET_PRODUCTION"}  # the demo refuses production
    t = time.perf_counter()
    manage("migrate", "--noinput", env=setup_env)
    manage("load_demo", env=setup_env)
    manage("rebuild_index", env=setup_env)
    manage("createcachetable", env=env)  # production's shared cache: rate limits, the pages' generation
    manage("collectstatic", "--noinput", env=env)
    print(f"prepared the database, index and static files in {time.perf_counter() - t:.0f} s", flush=True)


def sample_urls(env: dict[str, str]) -> dict[str, str]:
    """A list page, a detail page and an API list of real public records, read through Django."""
    code = (
        "import django,os;django.setup();"
        "from innomarket.site.catalogue import queryset_for;"
        "p=queryset_for('policy').order_by('pk').first();"
        "print(p.get_absolute_url())"
    )
    detail = (
        subprocess.run(  # noqa: S603 - our own interpreter and code
            [PY, "-c", code],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    return {
        "home": "/",
        "list": "/policies/",
        "detail": detail,
        "search": "/search/?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD",  # 人工智能
        "api": "/api/v1/listings/policy/",
    }


def start_server(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn
        [
            GUNICORN,
            "config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not answer /healthz/ within 60 s")


@dataclass
class Phase:
    name: str
    requests: int
    failures: int
    rps: float
    by_page: dict[str, tuple[int, float, float, float]]  # name → (count, p50, p95, p99) in ms


def run_phase(
    name: str, host: str, paths: dict[str, str], *, users: int, seconds: float, think: bool
) -> Phase:
    class Client(FastHttpUser):
        wait_time = between(1.0, 2.0) if think else constant(0)

        @task
        def visit(self) -> None:
            for label, path in paths.items():
                with self.client.get(path, name=label, catch_response=True) as response:
                    if response.status_code != 200:
                        response.failure(f"{response.status_code}")

    Client.host = host
    env = Environment(user_classes=[Client])
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)  # all clients at once
    gevent.sleep(min(5.0, seconds / 4))  # warm-up, not measured
    env.stats.reset_all()
    started = time.perf_counter()
    gevent.sleep(seconds)
    elapsed = time.perf_counter() - started
    total = env.stats.total
    by_page = {
        label: (
            env.stats.get(label, "GET").num_requests,
            env.stats.get(label, "GET").get_response_time_percentile(0.50),
            env.stats.get(label, "GET").get_response_time_percentile(0.95),
            env.stats.get(label, "GET").get_response_time_percentile(0.99),
        )
        for label in paths
    }
    phase = Phase(name, total.num_requests, total.num_failures, total.num_requests / elapsed, by_page)
    runner.quit()
    drain(host)
    return phase


def drain(host: str, *, within: float = 60.0) -> None:
    """Wait until the server has worked off the queue a phase left behind (the home page answers in
    under half a second again), so that one phase's backlog is not measured in the next."""
    deadline = time.time() + within
    while time.time() < deadline:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{host}/", timeout=10) as response:  # noqa: S310 - our own http server
                response.read()
        except OSError:
            pass
        if time.perf_counter() - started < 0.5:
            return
        gevent.sleep(1.0)


def report(phase: Phase) -> None:
    print(f"\n{phase.name}: {phase.requests:,} requests, {phase.failures} errors, {phase.rps:,.1f} req/s")
    print(f"  {'page':<8} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for label, (count, p50, p95, p99) in phase.by_page.items():
        print(f"  {label:<8} {count:>7,} {p50:>8.0f} {p95:>8.0f} {p99:>8.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--skip-prepare", action="store_true", help="the database is already loaded")
    parser.add_argument(
        "--page-cache-seconds",
        type=int,
        default=None,
        help="anonymous page cache lifetime (production default 60; 0 renders every page)",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("DATABASE_URL must point at PostgreSQL; run under scripts/with-postgres.sh", file=sys.stderr)
        return 2
    port = free_port()
    env = production_env(port, page_cache_seconds=args.page_cache_seconds)
    if not args.skip_prepare:
        prepare(env)
    paths = sample_urls(env)
    server = start_server(port, args.workers, env)
    host = f"http://127.0.0.1:{port}"
    try:
        load_before = os.getloadavg()[0]
        print(
            f"gunicorn {args.workers} workers on {host}; {args.users} clients; {args.seconds:.0f} s per phase; "
            f"{os.cpu_count()} cores shared with the load generator; load {load_before:.2f}; "
            f"anonymous page cache {env.get('INNOMARKET_PAGE_CACHE_SECONDS', '60 (default)')} s"
        )
        bare = run_phase(
            "1 capacity, bare view",
            host,
            {"healthz": "/healthz/"},
            users=args.users,
            seconds=args.seconds,
            think=False,
        )
        pages = run_phase(
            "2 capacity, pages", host, paths, users=args.users, seconds=args.seconds, think=False
        )
        latency = run_phase(
            "3 latency, pages (think time 1-2 s)",
            host,
            paths,
            users=args.users,
            seconds=args.seconds,
            think=True,
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    for phase in (bare, pages, latency):
        report(phase)
    ratio = pages.rps / bare.rps if bare.rps else 0.0
    worst = max(p99 for _c, _p50, _p95, p99 in latency.by_page.values())
    errors = bare.failures + pages.failures + latency.failures
    print(f"\nthroughput of pages vs the bare view: {ratio:.0%} (target ≥ {THROUGHPUT_TARGET:.0%})")
    print(
        f"worst page p99 at {args.users} clients with think time: {worst:.0f} ms (target ≤ {PAGE_TARGET_P99_MS:.0f} ms)"
    )
    print(f"errors: {errors} (target 0)")
    ok = ratio >= THROUGHPUT_TARGET and worst <= PAGE_TARGET_P99_MS and errors == 0
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
