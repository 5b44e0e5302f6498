# Two commands for a fresh Debian machine with Python 3.11: `make demo` and `make test`.
# Every target installs what it needs first; nothing has to be set up by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUTPUT ?= output

.PHONY: install demo test bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@touch $@

install: $(STAMP)

## Start the offline replica, crawl it with every spider, write $(OUTPUT)/reports.jsonl and
## $(OUTPUT)/cells.jsonl, print a summary.
demo: $(STAMP)
	$(BIN)/govcrawl demo --output $(OUTPUT)

## The test suite: unit tests, the gold files in ../shared, end-to-end crawls of the replica.
test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/extract.py

clean:
	rm -rf $(VENV) $(OUTPUT) .pytest_cache
