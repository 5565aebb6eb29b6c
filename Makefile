# Electro'Mob assistant — every target sets up what it needs (see README.md).
SHELL := /bin/bash
# The first Python 3.10 found: on PATH, or installed by pyenv.
PYTHON ?= $(shell for p in python3.10 $(HOME)/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEMO_CATALOG := data/catalog/demo-electromob.lheo.xml

.PHONY: install catalog run test bench-catalog data clean

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

run: catalog
	@echo "Exemple : pilote de ligne de production (H2705) à 30 km de Lens"
	$(BIN)/python -m bot catalog search --rome H2705 --commune Lens --rayon 30

test: install
	$(BIN)/python -m pytest -q

bench-catalog: install
	$(BIN)/python scripts/bench_catalog.py

# Rebuilds the shipped data files from their sources (see each PROVENANCE.md).
data: install
	$(BIN)/python scripts/build_gazetteer.py
	$(BIN)/python scripts/make_demo_catalog.py

clean:
	rm -rf var .pytest_cache
