# make run   — install, migrate, load the demo data, start the task worker and serve on http://127.0.0.1:8000
# make test  — install, compile the translations and run the whole test suite (pass options with PYTEST_ARGS="-k login")

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Rewritten after each successful install: pip runs again only when a requirements file changes.
STAMP := $(VENV)/.requirements-installed
PYTEST_ARGS ?=

.PHONY: help venv run test lint check messages

help:
	@echo "make run    install, migrate, load the demo data, serve on http://127.0.0.1:8000 (with the task worker)"
	@echo "make test   run the tests (options: PYTEST_ARGS=\"-k login -x\")"
	@echo "make lint   ruff check and ruff format --check"
	@echo "make check  Django system checks and missing migrations"

venv: $(STAMP)
	@echo "$(VENV): $$($(BIN)/python --version), requirements installed"

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || { echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "Installing requirements-dev.txt into $(VENV)"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt 2>&1 \
		| { grep -v '^WARNING: Location' || true; }
	@touch $@

# Compile the translation catalogues; without gettext the site still runs, in the source texts.
messages: $(STAMP)
	@if [ ! -d locale ]; then \
		true; \
	elif command -v msgfmt >/dev/null; then \
		$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0; \
	else \
		echo "gettext (msgfmt) is not installed: translations are not compiled."; \
	fi

# The task worker (imports, large workbooks) runs beside the server and stops with it; when it
# ends itself over a hung task (exit status 75), it starts again.
run: $(STAMP) messages
	$(MANAGE) migrate
	$(MANAGE) load_demo
	{ while $(MANAGE) db_worker --no-startup-delay; [ $$? -eq 75 ]; do echo "db_worker ended a hung task: starting again"; done; } & worker=$$!; \
		trap 'pkill -P $$worker 2>/dev/null; kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(MANAGE) runserver 127.0.0.1:8000

test: $(STAMP) messages
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(STAMP)
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
