# Traguardo: every target sets up what it needs (a .venv in the repository) by itself.
# Needs GNU make and python3 (>= 3.11) with venv.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install; reinstalls only when pyproject.toml changes.
STAMP := $(VENV)/.installed

.PHONY: help install browser test demo clean

help:
	@echo "make demo   - load the 2019 demo cycle, score it, serve http://127.0.0.1:8000/"
	@echo "make test   - ruff, mypy, import layers, migrations check and pytest (on \$$DATABASE_URL or SQLite)"
	@echo "make clean  - remove .venv, var/ and caches"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(STAMP)

# Browser tests drive Debian's Chromium; installed from the distribution, never downloaded.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	$$SUDO apt-get install -y -q chromium chromium-driver \
	|| { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium chromium-driver; }

browser: $(CHROMIUM)

test: $(STAMP) $(CHROMIUM)
	@echo "== database: $${DATABASE_URL:-SQLite var/traguardo.sqlite3 (DATABASE_URL unset)}"
	$(BIN)/ruff check .
	$(BIN)/mypy src
	$(BIN)/lint-imports --no-logo
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

demo: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/traguardo load-demo
	$(BIN)/traguardo demo-users
	$(BIN)/traguardo score --year 2019
	$(BIN)/traguardo report --year 2019 --format all --out var/relazione
	@echo "== Relazione 2019 in every format: var/relazione/"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache .import_linter_cache src/*.egg-info
