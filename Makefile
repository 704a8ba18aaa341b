# innomarket — two commands: `make run` (set up and serve) and `make test` (install test needs, run all).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := var/.stamps
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages the test suite needs: a real browser and driver, Chinese fonts, PostgreSQL, gettext.
TEST_DEBS := chromium chromium-driver fonts-wqy-microhei postgresql gettext
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run serve test setup assets db demo index lint test-sqlite test-postgres system-deps messages clean

# The background worker (`run_worker`: db_worker with a heartbeat that re-queues tasks of a killed worker; index updates after publishing, invitations, hourly reminders of unanswered
# bids and invitations, the daily freshness run) runs beside the server and stops with it.
run: setup db demo index
	$(PY) manage.py challenge_housekeeping --every 60
	$(PY) manage.py refresh_listings --every-hours 24
	$(PY) manage.py harvest_feeds --every 15
	DJANGO_DEBUG=true $(PY) manage.py run_worker --interval 0.2 --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

# The production server (docs/deploy.md): DEBUG off, gunicorn with WORKERS processes (default two per
# core) and the background worker beside it, stopping together; static files collected for WhiteNoise.
# Point DATABASE_URL at PostgreSQL and set the production variables first. `make run` stays the
# development server.
WORKERS ?= $(shell echo $$((2 * $$(nproc))))
serve: setup
	DJANGO_DEBUG=false $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=false $(PY) manage.py createcachetable
	DJANGO_DEBUG=false $(PY) manage.py collectstatic --noinput
	DJANGO_DEBUG=false $(PY) manage.py challenge_housekeeping --every 60
	DJANGO_DEBUG=false $(PY) manage.py refresh_listings --every-hours 24
	DJANGO_DEBUG=false $(PY) manage.py harvest_feeds --every 15
	HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) VENV=$(VENV) scripts/serve.sh

setup: $(STAMP)/base assets

# The two databases' runs side by side (one per core); each run's output is printed when it ends.
test: system-deps $(STAMP)/test assets lint
	$(PY) manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite:
	$(VENV)/bin/pytest -q -p no:cacheprovider

# The same suite (less the browser tests) against a throwaway PostgreSQL server started for the run.
test-postgres:
	scripts/with-postgres.sh $(VENV)/bin/pytest -q -p no:cacheprovider -m "not e2e and not sqlite_file"

# Typed modules (CONVENTIONS): every service and selector, the role predicates and the catalogue table.
TYPED := $(wildcard innomarket/*/services.py innomarket/*/selectors.py) innomarket/accounts/roles.py innomarket/catalog.py innomarket/matching/engine innomarket/matching/index.py innomarket/matching/documents.py innomarket/challenges/access.py innomarket/challenges/diagnosis.py innomarket/challenges/stats.py innomarket/challenges/manage_selectors.py innomarket/challenges/milestones.py innomarket/matching/recommendations.py innomarket/demo/teams.py innomarket/policies/conditions.py innomarket/policies/eligibility.py innomarket/notifications/replies.py innomarket/resources/availability.py innomarket/regions/gazetteer.py innomarket/points/engine.py innomarket/vouchers/settlement.py innomarket/vouchers/acceptance.py innomarket/matching/viewer.py innomarket/common/pagecache.py

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy $(TYPED)

db: $(STAMP)/base
	$(PY) manage.py migrate --noinput

demo: db
	$(PY) manage.py load_demo

# Search documents from the database: searchable by words at once; the worker adds the vectors
# (a few minutes the first time, reused afterwards).
index: demo
	$(PY) manage.py rebuild_index --background

# Re-extract the translatable strings into the English catalogue and compile it (needs gettext).
messages:
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests
	$(PY) manage.py compilemessages -l en --ignore=.venv

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP)/base: requirements/base.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/base.txt
	@mkdir -p $(STAMP) && touch $@

$(STAMP)/test: requirements/test.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/test.txt
	@mkdir -p $(STAMP) && touch $@ $(STAMP)/base

# Front-end libraries from the npm lock file, bundled into our own static files (no CDN).
assets: $(STAMP)/assets

node_modules/.package-lock.json: package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: installing Debian's nodejs and npm"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund
	@touch $@

$(STAMP)/assets: node_modules/.package-lock.json $(shell find frontend -type f 2>/dev/null)
	npm run --silent build
	@mkdir -p $(STAMP) && touch $@

system-deps:
	@missing=""; for p in $(TEST_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

clean:
	rm -rf $(VENV) node_modules innomarket/static/build var/staticfiles var/.stamps
