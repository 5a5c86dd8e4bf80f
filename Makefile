# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CONTRACT := ../shared/checks/contract.py
CONTRACT_PARTS := inspect sql query validate serve audit
EXAMPLE := examples/ecommerce

.PHONY: install demo test lint typecheck unit contract format clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## The main job: the example project's full suite on DuckDB (data tests, unit tests, SQL
## validation, key checks), configured in $(EXAMPLE)/pyproject.toml.
demo: install
	$(BIN)/pytest-looker inspect --project $(EXAMPLE)
	cd $(EXAMPLE) && ../../$(BIN)/pytest-looker test

## Lint, types, the test suite and the command-line contract.
test: install lint typecheck unit contract

lint: install
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples
	$(BIN)/lint-imports --no-cache

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest -n 2 -p no:cacheprovider

contract: install
	@if [ -f $(CONTRACT) ]; then $(PYTHON) $(CONTRACT) $(CONTRACT_PARTS); \
	else echo "contract checks skipped: $(CONTRACT) not found"; fi

format: install
	$(BIN)/ruff check --fix src tests benchmarks examples
	$(BIN)/ruff format src tests benchmarks examples

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
