# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test install install-test lint services chromium wrk bench clean

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

## demo: Iraq 2025's election night replayed into the embedded SQLite store, a projection
## from a partial release, and how to open the dashboard on it; files in out/
demo: install
	rm -f out/night.db
	$(BIN)/majlis replay run iraq-2025 --db sqlite:///out/night.db --out out
	@echo "Projection from release 5 (62 % of stations counted):"
	$(BIN)/majlis project --release 5 --election iraq-2025 --db sqlite:///out/night.db \
		--draws 20000 --out out/projection.json
	@echo "The dashboard on this night: $(BIN)/majlis serve --db sqlite:///out/night.db" \
		"--election iraq-2025 --law iraq-2025   then open http://127.0.0.1:8000/"

lint: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

## services: PostgreSQL and Redis for the integration tests, started if down
services:
	bash tools/ensure-services.sh

## chromium: Debian's browser for the dashboard's tests (never a downloaded one)
chromium:
	@test -x /usr/bin/chromium || apt-get install -y --no-install-recommends chromium \
		|| (apt-get update && apt-get install -y --no-install-recommends chromium)

## test: lint, types, import layers and the whole suite (SQLite and the real PostgreSQL), on
## every core
test: lint services chromium
	$(BIN)/python -m pytest -q -n auto --dist loadgroup --durations=40

## wrk: Debian's HTTP load tool, for the service's benchmark
wrk:
	@test -x /usr/bin/wrk || apt-get install -y --no-install-recommends wrk \
		|| (apt-get update && apt-get install -y --no-install-recommends wrk)

## bench: every benchmark, each printing `name: value unit` with its peer library beside it
bench: install-test services wrk
	$(BIN)/python benchmarks/allocate.py
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/forecast.py
	$(BIN)/python benchmarks/nights.py
	$(BIN)/python benchmarks/power.py
	$(BIN)/python benchmarks/api.py
	$(BIN)/python benchmarks/sweep.py
	$(BIN)/python benchmarks/audit.py
	$(BIN)/python benchmarks/entry.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
