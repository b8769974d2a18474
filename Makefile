# Valmis — every task has a target here; `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
HOST ?= 127.0.0.1
PORT ?= 8000
export VALMIS_ENV ?= development
FLASK := $(PY) -m flask --app wsgi


.PHONY: help run dev test lint unit jstest node e2e bench browser i18n-extract i18n-update i18n-compile i18n-check db clean

help: ## List the tasks
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet .
	touch $@

$(TEST_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet ".[test]"
	touch $@

run: $(STAMP) i18n-compile db ## Install, prepare the database and translations, serve on http://localhost:8000
	@echo ""
	@echo "  Valmis is starting on http://localhost:$(PORT)/  (stop with Ctrl+C)"
	@echo "  The customer wizard opens at http://localhost:$(PORT)/"
	@$(FLASK) staff bootstrap --base-url http://localhost:$(PORT)
	@echo ""
	HOST=$(HOST) PORT=$(PORT) WEBAUTHN_ORIGIN=$${WEBAUTHN_ORIGIN:-http://localhost:$(PORT)} \
	  $(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app

dev: $(STAMP) i18n-compile db ## Serve with the Flask debugger and auto-reload on http://localhost:5000
	WEBAUTHN_ORIGIN=$${WEBAUTHN_ORIGIN:-http://localhost:5000} \
	  $(FLASK) run --debug --host 127.0.0.1 --port 5000

db: $(STAMP) ## Create or migrate the database (instance/valmis.db unless DATABASE_URL says otherwise)
	$(FLASK) init-db

test: $(TEST_STAMP) browser node lint i18n-check i18n-compile unit jstest e2e ## Install what the tests need; lint, unit, JavaScript and end-to-end tests

lint: $(TEST_STAMP) ## ruff (with security and gettext rules) and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

unit: $(TEST_STAMP) i18n-compile ## Unit and Flask-client tests
	$(PY) -m pytest tests

jstest: node ## The browser code's pure logic, with Node's built-in test runner
	node --test tests/js/

node: ## Make sure Node.js exists (Debian's nodejs where it is missing and apt is usable)
	@if command -v node >/dev/null; then \
	  echo "Node.js: $$(node --version)"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null; \
	else \
	  echo "Node.js is needed for make jstest: install it (https://nodejs.org or your package manager)"; exit 1; \
	fi

e2e: $(TEST_STAMP) browser i18n-compile ## End-to-end tests in a real Chromium
	$(PY) -m pytest e2e

browser: $(TEST_STAMP) ## Make sure a Chromium exists (Debian's, or Playwright's where apt is not usable)
	@if [ -x /usr/bin/chromium ]; then \
	  echo "Chromium: /usr/bin/chromium"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  $(PY) -m playwright install chromium; \
	fi

bench: $(TEST_STAMP) ## Benchmarks: print figures (never part of the tests)
	$(PY) bench/bench_device.py
	$(PY) bench/bench_reports.py
	$(PY) bench/bench_precache.py

i18n-extract: $(STAMP) ## Extract messages into translations/messages.pot
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k lazy_gettext \
	  --add-comments=Translators: --add-location=file --sort-by-file --no-wrap --omit-header -o translations/messages.pot .

i18n-update: i18n-extract ## Merge new messages into every language's catalogue
	$(VENV)/bin/pybabel -q update --no-wrap --ignore-obsolete -i translations/messages.pot -d translations

i18n-compile: $(STAMP) ## Compile the catalogues (.po → .mo)
	$(VENV)/bin/pybabel -q compile -d translations

i18n-check: $(TEST_STAMP) ## Fail on untranslated, fuzzy or stale messages
	$(PY) -m pytest -q tests/test_translations.py

clean: ## Remove the virtual environment and caches (keeps instance/)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
