# One command to set up and run the main job, one to run the tests (see README).
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: setup run test lint dashboard clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

# The main job: crawl the built-in social-law catalogue (live retsinformation.dk unless
# RUN_ARGS has --base-url), analyze, build the impact graph, start the dashboard.
run: setup
	$(BIN)/lovspor run $(RUN_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# The test suite: lint, the import contract, then pytest (starts PostgreSQL and finds
# Chromium first; see scripts/services.sh).
test: setup
	bash scripts/services.sh
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	set -a; . ./.ci/services.env; set +a; $(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
