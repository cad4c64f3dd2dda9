# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test install install-test lint services bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## demo: Iraq 2025's election night replayed into the embedded SQLite store; files in out/
demo: install
	rm -f out/night.db
	$(BIN)/majlis replay run iraq-2025 --db sqlite:///out/night.db --out out

lint: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

## services: PostgreSQL and Redis for the integration tests, started if down
services:
	bash tools/ensure-services.sh

## test: lint, types, import layers and the whole suite (SQLite and the real PostgreSQL)
test: lint services
	$(BIN)/python -m pytest -q

bench: install-test services
	$(BIN)/python benchmarks/allocate.py
	$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
