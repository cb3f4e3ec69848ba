# The two commands of the README:
#   make run   - set up (first time) and run the pipeline on the shipped sample
#   make test  - set up (first time) and run the test suite
# Both install into .venv from pyproject.toml, pinned by constraints.txt.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup run test lint ui sample validate-903 bench clean docs

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

run: setup
	$(BIN)/scorecard run
	SCORECARD_COUNCIL_NAME=Havering $(BIN)/scorecard report --quarter 2021-22-Q2
	$(BIN)/scorecard summary --quarter 2021-22-Q2

test: setup
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

ui: setup
	$(BIN)/scorecard ui

sample: setup
	$(BIN)/python -m samplegen --out data/raw

validate-903:
	bash scripts/validate_903.sh data/raw

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf data/work data/marts/*.parquet data/marts/*.duckdb data/marts/reports data/marts/data_docs

# docs/marts.md is generated from the marts contract, sql/marts/contract.yml.
docs: setup
	$(BIN)/python -m pipeline.core.contract > docs/marts.md
