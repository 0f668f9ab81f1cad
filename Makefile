# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
CONFIG ?= config.toml
DEMO   ?= demo/zjgrrb-2021-08-30-p1.txt

.PHONY: run test install install-test lock lint format bench bench-desk clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A stamp per extra, redone whenever pyproject.toml or its lock file changes.
# Dependencies come from the lock (exact versions), then the project itself.
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements-test.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-test.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make lock: re-resolve requirements.lock and requirements-test.lock from
## pyproject.toml (commit both). Pins that still fit are kept; take the newest
## releases with `make lock LOCK_ARGS=--upgrade`. The resolver (uv, pinned
## here) lives in a throwaway venv, not in the project's dependencies. The test
## lock is resolved under the runtime lock, so both share their versions.
UV ?= uv==0.13.9
lock:
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(PYTHON) -m venv "$$tmp" && \
	"$$tmp/bin/python" -m pip install --quiet '$(UV)' && \
	compile() { "$$tmp/bin/uv" pip compile --quiet --python $(PYTHON) \
		--custom-compile-command 'make lock' $(LOCK_ARGS) pyproject.toml "$$@"; } && \
	compile -o requirements.lock && \
	compile --extra test -c requirements.lock -o requirements-test.lock

## make run: set up, load the demo page, serve feeds on http://127.0.0.1:8080
run: install
	$(BIN)/syndicator --config $(CONFIG) init
	$(BIN)/syndicator --config $(CONFIG) import --page 1 $(DEMO)
	$(BIN)/syndicator --config $(CONFIG) run

## make test: set up with the test extras and run the whole suite
test: install-test system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Debian packages the browser and feed-reader tests use. Installed when
# missing and we are root; otherwise those tests skip and say how to enable.
system-deps:
	@sh scripts/system-deps.sh

## make bench: every performance target of issues 7 and 11 in one table (a few minutes)
bench: install-test
	@sh scripts/bench-deps.sh
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## make bench-desk: only the desk's pages on a 100,000-article store (about 3 minutes;
## needs neither nginx nor wrk)
bench-desk: install-test
	$(BIN)/python bench/run.py desk $(BENCH_ARGS)

lint: install-test
	$(BIN)/ruff check syndicator tests bench
	$(BIN)/ruff format --check syndicator tests bench
	$(BIN)/mypy syndicator

format: install-test
	$(BIN)/ruff format syndicator tests bench
	$(BIN)/ruff check --fix syndicator tests bench

clean:
	rm -rf $(VENV) feeds syndicator.db .pytest_cache
