"""Scrapy settings for govcrawl. Every setting specific to govcrawl is documented in README.md."""

from dataclasses import fields

from govcrawl import __version__
from govcrawl.cms.list_rules import MAX_LIST_PAGES
from govcrawl.extract.limits import Limits, setting_name
from govcrawl.workers import DEFAULT_CONVERSIONS, DEFAULT_MEMORY_MB
from govcrawl.items import CrawlError, Report
from govcrawl.schema import crawl_error_schema, report_item_schema

BOT_NAME = "govcrawl"
SPIDER_MODULES = ["govcrawl.spiders"]
NEWSPIDER_MODULE = "govcrawl.spiders"
# One spider per portal definition: the packaged ones (govcrawl/portals/*.toml), then those in
# PORTAL_DIRS (directories, or `package:folder` inside an installed package) and in the
# environment's GOVCRAWL_PORTAL_DIRS.
SPIDER_LOADER_CLASS = "govcrawl.spiders.loader.PortalSpiderLoader"
PORTAL_DIRS: list[str] = []

# Identify ourselves and behave: portals are public services, not load-test targets.
USER_AGENT = f"govcrawl/{__version__} (research crawler for government information-disclosure annual reports)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# A response yields one item at most (a report page's, or an error entry); the rest of its output
# are requests, scheduled at once. Scrapy starts CONCURRENT_ITEMS tasks for every response's output
# whatever it holds (Scrapy's default 100 took a quarter of the crawl thread's time): one is all a
# govcrawl spider can use.
CONCURRENT_ITEMS = 1
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.5
RETRY_TIMES = 2
DOWNLOAD_TIMEOUT = 60
# Government portals are slow and occasionally serve huge scans; refuse anything over 200 MB.
DOWNLOAD_MAXSIZE = 200 * 1024 * 1024

# REPLICA_URL (e.g. http://127.0.0.1:8765): send every request to the offline replica instead of
# the real portals. Records keep the real URLs. Empty = the real internet.
REPLICA_URL = ""
DOWNLOADER_MIDDLEWARES = {
    # A redirect loop or a redirect off the portal is an error entry, not a silent drop.
    "govcrawl.redirects.RedirectGuard": 650,
    # Report pages and attachments the corpus holds are revalidated (If-None-Match /
    # If-Modified-Since); a 304 becomes the stored bytes before any other middleware sees it.
    "govcrawl.corpus.revalidate.ConditionalRequests": 700,
}
DOWNLOAD_HANDLERS = {
    "http": "govcrawl.downloaders.GovcrawlDownloadHandler",
    "https": "govcrawl.downloaders.GovcrawlDownloadHandler",
}

# The browser, for list pages only a browser can read (a portal's `render_lists`, or detected):
# Debian's Chromium, started on the first such page only. Pages are closed after reading and at
# most PLAYWRIGHT_MAX_PAGES_PER_CONTEXT are open at once, so its memory stays bounded.
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": "/usr/bin/chromium",
    "headless": True,
    "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
}
PLAYWRIGHT_MAX_CONTEXTS = 1
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 2
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
# Images, fonts and media are never needed to read a list.
PLAYWRIGHT_ABORT_REQUEST = "govcrawl.browser.is_decoration"

# The raw store (RAW_STORE_DIR, below) is written by the extraction pipeline's workers, each page
# before they read it; govcrawl.pipelines.raw.RawStorePipeline writes it in the crawl's process, for
# a list without the extraction pipeline.
ITEM_PIPELINES = {
    "govcrawl.pipelines.attachments.AttachmentsPipeline": 200,
    "govcrawl.pipelines.extract.ExtractPipeline": 300,
    "govcrawl.pipelines.one_record.OneRecordPerReport": 400,
    # Every record against the shipped JSON Schema (crawl health, below): Spidermon's validation, compiled.
    "govcrawl.pipelines.validation.ItemValidation": 800,
}
# The one place a crawl writes (env GOVCRAWL_OUTPUT_DIR; default ./output): each run's own files
# under runs/<spider>/<run id>/, latest/<spider> → the latest good run, raw/ (govcrawl/runs.py).
OUTPUT_DIR = None
# Raw bytes of every fetched report page and attachment, stored by sha256 so a later run can
# re-extract without recrawling. Unset = OUTPUT_DIR/raw; empty = keep nothing (attachments are
# still fetched and read).
RAW_STORE_DIR = None
# What OCR read from each picture and scanned page, kept by the picture's pixels and the OCR code's
# version (govcrawl/extract/ocr_cache.py), so that a reparse, a recrawl or another crawl on this
# machine meeting the same picture does not read it again (a scanned page costs about 5 s of CPU).
# Unset = OUTPUT_DIR/ocr-cache; empty = keep nothing. `govcrawl reparse` uses OUTPUT_DIR/ocr-cache too.
OCR_CACHE_DIR = None
# Attachments larger than this are not downloaded (an error entry on the record instead).
ATTACHMENT_MAXSIZE = 50 * 1024 * 1024

# Every document (a page, or one attachment) is read in a worker process (govcrawl/workers.py):
# EXTRACT_WORKERS of them (None = one per core), each limited to EXTRACT_MAX_MEMORY_MB of address
# space and stopped past EXTRACT_SECONDS. The engine's limits on what a document may expand to
# are settings too, EXTRACT_<limit> with the engine's defaults (govcrawl/extract/limits.py):
# EXTRACT_SECONDS, EXTRACT_MAX_HTML_BYTES, EXTRACT_MAX_XML_BYTES, EXTRACT_MAX_XML_ELEMENTS,
# EXTRACT_MAX_TABLE_CELLS, EXTRACT_MAX_SHEET_CELLS, EXTRACT_MAX_MERGED_RANGES,
# EXTRACT_MAX_PDF_GRAPHICS_PER_PAGE, EXTRACT_MAX_PDF_CHARS_PER_PAGE. A refusal is an error entry
# naming the limit (README "Limits and failure behaviour").
EXTRACT_WORKERS = None
EXTRACT_MAX_MEMORY_MB = DEFAULT_MEMORY_MB
# LibreOffice conversions of legacy Word files (.doc, .wps, .rtf) running at once among the
# workers (govcrawl/extract/conversion_slots.py): each takes a core and about 200 MB. A document
# waits for a slot within its own EXTRACT_SECONDS.
LIBREOFFICE_CONVERSIONS = DEFAULT_CONVERSIONS
globals().update({setting_name(f.name): f.default for f in fields(Limits)})
# A list whose pager announces more pages than this is read up to it, with an error entry.
LIST_MAX_PAGES = MAX_LIST_PAGES

FEED_EXPORTERS = {
    "reports": "govcrawl.exporters.ReportLinesExporter",
    "cells": "govcrawl.exporters.CellLinesExporter",
    "errors": "govcrawl.exporters.ErrorLinesExporter",
    # `-O reports.jsonl` / `-o x.jsonlines` write schema records, not Scrapy's item dump.
    "jsonl": "govcrawl.exporters.ReportLinesExporter",
    "jsonlines": "govcrawl.exporters.ReportLinesExporter",
}
# A run's own files are written by the RunFiles extension whatever FEEDS say; FEEDS (`-O`, `-o`,
# scrapyd's items_dir) are extra copies for whoever asked for them.
FEEDS: dict = {}
FEED_EXPORT_ENCODING = "utf-8"

EXTENSIONS = {
    "spidermon.contrib.scrapy.extensions.Spidermon": 500,
    "govcrawl.runs.RunFiles": 510,
    "govcrawl.corpus.extensions.FetchLog": 520,
    "govcrawl.corpus.extensions.CorpusIngest": 530,
    "govcrawl.corpus.extensions.UnlistedReports": 540,
}
# The corpus (govcrawl/corpus/): every response of a run in its fetches.jsonl; the run added to
# OUTPUT_DIR/corpus.sqlite when it ends; a report page whose bytes the corpus already read at that
# URL reuses its record instead of being extracted again (off = extract every page); report pages
# and attachments it holds are asked for conditionally, a 304 costing no download (off = download
# every page again); report pages it saw that this run's lists no longer show are asked for once
# the lists are read, so a withdrawn report is found gone.
CORPUS_FETCH_LOG = True
CORPUS_INGEST = True
CORPUS_INCREMENTAL = True
CORPUS_REVALIDATE = True
CORPUS_REVISIT = True
SPIDER_MIDDLEWARES = {"govcrawl.corpus.incremental.UnchangedReports": 950}
# JOBDIR resumes a crawl by replaying it (govcrawl/resume.py): requests and their fingerprints
# stay in memory, so a killed crawl never leaves requests marked seen that were never answered.
SCHEDULER = "govcrawl.resume.RequestsInMemory"
DUPEFILTER_CLASS = "govcrawl.resume.SeenInMemory"
# REDIS_URL (redis://HOST:6379/0): several workers share one run through Redis; the addon turns
# scrapy-redis's scheduler and duplicate filter on, with one run per spider, its arguments and
# keys in Redis, and the requests of a dead worker back in the queue (govcrawl/distributed.py).
REDIS_URL = ""
ADDONS = {"govcrawl.distributed.RedisAddon": 0}
# A worker whose heartbeat Redis has not seen for this many seconds is dead: its requests go back
# to the queue. Longer than the longest pause of a worker (its beat runs in a thread of its own).
REDIS_WORKER_TIMEOUT = 60.0
# `scrapy crawl` exits non-zero when a run fails its health checks.
COMMANDS_MODULE = "govcrawl.commands"

# Crawl health (govcrawl/monitors.py), checked when every crawl closes.
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ("govcrawl.monitors.CrawlHealth",)
SPIDERMON_EXPECTED_FINISH_REASONS = ["finished"]
SPIDERMON_VALIDATION_SCHEMAS = {Report: [report_item_schema()], CrawlError: [crawl_error_schema()]}
SPIDERMON_MAX_ITEM_VALIDATION_ERRORS = 0
# A portal may lose this share of the reports its previous good run found before the run fails
# (reports are rarely withdrawn; a list rule that stopped matching loses them all).
GOVCRAWL_MAX_REPORT_DROP = 0.1
# Error entries (pages that could not be fetched or read) may be at most this share of
# reports + errors: real portals have dead links, a broken crawl has mostly errors.
GOVCRAWL_MAX_ERROR_SHARE = 0.25

LOG_LEVEL = "INFO"
LOGSTATS_INTERVAL = 30.0

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
