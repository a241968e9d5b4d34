# Waymark: `make run` to try it, `make test` to check it. Nothing else is needed
# but a Python 3.12+ interpreter, which this Makefile looks for (or PYTHON=...).

PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

# The newest interpreter of version 3.12 or newer (3.13 is what production runs):
# for each version, on PATH, then pyenv's, then /usr; plain python3 last. Each
# candidate must really run (a pyenv shim for an unselected version does not).
PYTHON ?= $(shell for v in 3.14 3.13 3.12; do \
	  for c in $$(command -v python$$v 2>/dev/null) $$HOME/.pyenv/versions/$$v*/bin/python3 \
	           /usr/local/bin/python$$v /usr/bin/python$$v; do \
	    [ -x "$$c" ] && "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	      && { echo "$$c"; exit 0; }; \
	  done; done; \
	c=$$(command -v python3) && "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && echo "$$c")

.PHONY: run worker test lint fixtures bench wrk env checkers clean help

help:
	@echo "make run        start the site on http://127.0.0.1:$(PORT) (SQLite, demo data)"
	@echo "make worker     run background tasks and periodic jobs (the daily link check) beside it"
	@echo "make test       lint, migration check and the whole test suite"
	@echo "make fixtures   regenerate fixtures/roadmap.json from the seed markdown"
	@echo "make bench      the busiest pages' throughput under gunicorn against their targets (docs/benchmarks.md)"

# The environment is rebuilt when the lockfile changes.
$(VENV)/.installed: requirements-dev.lock
	@test -n "$(PYTHON)" || { echo "error: no Python 3.12+ found; install one or pass PYTHON=/path/to/python3.12" >&2; exit 1; }
	@echo "Creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@touch $@

env: $(VENV)/.installed

# The checkers the browser tests run (axe-core, the Nu Html Checker), exactly as
# package-lock.json pins them. --ignore-scripts: vnu-jar's install script would
# download a Java runtime; the system's Java 17 runs vnu.jar. `make run` needs none of it.
node_modules/.installed: package-lock.json
	@command -v npm >/dev/null || { echo "error: npm is needed for the browser tests' checkers (apt-get install npm)" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

checkers: node_modules/.installed

# Emailed and copied links (sign-up confirmations, join links) point at the port the site
# runs on, unless SITE_URL says otherwise.
RUN_ENV = DEBUG=true SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}

run: env
	$(RUN_ENV) $(PY) manage.py migrate --no-input
	$(RUN_ENV) $(PY) manage.py createcachetable
	$(RUN_ENV) $(PY) manage.py import_roadmap fixtures/ai-ml-roadmap-2025.md --if-missing
	$(RUN_ENV) $(PY) manage.py seed_demo
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Not needed for the site: queued tasks and periodic jobs wait until a worker runs.
worker: env
	DEBUG=true $(PY) manage.py schedule_jobs
	DEBUG=true $(PY) manage.py db_worker --queue-name default

lint: env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Runs on DATABASE_URL when it is set (CI points it at PostgreSQL), SQLite otherwise.
# A missing migration fails a test (tests/config/test_migrations.py).
# Two workers (-n auto on two cores): the browser tests wait on Chromium, the rest on Python.
test: lint checkers
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

# The fixture is the importer's output for the seed, dumped with natural keys;
# a test fails when the two drift apart. The content models in the importer's
# order (roadmap.importer.MODELS): not the content version, history or link checks.
CONTENT_MODELS := roadmap.roadmap roadmap.phase roadmap.section roadmap.topic roadmap.resource \
	roadmap.projectidea roadmap.timelineentry roadmap.careerpath roadmap.toolcategory roadmap.tool \
	roadmap.community roadmap.channel roadmap.principle roadmap.humanskill
fixtures: env
	mkdir -p var && rm -f var/fixtures.sqlite3
	DEBUG=true DATABASE_URL=sqlite:///var/fixtures.sqlite3 $(PY) manage.py migrate -v0
	DEBUG=true DATABASE_URL=sqlite:///var/fixtures.sqlite3 $(PY) manage.py import_roadmap fixtures/ai-ml-roadmap-2025.md
	DEBUG=true DATABASE_URL=sqlite:///var/fixtures.sqlite3 $(PY) manage.py dumpdata $(CONTENT_MODELS) \
	  --natural-foreign --natural-primary --indent 1 -o fixtures/roadmap.json
	rm -f var/fixtures.sqlite3

# Speed targets, checked here rather than by timed tests: each page's throughput under
# gunicorn (the project's gunicorn.conf.py, production settings) as a ratio to a bare
# signed-in view, then in-process timings (docs/benchmarks.md). On a scratch database,
# rebuilt each run: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/waymark_bench
# for PostgreSQL (never the real DATABASE_URL: the database is dropped). Not part of
# `make test`. BENCH_ARGS="--no-fail" records numbers without failing on missed targets.
BENCH_DATABASE_URL ?= sqlite:///var/bench.sqlite3
bench: env wrk
	$(PY) bench/run.py --database-url $(BENCH_DATABASE_URL) $(BENCH_ARGS)

# wrk, the HTTP load generator, from Debian: installed when missing if we may (root with
# apt-get, as .ci/run installs Chromium), otherwise the error says how.
wrk:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's wrk for the benchmark"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  fi; \
	  command -v wrk >/dev/null || { echo "error: make bench needs wrk, the HTTP load generator: apt-get install wrk" >&2; exit 1; }; \
	}

clean:
	rm -rf $(VENV) var staticfiles test-artifacts node_modules
