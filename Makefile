# Two commands do all set-up: `make run` and `make test` (see README.md).
# `make test` = lint (ruff, import contracts) + the whole suite; `make chaos` the long fault runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test chaos lint clean translations

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

# Three workers (pytest-xdist), a file each at a time: most tests wait on simulated modems or a
# browser, so three share the 2 cores well (fresh clone, 3,332 tests: 10 min 12 s with two,
# 8 min 26 s with three); TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= 3
test: lint
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

# The full chaos runs (tests/chaos, marker `chaos`): power cuts, kill -9 loops, modem and disk
# faults around a running daemon, and the soak (bench/soak.py); minutes long.
# Their short forms run in `make test`.
chaos: $(VENV)/.installed
	$(BIN)/python -m pytest -q -rP -m chaos tests/chaos  # -rP: each run's figures

# The French (issue 16): the panel's (web/translations): extract the strings, merge them into each
# language's messages.po (then translate the new msgids there), compile the .mo (the panel also
# compiles a stale .mo at start-up, web/i18n.py).
# The appliance's own words (alert SMS and emails, forwarded mail; [appliance] language) are a
# second domain, appliance/translations/<lang>/LC_MESSAGES/appliance.po (babel-appliance.cfg;
# appliance.language compiles a stale .mo in memory).
POT := web/translations/messages.pot
APPLIANCE_POT := appliance/translations/appliance.pot
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k tr --sort-output --no-location \
		--project smsrelay -o $(POT) .
	$(BIN)/pybabel update -i $(POT) -d web/translations --no-fuzzy-matching --ignore-pot-creation-date
	$(BIN)/pybabel compile -d web/translations --statistics
	$(BIN)/pybabel extract -F babel-appliance.cfg -k N_ -k N_plural:1,2 --sort-output --no-location \
		--project smsrelay -o $(APPLIANCE_POT) .
	$(BIN)/pybabel update -D appliance -i $(APPLIANCE_POT) -d appliance/translations \
		--no-fuzzy-matching --ignore-pot-creation-date --ignore-obsolete
	$(BIN)/pybabel compile -D appliance -d appliance/translations --statistics

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
