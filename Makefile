# framing-analysis: `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FRAMING := $(BIN)/framing

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.py))
EXECUTED := $(patsubst notebooks/%.py,results/notebooks/%.ipynb,$(NOTEBOOKS))
CORPUS := $(wildcard corpus/softpower-aid/*.jsonl corpus/softpower-aid/*.csv \
                     corpus/euvsdisinfo/*.csv)
PACKAGE := $(shell find framing -name '*.py' -o -name '*.yaml' | sort)
PAPER_FIGURES := paper/figures/reliability_forest.png paper/figures/frames_by_outlet_type.png

.DEFAULT_GOAL := help
CFF_VENV := .venv-cff
CFF_STAMP := $(CFF_VENV)/.installed

.PHONY: help install test lint citation bench results paper clean

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $@

install: $(STAMP) ## Create .venv and install the package with its dev extras

lint: $(STAMP) ## Run ruff
	$(BIN)/ruff check framing tests bench notebooks

# cffconvert pins an old jsonschema that clashes with Jupyter's, so it gets its own venv.
$(CFF_STAMP):
	$(PYTHON) -m venv $(CFF_VENV)
	$(CFF_VENV)/bin/pip install --quiet cffconvert
	touch $@

.zenodo.json: CITATION.cff | $(CFF_STAMP)
	$(CFF_VENV)/bin/cffconvert -i CITATION.cff -f zenodo -o $@

citation: $(CFF_STAMP) ## Validate CITATION.cff and check .zenodo.json was generated from it
	$(CFF_VENV)/bin/cffconvert --validate -i CITATION.cff
	@$(CFF_VENV)/bin/cffconvert -i CITATION.cff -f zenodo | diff -q - .zenodo.json > /dev/null \
		|| { echo ".zenodo.json is stale: run 'make .zenodo.json'"; exit 1; }

test: $(STAMP) lint citation ## Set up everything, then run ruff, the citation check and the tests
	$(BIN)/python -m pytest

bench: $(STAMP) ## Run the benchmarks (ratios against peers, same process)
	$(BIN)/python bench/lexicon_bench.py
	$(BIN)/python bench/scale_bench.py
	$(BIN)/python bench/semeval2023.py

# -- results: every table and figure, from the bundled corpus --------------------------------
results/notebooks/%.ipynb: notebooks/%.py $(CORPUS) $(PACKAGE) $(STAMP)
	$(FRAMING) report execute $< $@

results/numbers.json: $(EXECUTED)
	$(FRAMING) report numbers

results/report.html: $(EXECUTED)
	$(FRAMING) report html $@ $(EXECUTED)

results/MANIFEST.sha256: $(EXECUTED)
	$(FRAMING) report manifest

paper/paper.md: paper/paper.template.md results/numbers.json
	$(FRAMING) report fill $< $@

corpus/softpower-aid/DATASHEET.md: corpus/softpower-aid/DATASHEET.template.md results/numbers.json
	$(FRAMING) report fill $< $@

paper/figures/%.png: results/notebooks/02_reliability.ipynb results/notebooks/05_frames_in_coverage.ipynb
	mkdir -p paper/figures
	cp results/figures/$*.png $@

results: $(STAMP) results/report.html results/MANIFEST.sha256 paper/paper.md $(PAPER_FIGURES) corpus/softpower-aid/DATASHEET.md ## Reproduce every table and figure into results/ (and the paper's numbers)
	@echo "make results: done"
	@$(FRAMING) report summary

paper: paper/paper.md $(PAPER_FIGURES) ## Build paper/paper.pdf with pandoc, when pandoc is installed
	@command -v pandoc > /dev/null || { echo "make paper: pandoc is not installed (apt-get install pandoc texlive-xetex, or use the Open Journals 'inara' image); paper/paper.md is ready"; exit 1; }
	cd paper && pandoc paper.md --citeproc --pdf-engine=xelatex -o paper.pdf
	@echo "make paper: paper/paper.pdf"

clean: ## Remove caches and build artefacts (keeps .venv and results/)
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
