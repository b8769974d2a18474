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


.PHONY: help run dev test lint unit integration services jstest node e2e e2e-firefox e2e-webkit bench browser firefox webkit i18n-extract i18n-update i18n-compile i18n-check db clean

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
	@if [ -n "$$TURN_URLS" ]; then \
	  echo "  Media round trip: through the TURN relay $$TURN_URLS"; \
	else \
	  echo "  Media round trip: inside the page only (TURN_URLS is empty: the network path"; \
	  echo "  to a relay is not tested; README, \"A TURN relay\", says how to add one)"; \
	fi
	@echo ""
	HOST=$(HOST) PORT=$(PORT) WEBAUTHN_ORIGIN=$${WEBAUTHN_ORIGIN:-http://localhost:$(PORT)} \
	  $(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app

dev: $(STAMP) i18n-compile db ## Serve with the Flask debugger and auto-reload on http://localhost:5000
	WEBAUTHN_ORIGIN=$${WEBAUTHN_ORIGIN:-http://localhost:5000} \
	  $(FLASK) run --debug --host 127.0.0.1 --port 5000

db: $(STAMP) ## Create or migrate the database (instance/valmis.db unless DATABASE_URL says otherwise)
	$(FLASK) init-db

test: $(TEST_STAMP) browser node services lint i18n-check i18n-compile unit integration jstest e2e ## Install what the tests need; lint, unit, integration, JavaScript and end-to-end tests

lint: $(TEST_STAMP) ## ruff (with security and gettext rules) and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

unit: $(TEST_STAMP) services i18n-compile ## Unit and Flask-client tests (coturn for the relay's)
	$(PY) -m pytest tests

integration: $(TEST_STAMP) services i18n-compile ## Two instances on a throwaway PostgreSQL and Redis (started on loopback, stopped after)
	timeout 120 $(PY) -m pytest integration

services: ## Make sure PostgreSQL, Redis and coturn exist (Debian's, installed with apt where they are missing)
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || missing="postgresql"; \
	command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || missing="$$missing redis-server"; \
	command -v turnserver >/dev/null || [ -x /usr/bin/turnserver ] || missing="$$missing coturn"; \
	if [ -z "$$missing" ]; then \
	  echo "PostgreSQL, Redis and coturn: installed"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
	  echo "the tests need PostgreSQL (initdb, pg_ctl), redis-server and coturn: install$$missing"; \
	  echo "(Debian/Ubuntu: sudo apt-get install$$missing)"; exit 1; \
	fi

jstest: node node_modules/.package-lock.json ## The browser code's pure logic, with Node's built-in test runner
	node --test tests/js/

# The JavaScript tests' tooling (package.json: devDependencies only, e.g. ajv for the report
# schema), exactly as package-lock.json pins it; again whenever either file changes.
node_modules/.package-lock.json: package.json package-lock.json | node
	npm ci --no-audit --no-fund

node: ## Make sure Node.js and npm exist (Debian's where missing and apt is usable)
	@if command -v node >/dev/null && command -v npm >/dev/null; then \
	  echo "Node.js: $$(node --version), npm $$(npm --version)"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	else \
	  echo "Node.js and npm are needed for make jstest: install them (https://nodejs.org or your package manager)"; exit 1; \
	fi

e2e: $(TEST_STAMP) browser firefox webkit services i18n-compile ## End-to-end tests: Chromium in depth (coturn for the media round trip), and the walk in every engine (e2e/engines)
	$(PY) -m pytest e2e

e2e-firefox: $(TEST_STAMP) firefox i18n-compile ## Only the Firefox ESR cases of the cross-engine walk
	$(PY) -m pytest e2e/engines -m firefox

e2e-webkit: $(TEST_STAMP) webkit i18n-compile ## Only the WebKit cases (Debian's WebKitGTK under Xvfb)
	$(PY) -m pytest e2e/engines -m webkit

# WebKitGTK's WebDriver and MiniBrowser (libwebkit2gtk-4.1-0, a dependency of the driver, with
# GStreamer for the mock camera and microphone), and a display server for them.
webkit: ## Make sure WebKitWebDriver and Xvfb exist (Debian's, installed with apt where missing)
	@if [ -x /usr/bin/WebKitWebDriver ] && [ -x /usr/bin/Xvfb ] && ls /usr/lib/*/webkit2gtk-4.1/MiniBrowser >/dev/null 2>&1; then \
	  echo "WebKit: WebKitWebDriver $$(dpkg-query -W -f='$${Version}' webkit2gtk-driver 2>/dev/null), Xvfb"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq webkit2gtk-driver xvfb >/dev/null; \
	else \
	  echo "The WebKit tests need WebKitWebDriver, MiniBrowser and Xvfb"; \
	  echo "(Debian/Ubuntu: sudo apt-get install webkit2gtk-driver xvfb)"; exit 1; \
	fi

browser: $(TEST_STAMP) ## Make sure a Chromium exists (Debian's, or Playwright's where apt is not usable)
	@if [ -x /usr/bin/chromium ]; then \
	  echo "Chromium: /usr/bin/chromium"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  $(PY) -m playwright install chromium; \
	fi

firefox: ## Make sure Debian's Firefox ESR and PulseAudio exist (for e2e/engines), with apt where missing
	@missing=""; \
	command -v firefox-esr >/dev/null || missing="firefox-esr"; \
	command -v pulseaudio >/dev/null || missing="$$missing pulseaudio"; \
	if [ -z "$$missing" ]; then \
	  echo "Firefox: $$(firefox-esr --version 2>/dev/null), $$(pulseaudio --version)"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
	  echo "the Firefox cases of make e2e need$$missing (Debian/Ubuntu: sudo apt-get install$$missing)"; exit 1; \
	fi

bench: $(TEST_STAMP) browser services ## Benchmarks: print figures and the budget table (never part of the tests; a few minutes)
	@command -v wrk >/dev/null || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
	  echo "wrk is missing: the load benchmarks use Python clients, which share the CPU with the server"
	@status=0; \
	for bench in "bench_device.py" "bench_reports.py" "bench_precache.py" "bench_load.py 30 64" \
	             "bench_fault.py 12 32" "bench_perf.py 3" "bench_media.py 3"; do \
	  echo ""; echo "== bench/$$bench"; $(PY) bench/$$bench || status=1; \
	done; exit $$status

i18n-extract: $(STAMP) ## Extract messages into translations/messages.pot
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k lazy_gettext \
	  --add-comments=Translators: --add-location=file --sort-by-file --no-wrap --omit-header -o translations/messages.pot .

i18n-update: i18n-extract ## Merge new messages into every language's catalogue
	$(VENV)/bin/pybabel -q update --no-wrap --ignore-obsolete -i translations/messages.pot -d translations

i18n-compile: $(STAMP) ## Compile the catalogues (.po → .mo)
	$(VENV)/bin/pybabel -q compile -d translations

i18n-check: $(TEST_STAMP) ## Fail on untranslated, fuzzy or stale messages
	$(PY) -m pytest -q tests/test_translations.py

clean: ## Remove the virtual environment, node_modules and caches (keeps instance/)
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
