#!/usr/bin/env bash
# The production server on one machine: gunicorn (WSGI, several worker processes, access log on
# stdout) and the background worker (`manage.py run_worker`: db_worker with a heartbeat that
# re-queues the tasks of a dead worker) as a second process. They start and stop
# together: Ctrl-C or SIGTERM stops both, and if either one dies the other is stopped too, so a
# supervisor (systemd, docker) sees the failure and restarts the pair. For systemd, run the two as
# separate units instead (docs/deploy.md). `make serve` migrates and collects static files first.
#
# Environment: HOST (127.0.0.1), PORT (8000), WORKERS (2 × cores), DATABASE_URL and the production
# variables of docs/deploy.md. DEBUG is always off here.
set -uo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WORKERS=${WORKERS:-$((2 * $(nproc)))}
export DJANGO_DEBUG=false

"$VENV/bin/python" manage.py run_worker --interval 0.5 &
worker=$!
"$VENV/bin/gunicorn" config.wsgi:application \
  --bind "$HOST:$PORT" \
  --workers "$WORKERS" \
  --timeout 60 \
  --graceful-timeout 30 \
  --access-logfile - \
  --error-logfile - &
web=$!

stop() {
  trap - INT TERM
  kill -TERM "$web" "$worker" 2>/dev/null
  wait "$web" "$worker" 2>/dev/null
}
trap 'stop; exit 143' TERM
trap 'stop; exit 130' INT

# Whichever process ends first (a crash, a kill) ends the pair.
wait -n "$web" "$worker"
status=$?
echo "serve.sh: a process ended (status $status); stopping the other" >&2
stop
exit "$status"
