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
TRAINING_DATA := config.yml domain.yml $(shell find data/nlu data/rules data/stories -name '*.yml' 2>/dev/null)
RASA := $(BIN)/rasa

.PHONY: install catalog train run shell test validate test-stories chromium eval-nlu bench-catalog data clean

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
	$(BIN)/python -m bot.servers --model $(MODEL)

# Chat in the terminal (the action server runs in the background meanwhile).
shell: catalog $(MODEL)
	$(RASA) run actions --actions actions --port 5055 > var/actions-shell.log 2>&1 & pid=$$!; \
	trap "kill $$pid" EXIT; $(RASA) shell --model $(MODEL) --endpoints endpoints.yml

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

test: validate test-stories chromium
	$(BIN)/python -m pytest -q

# NLU figures: the held-out set (tests/nlu/heldout.yml) and a 3-fold cross-validation.
eval-nlu: $(MODEL)
	$(RASA) test nlu --nlu tests/nlu/heldout.yml --model $(MODEL) --out reports/nlu-heldout
	$(RASA) test nlu --nlu data/nlu --cross-validation --folds 3 --config config.yml --out reports/nlu-cv
	$(BIN)/python scripts/nlu_report.py held-out=reports/nlu-heldout validation-croisee=reports/nlu-cv

bench-catalog: install
	$(BIN)/python scripts/bench_catalog.py

# Rebuilds the shipped data files from their sources (see each PROVENANCE.md).
data: install
	$(BIN)/python scripts/build_gazetteer.py
	$(BIN)/python scripts/make_demo_catalog.py
	$(BIN)/python scripts/build_nlu_lookups.py

clean:
	rm -rf var .pytest_cache
