# coursekit: the two commands of the README, and helpers.
#   make lab    set up .venv and open the lessons in JupyterLab
#   make test   set up .venv and run the whole test suite
# Everything is installed inside .venv; nothing outside it, except Debian's
# chromium for the browser tests (installed with apt when run as root).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.coursekit-installed
CONSTRAINTS := requirements/constraints.txt
PORT   ?= 8888
# Notebooks run in parallel across the machine's cores (2 on the reference machine).
JOBS   ?= 2

.PHONY: help setup lab test test-fast notebooks browser-deps lint typecheck check clean bench present handouts hub-check

help:
	@echo "make lab        set up and open the lessons in JupyterLab"
	@echo "make test       set up and run the whole test suite"
	@echo "make notebooks  re-execute and save every lesson notebook"
	@echo "make bench      measure speed and memory into benchmarks/results.md"
	@echo "make present    show lesson 04 on the projector (Voila, no code; NOTEBOOK=..., PRESENT_PORT=...)"
	@echo "make handouts   export the lessons to static HTML in handouts/"
	@echo "make hub-check  run 10+ simulated students through a local JupyterHub (installs jupyterhub)"
	@echo "make lint       ruff over the package and tests"
	@echo "make typecheck  mypy over the package"
	@echo "make check      lint, typecheck and test (what .ci/run runs)"
	@echo "make clean      remove .venv and build outputs"

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "coursekit needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[test]'
	# JupyterLab settings for the class: no "Jupyter news?" prompt, no news fetch; widget
	# state saved with the notebook (the annotator's coding reaches `coursekit grade` that way).
	mkdir -p $(VENV)/share/jupyter/lab/settings
	printf '%s\n' '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}, "@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": true}}' \
		> $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

setup: $(STAMP)

# The printed URL opens lesson 00 directly (LabApp.default_url); no news feed or
# update check: the kit makes no network requests while it runs.
lab: setup
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORT) \
		$(if $(DISPLAY),,--no-browser) \
		$(if $(filter 0,$(shell id -u)),--allow-root) \
		--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb \
		--LabApp.news_url=None \
		--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate

browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's chromium for the browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "NOTE: /usr/bin/chromium is missing; browser tests will be skipped."; \
			echo "      Install it with: sudo apt-get install chromium"; \
		fi; \
	fi

test: setup browser-deps
	$(BIN)/python -m pytest -n $(JOBS)

# Quick loop while editing the package: no notebooks, no browser.
test-fast: setup
	$(BIN)/python -m pytest -n $(JOBS) -m "not browser" tests

notebooks: setup
	$(BIN)/coursekit build-notebooks

# Performance measurements -> benchmarks/results.md and results.json (not part of make test).
bench: setup
	$(BIN)/python benchmarks/run.py

# Projector mode: a lesson as a Voila dashboard on 127.0.0.1 (default lesson 04).
PRESENT_PORT ?= 8866
present: setup
	$(BIN)/coursekit present $(NOTEBOOK) --port $(PRESENT_PORT)

# Static HTML of the lessons (no code, figures embedded) in handouts/ (git-ignored).
handouts: setup
	$(BIN)/coursekit handouts --lessons notebooks --out handouts

# Local JupyterHub with simulated students (not part of make test). Installs
# jupyterhub into .venv and configurable-http-proxy into node_modules/ on demand.
hub-check: setup
	$(BIN)/python benchmarks/hub_check.py

lint: setup
	$(BIN)/ruff check src tests benchmarks

typecheck: setup
	$(BIN)/mypy

# What CI runs: the linter, the type checker, then the whole test suite.
check: lint typecheck test

clean:
	rm -rf $(VENV) build dist release results handouts rendered test-artifacts
