# Electro'Mob assistant — every target sets up what it needs (see README.md).
SHELL := /bin/bash
# The first Python 3.10 found: on PATH, or installed by pyenv.
PYTHON ?= $(shell for p in python3.10 $(HOME)/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEMO_CATALOG := data/catalog/demo-electromob.lheo.xml
MODEL := models/model.tar.gz
# `rasa train` reads every training file under data/ (nlu, rules, stories…); data/reference and
# data/catalog are read by the code at run time, not by training, except the knowledge base
# (addons/savoirs_importer.py). The folders are listed too: a file removed or added changes its folder.
TRAINING_DATA := config.yml domain.yml data/reference/savoirs.yml $(shell find data -mindepth 1 -path data/reference -prune -o -path data/catalog -prune \
	-o -type d -print -o -type f \( -name '*.yml' -o -name '*.yaml' \) -print)
RASA := $(BIN)/rasa
# Rasa would otherwise try to send usage data and crash reports over the network.
export RASA_TELEMETRY_ENABLED := false

.PHONY: install catalog train run run-production shell lint test test-fast test-scale validate test-stories chromium axe \
	nginx eval bench bench-catalog bench-history bench-scale data demo-demande screenshots clean

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	@test -n "$(PYTHON)" || { echo "erreur : Python 3.10 introuvable ; installez python3.10 puis relancez." >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip check
	touch $@

# Imports the demo catalog into the default database (BOT_DATABASE_URL or var/catalog.sqlite3).
catalog: install
	$(BIN)/python -m bot catalog import $(DEMO_CATALOG)

# Trains only when the training data or the configuration changed.
train: $(MODEL)

$(MODEL): $(INSTALLED) $(TRAINING_DATA)
	$(RASA) train --fixed-model-name model --out models

# Starts the action server and the Rasa server (REST and socket.io), until Ctrl-C.
run: catalog $(MODEL)
	$(BIN)/python -m serve.servers --model $(MODEL)

# The production topology on this machine: nginx, 2 Rasa replicas × 2 Sanic workers, PostgreSQL
# and Redis from the BOT_TRACKER_DB_* / BOT_REDIS_* variables (README, « Mise en production »).
run-production: nginx $(MODEL)
	$(BIN)/python -m serve.production --catalog $(DEMO_CATALOG)

# Chat in the terminal (the action server runs in the background meanwhile, with a secret of
# this run shared with the Rasa shell: serve/action_server.py).
shell: catalog $(MODEL)
	export BOT_ACTIONS_SECRET=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(32))'); \
	$(BIN)/python -m serve.action_server --port 5055 > var/actions-shell.log 2>&1 & pid=$$!; \
	trap "kill $$pid" EXIT; $(RASA) shell --model $(MODEL) \
	  --endpoints $$($(BIN)/python -c 'from pathlib import Path; from serve.servers import local_endpoints; print(local_endpoints(5055, Path("var")))')

validate: install
	$(RASA) data validate --fail-on-warnings

# Test conversations: every predicted action must match.
test-stories: $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests/test_stories.yml --fail-on-prediction-errors --out reports/stories

# The browser tests drive Debian's Chromium (never a browser downloaded by Playwright).
chromium:
	@test -x /usr/bin/chromium || { \
	  command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] || { echo "erreur : Chromium manque : installez le paquet Debian chromium (apt-get install chromium)." >&2; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The browser tests check the pages with axe-core: the npm package at this version, installed in
# var/axe (with npm from Debian's packages when it is missing), never loaded from a CDN.
AXE_VERSION := 4.14.1
axe:
	@grep -qs '"version": "$(AXE_VERSION)"' var/axe/node_modules/axe-core/package.json || { \
	  command -v npm >/dev/null || { \
	    command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] || { echo "erreur : npm manque : installez le paquet Debian npm (apt-get install npm)." >&2; exit 1; }; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }; \
	  npm install --prefix var/axe --no-save --no-package-lock --no-audit --no-fund --silent axe-core@$(AXE_VERSION); }

nginx:
	@test -x /usr/sbin/nginx || { \
	  command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] || { echo "erreur : nginx manque : installez le paquet Debian nginx (apt-get install nginx)." >&2; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }

# Code style (ruff) and type hints (mypy on bot/, serve/, privacy/), configured in pyproject.toml.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Everything: style, training data, test conversations, then every test (model, browser, slow).
test: lint validate test-stories chromium axe
	$(BIN)/python -m pytest -q --ignore=tests/scale

# In about a minute, without model, training, servers or browser: style, types and the tests marked
# neither model, browser nor slow (pyproject.toml). PostgreSQL is used when it answers.
test-fast: lint
	$(BIN)/python -m pytest -q -m "not model and not browser and not slow" --ignore=tests/scale

# The production topology under load and faults; PostgreSQL and Redis of its own (installed
# from Debian's packages when missing), stopped at the end.
test-scale: nginx $(MODEL)
	$(BIN)/python -m pytest -q tests/scale

# NLU (held-out set, cross-validation) of our pipeline beside Rasa's default one, and the test
# stories. EVAL_ARGS="--folds 2 --epochs 2" makes a short run.
EVAL_ARGS ?=
eval: $(MODEL)
	$(BIN)/python scripts/eval_nlu.py $(EVAL_ARGS)

# Load on one assistant (training time, cold start, latency, throughput, memory), then the catalog.
BENCH_ARGS ?= --train
CATALOG_BENCH_ARGS ?=
bench: $(MODEL)
	$(BIN)/python scripts/bench_assistant.py $(BENCH_ARGS) --json reports/bench/assistant.json --markdown reports/bench/assistant.md
	$(BIN)/python scripts/bench_catalog.py $(CATALOG_BENCH_ARGS) --json reports/bench/catalog.json --markdown reports/bench/catalog.md

# One conversation of 300 messages, before (Rasa reads the whole history each turn) and after
# (addons/history.py), in memory and on the PostgreSQL of BOT_TEST_POSTGRES_URL.
bench-history: $(MODEL)
	$(BIN)/python scripts/bench_history.py --json reports/bench/history.json --markdown reports/bench/history.md

# Import and daily refresh of a regional (60,000 sessions) and a national-size (600,000) feed,
# on SQLite and on the PostgreSQL of BOT_TEST_POSTGRES_URL.
bench-catalog: install
	$(BIN)/python scripts/bench_catalog.py $(CATALOG_BENCH_ARGS) --json reports/bench/catalog.json --markdown reports/bench/catalog.md

# The same load through nginx with 1, then 2 Rasa replicas.
bench-scale: nginx $(MODEL)
	$(BIN)/python scripts/bench_scale.py --json reports/bench/scale.json --markdown reports/bench/scale.md

# The README's screenshots (docs/screenshots/), on the demo catalog, in Debian's Chromium.
screenshots: $(MODEL) chromium
	$(BIN)/python scripts/screenshots.py

# Rebuilds the shipped data files from their sources (see each PROVENANCE.md).
data: install
	$(BIN)/python scripts/build_gazetteer.py
	$(BIN)/python scripts/make_demo_catalog.py
	$(BIN)/python scripts/build_nlu_lookups.py
	$(BIN)/python scripts/build_reconversions.py
	$(BIN)/python scripts/build_epci.py

# A year of simulated searches (marked as such) in the catalog database, then the demand report
# of that year: demande-*.html, readable at once (README, « Ce que la Région apprend »).
demo-demande: catalog
	$(BIN)/python -m bot demande simuler
	$(BIN)/python -m bot demande rapport --format html

clean:
	rm -rf var .pytest_cache
