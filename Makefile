# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
CONFIG ?= config.toml
DEMO   ?= demo/zjgrrb-2021-08-30-p1.txt

.PHONY: run test install install-test lint format bench clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A stamp per extra, redone whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make run: set up, load the demo page, serve feeds on http://127.0.0.1:8080
run: install
	$(BIN)/syndicator --config $(CONFIG) init
	$(BIN)/syndicator --config $(CONFIG) import $(DEMO)
	$(BIN)/syndicator --config $(CONFIG) run

## make test: set up with the test extras and run the whole suite
test: install-test system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Debian packages the browser and feed-reader tests use. Installed when
# missing and we are root; otherwise those tests skip and say how to enable.
system-deps:
	@sh scripts/system-deps.sh

## make bench: every performance target of issue 7 in one table (a few minutes)
bench: install-test
	@sh scripts/bench-deps.sh
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: install-test
	$(BIN)/ruff check syndicator tests bench
	$(BIN)/ruff format --check syndicator tests bench
	$(BIN)/mypy syndicator

format: install-test
	$(BIN)/ruff format syndicator tests bench
	$(BIN)/ruff check --fix syndicator tests bench

clean:
	rm -rf $(VENV) feeds syndicator.db .pytest_cache
