"""Scrapy settings for govcrawl. Every setting specific to govcrawl is documented in README.md."""

from govcrawl import __version__

BOT_NAME = "govcrawl"
SPIDER_MODULES = ["govcrawl.spiders"]
NEWSPIDER_MODULE = "govcrawl.spiders"

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
    "http": "govcrawl.downloaders.ReplicaRoutingDownloadHandler",
    "https": "govcrawl.downloaders.ReplicaRoutingDownloadHandler",
}

ITEM_PIPELINES = {
    "govcrawl.pipelines.raw.RawStorePipeline": 100,
    "govcrawl.pipelines.extract.ExtractPipeline": 300,
}
# Raw bytes of every fetched report, stored by sha256 so a later run can re-extract without
# recrawling. Empty = do not keep them.
RAW_STORE_DIR = "output/raw"

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
