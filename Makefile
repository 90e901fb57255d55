# InvoLinks. Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
WEB_DIST := src/involinks/web/index.html
PG_URL ?= $(or $(TEST_POSTGRES_URL),postgresql+asyncpg://postgres@127.0.0.1:5432/test)
HOST ?= 127.0.0.1
PORT ?= 8000
SANDBOX_PORT ?= 8081

.PHONY: help install run serve web test lint typecheck test-py test-pg test-web test-browser \
	browser-deps fmt migrate revision bench clean

help:
	@echo "make run    set everything up and serve the app with demo data on http://$(HOST):$(PORT)"
	@echo "make test   set everything up and run the whole test suite"
	@echo "other: install web lint typecheck test-py test-pg test-web test-browser fmt migrate revision bench"

# --- set-up ------------------------------------------------------------------------------------
$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

install: $(VENV)/.synced frontend/node_modules/.installed

$(WEB_DIST): frontend/node_modules/.installed $(shell find frontend/src frontend/index.html frontend/public -type f 2>/dev/null) frontend/vite.config.ts
	cd frontend && npm run build

web: $(WEB_DIST)

# --- run ---------------------------------------------------------------------------------------
run: install web
	$(BIN)/involinks db upgrade
	PUBLIC_BASE_URL=http://$(HOST):$(PORT) $(BIN)/involinks seed-demo
	@echo "Serving on http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/api/docs)"
	@echo "Peppol sandbox access point on http://$(HOST):$(SANDBOX_PORT) (stops with the app)"
	$(BIN)/involinks sandbox-ap --host $(HOST) --port $(SANDBOX_PORT) --platform-url http://$(HOST):$(PORT) & \
		trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
		PEPPOL_PROVIDER=sandbox PEPPOL_BASE_URL=http://$(HOST):$(SANDBOX_PORT) PUBLIC_BASE_URL=http://$(HOST):$(PORT) \
		$(BIN)/involinks serve --host $(HOST) --port $(PORT)

migrate: $(VENV)/.synced
	$(BIN)/involinks db upgrade

revision: $(VENV)/.synced
	$(BIN)/alembic revision --autogenerate -m "$(m)"

# --- checks ------------------------------------------------------------------------------------
test: install web lint typecheck test-py test-pg test-web test-browser
	@echo "All checks passed."

lint: $(VENV)/.synced
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

fmt: $(VENV)/.synced
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

typecheck: $(VENV)/.synced
	$(BIN)/mypy

test-py: $(VENV)/.synced
	@echo "=== Python suite on SQLite ==="
	INVOLINKS_TEST_DB=sqlite $(BIN)/pytest -n 2 -m "not browser" -q

# The same database-backed test modules again on PostgreSQL. Under CI it must run, never skip.
test-pg: $(VENV)/.synced
	@if $(BIN)/python -c "import socket,sys; from sqlalchemy.engine import make_url; u=make_url('$(PG_URL)'); socket.create_connection((u.host or '127.0.0.1', u.port or 5432), 2)" 2>/dev/null; then \
		echo "=== Python suite on PostgreSQL ==="; \
		TEST_POSTGRES_URL='$(PG_URL)' INVOLINKS_TEST_DB=postgres $(BIN)/pytest -n 2 -m "db and not browser" -q; \
	elif [ "$$CI" = "true" ]; then \
		echo "ERROR: PostgreSQL is not reachable at $(PG_URL) and CI=true: the PostgreSQL run is required."; exit 1; \
	else \
		echo "NOTICE: PostgreSQL not reachable at $(PG_URL); skipping the PostgreSQL run (set TEST_POSTGRES_URL)."; \
	fi

test-web: frontend/node_modules/.installed
	cd frontend && npm run typecheck && npm run lint && npm test

browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's chromium for the browser tests..."; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "NOTICE: /usr/bin/chromium is missing and cannot be installed here; browser tests will be skipped."; \
		fi; \
	fi

test-browser: $(VENV)/.synced web browser-deps
	@echo "=== Browser tests (headless Chromium) ==="
	$(BIN)/pytest -m browser -q tests/browser

bench: $(VENV)/.synced
	@for b in bench/*.py; do echo "--- $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) $(TOOLS) frontend/node_modules src/involinks/web .pytest_cache .mypy_cache .ruff_cache
