# NQTrack: `make run` serves the demo on SQLite; `make test` runs the suite on SQLite and PostgreSQL.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/nqtrack
export DJANGO_SETTINGS_MODULE := nqtrack.settings

.PHONY: install system-deps run test test-sqlite test-postgres lint typecheck messages bench bench-load fuzz clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@$(MAKE) --no-print-directory system-deps
	touch $@

# Debian packages: Chromium for the browser tests, gettext to compile translations,
# pg_dump/pg_restore for backups on PostgreSQL, nginx to check deploy/nginx.conf.sample,
# LibreOffice (Writer, no GUI) to check that generated Word reports open.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v pg_dump >/dev/null || missing="$$missing postgresql-client"; \
	command -v nginx >/dev/null || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null && { [ "$$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; then \
	    SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo -n"; \
	    echo "Installing Debian packages:$$missing"; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null \
	      || echo "!!! Could not install$$missing: the tests that need them will be skipped."; \
	  else \
	    echo "!!! Cannot install$$missing (no apt-get or no root): the tests that need them will be skipped."; \
	  fi; \
	fi
	@if ! command -v soffice >/dev/null; then \
	  if command -v apt-get >/dev/null && { [ "$$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; then \
	    SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo -n"; \
	    echo "Installing Debian packages: libreoffice-writer-nogui"; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui >/dev/null \
	      || echo "!!! Could not install LibreOffice: the Word-report check will be skipped."; \
	  else \
	    echo "!!! Cannot install LibreOffice (no apt-get or no root): the Word-report check will be skipped."; \
	  fi; \
	fi
	@if command -v msgfmt >/dev/null; then NQTRACK_ALLOW_INSECURE_KEY=1 $(BIN)/nqtrack compilemessages --ignore=.venv -v 0; fi

var/secret_key:
	mkdir -p var
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

run: install var/secret_key
	@SECRET_KEY_FILE=var/secret_key $(BIN)/nqtrack migrate --noinput -v 0
	@SECRET_KEY_FILE=var/secret_key $(BIN)/nqtrack load_demo --if-empty
	@echo ""
	@echo "  NQTrack is at http://127.0.0.1:$(PORT)/  (API: /api/v1/docs/)"
	@echo "  Demo logins (password demo12345): quantri, vanphong, baocao, lanhdao (province);"
	@echo "  xa_quantri, xa_vanphong, xa_baocao, xa_lanhdao (commune); tinhkhac (another province)."
	@echo ""
	@# One background worker (imports, e-mail) beside the server; the trap stops it with the server.
	@SECRET_KEY_FILE=var/secret_key $(BIN)/nqtrack db_worker --no-startup-delay --no-reload \
	  > var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null; echo "  Background worker stopped."' EXIT; \
	echo "  Background worker started: nqtrack db_worker (pid $$worker, log var/worker.log)."; \
	echo ""; \
	SECRET_KEY_FILE=var/secret_key ALLOWED_HOSTS='*' $(BIN)/nqtrack runserver 0.0.0.0:$(PORT)

test: install
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres

test-sqlite:
	@echo "=== Test leg 1/2: SQLite ==="
	DATABASE_URL=sqlite:///var/test.sqlite3 NQTRACK_ALLOW_INSECURE_KEY=1 $(BIN)/pytest

test-postgres:
	@echo "=== Test leg 2/2: PostgreSQL ($(TEST_DATABASE_URL)) ==="
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(TEST_DATABASE_URL)'.rsplit('/',1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  DATABASE_URL=$(TEST_DATABASE_URL) NQTRACK_ALLOW_INSECURE_KEY=1 $(BIN)/pytest; \
	else \
	  echo ""; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "!!! PostgreSQL is not reachable at $(TEST_DATABASE_URL)"; \
	  echo "!!! SKIPPING the PostgreSQL test leg. Only SQLite was tested."; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo ""; \
	fi

lint: install
	$(BIN)/ruff check src e2e bench
	NQTRACK_ALLOW_INSECURE_KEY=1 $(BIN)/mypy src/nqtrack/*/services.py src/nqtrack/*/selectors.py src/nqtrack/documents/calendar.py src/nqtrack/documents/symbols.py src/nqtrack/documents/textparse.py src/nqtrack/assignments/deadlines.py src/nqtrack/core/text.py src/nqtrack/ops/backup.py src/nqtrack/core/uploads.py src/nqtrack/core/downloads.py src/nqtrack/core/exports.py src/nqtrack/core/tabular.py

# Regenerate the Vietnamese catalogue after changing user-facing strings.
messages: install
	NQTRACK_ALLOW_INSECURE_KEY=1 $(BIN)/nqtrack makemessages -l vi --no-obsolete \
	  --ignore=.venv --ignore=var --ignore=e2e --ignore=bench --ignore='*/tests/*' \
	  --ignore='src/nqtrack/locale/*'
	NQTRACK_ALLOW_INSECURE_KEY=1 $(BIN)/nqtrack compilemessages --ignore=.venv
	@msgfmt --statistics -o /dev/null locale/vi/LC_MESSAGES/django.po

# Benchmark (run by hand): 100,000 tasks over 3,000 units at SCALE=1, then the national study
# data (5.6 million members, a 1,000,000-row attendance import); prints figures and ratios.
# Uses its own databases (nqtrack_bench and nqtrack_bench_study on the PostgreSQL server, or
# var/nqtrack_bench.sqlite3 and var/nqtrack_bench_study.sqlite3). Tasks first, then study and dissemination
# (STUDY_SCALE defaults to SCALE; BENCH_ARGS go to both, task-only options are ignored).
BENCH_DATABASE_URL ?= $(TEST_DATABASE_URL)
SCALE ?= 1.0
STUDY_SCALE ?= $(SCALE)
SEARCH_SCALE ?= 1
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) NQTRACK_ALLOW_INSECURE_KEY=1 NQTRACK_API_THROTTLING=0 PYTHONPATH=src \
	  $(BIN)/python -m bench.tasks_bench --scale $(SCALE) $(BENCH_ARGS)
	DATABASE_URL=$(BENCH_DATABASE_URL) NQTRACK_ALLOW_INSECURE_KEY=1 NQTRACK_API_THROTTLING=0 PYTHONPATH=src \
	  $(BIN)/python -m bench.study_bench --scale $(STUDY_SCALE) $(BENCH_ARGS)
	DATABASE_URL=$(BENCH_DATABASE_URL) NQTRACK_ALLOW_INSECURE_KEY=1 NQTRACK_API_THROTTLING=0 PYTHONPATH=src \
	  $(BIN)/python -m bench.search_bench --scale $(SEARCH_SCALE) $(BENCH_ARGS)

# Load test (run by hand): gunicorn on loopback over the task benchmark's data (database
# nqtrack_bench_load), USERS logged-in users per level, each request followed by a 1-3 s think
# time, DURATION seconds a level; prints requests/s and p50/p95/p99 per level and page kind.
USERS ?= 10,50,100
DURATION ?= 60
LOAD_SCALE ?= 1.0
bench-load: install
	DATABASE_URL=$(BENCH_DATABASE_URL) NQTRACK_ALLOW_INSECURE_KEY=1 NQTRACK_API_THROTTLING=0 PYTHONPATH=src \
	  $(BIN)/python -m bench.load --scale $(LOAD_SCALE) --users $(USERS) --duration $(DURATION) $(LOAD_ARGS)

# Long API fuzzing pass (run by hand): the same schemathesis checks as the bounded pass in
# `make test` (core/tests/test_api_fuzz.py), with FUZZ_EXAMPLES cases per operation and mode for
# each of FUZZ_SEEDS, in-process on the test database of FUZZ_DATABASE_URL.
FUZZ_EXAMPLES ?= 50
FUZZ_SEEDS ?= 1,2,3,20251203
FUZZ_DATABASE_URL ?= sqlite:///var/test-fuzz.sqlite3
fuzz: install
	DATABASE_URL=$(FUZZ_DATABASE_URL) NQTRACK_ALLOW_INSECURE_KEY=1 NQTRACK_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
	  NQTRACK_FUZZ_SEEDS=$(FUZZ_SEEDS) $(BIN)/pytest src/nqtrack/core/tests/test_api_fuzz.py -p no:cacheprovider -s

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
