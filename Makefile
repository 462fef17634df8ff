# Traguardo: every target sets up what it needs (a .venv in the repository) by itself.
# Needs GNU make and python3 (>= 3.11) with venv.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install; reinstalls when the lock or pyproject.toml changes.
STAMP := $(VENV)/.installed
# Every dependency (the dev extra included) pinned by `make lock`; installs read only this.
LOCK := requirements.lock
PIP := $(BIN)/python -m pip --disable-pip-version-check
# pytest-xdist workers for `make test` (auto: one per core); TEST_WORKERS=0 runs in one process.
# --dist loadfile keeps each test file on one worker: the files that share the demo (or the
# small world) then load it once per worker. (loadgroup would keep them all on one worker,
# but its groups are lost with pytest 9.2, which no longer reads the node ids xdist sets.)
TEST_WORKERS ?= auto

.PHONY: help install lock browser test demo clean

help:
	@echo "make demo   - load the 2019 demo cycle and the fictional Valdoria (vald), score, serve http://127.0.0.1:8000/"
	@echo "make test   - ruff (lint, format), deptry, mypy, import layers, migrations check and pytest (on \$$DATABASE_URL or SQLite)"
	@echo "make lock   - pin every dependency of pyproject.toml in $(LOCK) (after changing them)"
	@echo "make clean  - remove .venv, var/ and caches"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The pinned versions first, then the project itself without resolving anything again;
# `pip check` fails if pyproject.toml declares something the lock does not have yet.
$(STAMP): $(LOCK) pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -r $(LOCK)
	$(PIP) install --quiet --no-deps -e .
	$(PIP) check || { echo "$(LOCK) is behind pyproject.toml: run 'make lock'"; exit 1; }
	touch $@

install: $(STAMP)

# Re-resolve pyproject.toml (and its dev extra) to the newest versions allowed, pinned.
lock: | $(BIN)/python
	$(PIP) install --quiet pip-tools
	$(BIN)/pip-compile --quiet --upgrade --extra dev --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --output-file $(LOCK) pyproject.toml

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
	$(BIN)/ruff format --check .
	$(BIN)/deptry .
	$(BIN)/mypy src
	$(BIN)/lint-imports --no-logo
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

demo: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/traguardo load-demo
	$(BIN)/traguardo demo-users
	$(BIN)/traguardo load-demo-valdoria
	$(BIN)/traguardo cycle add --entity tvbl --year 2020 --plan 2019-2021 --from 2019 \
		--if-missing --open --user ufficio \
		--override --reason "Pesi B come stampati nel piano 2019-2021 (somma 99,96)"
	$(BIN)/traguardo score --entity tvbl --year 2019
	$(BIN)/traguardo report --entity tvbl --year 2019 --format all --out var/relazione
	@echo "== Relazione 2019 in every format: var/relazione/"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache .import_linter_cache src/*.egg-info
