# framing-analysis: `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install test lint bench results clean

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP) ## Create .venv and install the package with its dev extras

lint: $(STAMP) ## Run ruff
	$(BIN)/ruff check framing tests bench

test: $(STAMP) lint ## Set up everything, then run ruff and the test suite
	$(BIN)/python -m pytest

bench: $(STAMP) ## Run the benchmarks (ratios against peers, same process)
	$(BIN)/python bench/lexicon_bench.py

results: $(STAMP) ## Reproduce every table and figure into results/
	@echo "make results: not yet (the notebooks land with the results issue)"

clean: ## Remove caches and build artefacts (keeps .venv)
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
