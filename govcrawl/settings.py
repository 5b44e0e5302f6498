"""Scrapy settings for govcrawl. Every setting specific to govcrawl is documented in README.md."""

from govcrawl import __version__

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
PLAYWRIGHT_ABORT_REQUEST = "govcrawl.downloaders.is_decoration"

ITEM_PIPELINES = {
    "govcrawl.pipelines.raw.RawStorePipeline": 100,
    "govcrawl.pipelines.attachments.AttachmentsPipeline": 200,
    "govcrawl.pipelines.extract.ExtractPipeline": 300,
}
# Raw bytes of every fetched report page and attachment, stored by sha256 so a later run can
# re-extract without recrawling. Empty = keep nothing (attachments are still fetched and read).
RAW_STORE_DIR = "output/raw"
# Attachments larger than this are not downloaded (an error entry on the record instead).
ATTACHMENT_MAXSIZE = 50 * 1024 * 1024

FEED_EXPORTERS = {
    "reports": "govcrawl.exporters.ReportLinesExporter",
    "cells": "govcrawl.exporters.CellLinesExporter",
    "errors": "govcrawl.exporters.ErrorLinesExporter",
    # `-O reports.jsonl` / `-o x.jsonlines` write schema records, not Scrapy's item dump.
    "jsonl": "govcrawl.exporters.ReportLinesExporter",
    "jsonlines": "govcrawl.exporters.ReportLinesExporter",
}
FEEDS = {
    "output/reports.jsonl": {"format": "reports", "overwrite": True},
    "output/cells.jsonl": {"format": "cells", "overwrite": True},
    "output/errors.jsonl": {"format": "errors", "overwrite": True},
}
FEED_EXPORT_ENCODING = "utf-8"

LOG_LEVEL = "INFO"
LOGSTATS_INTERVAL = 30.0

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
