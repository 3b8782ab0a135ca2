# LegalAid: `make run` opens the app on the default local database; `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test check lint typecheck pytest catalogs translations bench clean dist

run: $(STAMP) catalogs
	$(BIN)/python -m compileall -q legalaid ui >/dev/null  # bytecode: a faster start
	$(BIN)/legalaid

test: check

check: $(STAMP) catalogs lint typecheck pytest

$(STAMP): pyproject.toml setup.py
	PYTHON=$(PYTHON) sh tools/system-deps.sh
	$(PYTHON) -c 'import sys; sys.exit("LegalAid needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

catalogs: $(STAMP)
	$(BIN)/python tools/catalogs.py compile

translations: $(STAMP)
	$(BIN)/python tools/catalogs.py update

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) catalogs
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n auto --dist loadfile

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache

# The application folder and its installer for this machine, in dist/ (tools/build_dist.py).
dist: $(STAMP) catalogs
	$(BIN)/python tools/build_dist.py

bench: $(STAMP) catalogs
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/benchmarks/run.py
