# Two commands do all set-up: `make run` and `make test` (see README.md).
# `make test` = lint (ruff, import contracts) + the whole suite; `make chaos` the long fault runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test chaos lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install -q -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/smsrelay serve --simulate 2

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports  # the architecture's contracts, .importlinter

test: lint
	$(BIN)/python -m pytest -q

# The full chaos runs (tests/chaos, marker `chaos`): power cuts and kill -9 loops, minutes long.
# Their short forms run in `make test`.
chaos: $(VENV)/.installed
	$(BIN)/python -m pytest -q -rP -m chaos tests/chaos  # -rP: each run's figures

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
