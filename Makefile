# Two commands for a fresh Debian machine with Python 3.11: `make demo` and `make test`.
# Every target installs what it needs first; nothing has to be set up by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUTPUT ?= output

# Debian packages needed at run time: LibreOffice converts legacy Word (.doc/.wps); Chromium
# reads the few list pages that only a browser can (scrapy-playwright; `playwright install`
# cannot work here). A CJK font: the coverage report embeds the glyphs it uses from it. For the
# tests: curl (the README's crontab line for scrapyd, run as written) and redis-server (several
# workers sharing one run through Redis, tests/test_redis.py, bench/crawl.py).
# libgl1: OpenCV (the OCR's table structure) loads libGL.so.1.
# Installed when their command (a font for Chinese, libGL) is missing (as root, or through sudo).
SYSTEM_COMMANDS := soffice chromium curl redis-server
SYSTEM_PACKAGES := libreoffice-writer-nogui chromium curl redis-server fonts-wqy-microhei libgl1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install system-packages demo test bench clean

system-packages:
	@missing=""; for c in $(SYSTEM_COMMANDS); do command -v $$c >/dev/null || missing=yes; done; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing=yes; \
	ldconfig -p | grep -q 'libGL\.so\.1' || missing=yes; \
	if [ -n "$$missing" ]; then \
	  echo "installing $(SYSTEM_PACKAGES) (apt-get)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(SYSTEM_PACKAGES); \
	fi

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@touch $@

install: system-packages $(STAMP)

## Start the offline replica, crawl it with every spider, write $(OUTPUT)/reports.jsonl and
## $(OUTPUT)/cells.jsonl, print a summary.
demo: install
	$(BIN)/govcrawl demo --output $(OUTPUT)

## The test suite: unit tests, the gold files in ../shared, end-to-end crawls of the replica.
test: install
	$(BIN)/python -m pytest

## The engine next to trafilatura and pandas.read_html (files per second, per core); a crawl of a
## generated portal of 2,000 reports by one and two govcrawl processes and by bare Scrapy.
bench: install
	$(BIN)/python bench/extract.py --repeat 10 --rounds 5
	$(BIN)/python bench/crawl.py --reports 2000 --rounds 5 --extract-workers 1,2

clean:
	rm -rf $(VENV) $(OUTPUT) .pytest_cache
