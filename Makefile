# StoryWeb: `make run` plays the game at http://127.0.0.1:8000, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# Daphne's cap on one client WebSocket message and frame (bytes): above the game's own
# 4 KB (a polite error), far below daphne's default 1 MiB. README.md's production command uses it too.
DAPHNE_LIMITS := --websocket-max-message-size 16384 --websocket-max-frame-size 16384

# The first Python 3.12+ we can actually run: on PATH, then under ~/.pyenv/versions.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	if "$$p" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then command -v "$$p"; break; fi; done)

.PHONY: help setup run test test-fast lint format chromium bench bench-smoke clean fonts

help:
	@echo "make run         set up and start the game (offline storyteller, SQLite) on http://$(HOST):$(PORT)"
	@echo "                 (another address or port: make run HOST=0.0.0.0 PORT=8001)"
	@echo "make test        set up and run the whole test suite (browser tests included)"
	@echo "make test-fast   the suite without the browser tests"
	@echo "make setup       create .venv, install the pinned requirements, migrate, load the content"
	@echo "make lint        ruff check and format check, mypy"
	@echo "make format      let ruff fix and format the code"
	@echo "make chromium    install Debian's chromium for the browser tests, when it is missing"
	@echo "make bench       the performance benchmark (README: Performance)"
	@echo "make bench-smoke the benchmark's quick check: 3 players, one short adventure"
	@echo "make fonts       fetch the easy-read font (Atkinson Hyperlegible, OFL) from PyPI into static/fonts/"
	@echo "make clean       remove .venv, caches, collected static files and test output"

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	@if [ -z "$(PYTHON)" ]; then \
		echo "error: StoryWeb needs Python 3.12 or newer (Django 6). Install python3.12 or python3.13," \
		     "or put one under ~/.pyenv/versions/, or run: make PYTHON=/path/to/python3.12 ..." >&2; exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

setup: $(STAMP)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_content

run: setup
	@echo "StoryWeb is starting on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) $(DAPHNE_LIMITS) storyweb.asgi:application

# The easy-read font comes from a PyPI wheel (static/fonts/SOURCE.txt); the files are
# committed, and this puts them back exactly as the wheel ships them.
FONT_WHEEL := fontpkg-atkinson-hyperlegible==1.6
fonts: $(STAMP)
	rm -rf .fonts-tmp && mkdir .fonts-tmp
	$(PY) -m pip download --quiet --no-deps --only-binary=:all: -d .fonts-tmp "$(FONT_WHEEL)"
	$(PY) -m zipfile -e .fonts-tmp/*.whl .fonts-tmp/wheel
	cp .fonts-tmp/wheel/fontpkg_atkinson_hyperlegible/files/AtkinsonHyperlegible-{Regular,Bold}.ttf static/fonts/
	cp .fonts-tmp/wheel/fontpkg_atkinson_hyperlegible/LICENSE static/fonts/OFL-AtkinsonHyperlegible.txt
	rm -rf .fonts-tmp

# Browser tests drive Debian's Chromium; install it when it is missing.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Chromium from Debian's packages for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@/usr/bin/chromium --version

test: $(STAMP) chromium
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(VENV)/bin/pytest -m "not browser" $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	$(PY) -m bench.play $(BENCH_ARGS)

bench-smoke: $(STAMP)
	$(PY) -m bench.play --smoke

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles test-output .test-db.sqlite3*
