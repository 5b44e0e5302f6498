"""The corpus's side of a crawl: Scrapy extensions, each switched on by its setting and placed
after govcrawl.runs.RunFiles in EXTENSIONS (they use the run directory it makes).

`FetchLog` (CORPUS_FETCH_LOG = True) writes every response of the run to the run's
`fetches.jsonl`: `url, method, status, sha256 (of the body), etag, last_modified, at` — what a
later crawl needs to revalidate a page (If-None-Match / If-Modified-Since) and what the
catalogue keeps as the run's fetches; list pages, report pages, attachments and robots.txt
alike. Requests that got no response at all (a refused connection) are in errors.jsonl. It is
written as fetches.jsonl.part and renamed when the spider closes, before RunFiles writes
stats.json, like the other feeds; a run resumed with JOBDIR goes on with its log. A 304 that
govcrawl.corpus.revalidate.ConditionalRequests answered from the corpus is logged as the 304 it
was, with the sha256 of the bytes it confirmed.

`UnlistedReports` (CORPUS_REVISIT = True) asks, once the spider's lists are read (the first
time the spider goes idle), for every report page the corpus saw in runs of this spider, for its
portals, that this run has not requested: a report no longer listed is either still there (read
as any report page: revalidated, its record kept) or answers 404/410, which the fetch log keeps
and the catalogue turns into `gone_since` — stat `govcrawl/corpus/gone`, one log line, and no
error entry (a withdrawn report is news about the portal, not a failure of the crawl; the health
check on reports per portal still counts it as a drop). Other failures are error entries as
usual. URLs whose latest answer was already 404/410 are not asked again. Not in a run shared
through Redis (its requests must be the spider's own to travel).

`CorpusIngest` (CORPUS_INGEST = True) adds the run to the corpus once RunFiles has written its
stats.json (its engine_stopped handler runs after RunFiles's). A corpus that cannot be written
is one error in the log: the run's files are complete anyway, and the next
`govcrawl corpus ingest` takes the run.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.spidermiddlewares.httperror import HttpError

from govcrawl.corpus.catalogue import CATALOGUE_FILE, SQLiteCatalogue
from govcrawl.corpus.identity import GONE_STATUSES
from govcrawl.corpus.ingest import FETCHES_FILE, ingest_run
from govcrawl.corpus.revalidate import NOT_MODIFIED
from govcrawl.items import utc_now
from govcrawl.runs import output_dir

logger = logging.getLogger(__name__)


class _SwitchedExtension:
    setting = ""  # the boolean setting that switches the extension on
    handlers: dict[str, object] = {}  # method name → the signal it handles

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool(cls.setting):
            raise NotConfigured(f"{cls.setting} is off")
        extension = cls(crawler)
        for method, signal in cls.handlers.items():
            crawler.signals.connect(getattr(extension, method), signal=signal)
        return extension

    def run_dir(self) -> Path | None:
        run_dir = self.crawler.stats.get_value("govcrawl/run_dir")
        return Path(run_dir) if run_dir else None


class FetchLog(_SwitchedExtension):
    setting = "CORPUS_FETCH_LOG"
    handlers = {"spider_opened": signals.spider_opened, "response_received": signals.response_received,
                "spider_closed": signals.spider_closed}

    def spider_opened(self, spider):
        # This process's directory: the run's, or its worker's in a run shared through Redis.
        feed_dir = self.crawler.stats.get_value("govcrawl/feed_dir")
        run_dir = Path(feed_dir) if feed_dir else None
        if run_dir is None:
            raise NotConfigured("no run directory: govcrawl.runs.RunFiles must come before FetchLog in EXTENSIONS")
        self.path = run_dir / FETCHES_FILE
        part = self.path.with_name(FETCHES_FILE + ".part")
        # A resumed run (JOBDIR) goes on with its log; a kill may have cut its last line.
        if part.exists():
            kept = part.read_bytes()
            part.write_bytes(kept[: kept.rfind(b"\n") + 1])
        self.file = part.open("a", encoding="utf-8")

    def response_received(self, response, request, spider):
        line = {
            "url": response.url,
            "method": request.method,
            "status": 304 if NOT_MODIFIED in response.flags else response.status,
            "sha256": hashlib.sha256(response.body).hexdigest(),
            "etag": _header(response, b"ETag"),
            "last_modified": _header(response, b"Last-Modified"),
            "at": utc_now(),
        }
        self.file.write(json.dumps(line, ensure_ascii=False) + "\n")

    def spider_closed(self, spider, reason):
        self.file.close()
        if self.crawler.settings.get("JOBDIR") and reason != "finished":
            return  # to be resumed: the log keeps its .part name, like the run's feeds
        self.path.with_name(FETCHES_FILE + ".part").replace(self.path)


def _header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value is not None else None


class CorpusIngest(_SwitchedExtension):
    setting = "CORPUS_INGEST"
    handlers = {"engine_stopped": signals.engine_stopped}

    def engine_stopped(self):
        run_dir = self.run_dir()
        if run_dir is None:
            logger.error("govcrawl corpus: the run wrote no run directory (is govcrawl.runs.RunFiles enabled?)")
            return
        if not (run_dir / "stats.json").exists():
            return  # a worker of a shared run that another worker completes (and ingests), or an interrupted run
        output = output_dir(self.crawler.settings)
        try:
            result = ingest_run(output, run_dir)
        except Exception as error:  # noqa: BLE001 — the crawl's own files are written; never fail it here
            logger.error("govcrawl corpus: run %s not ingested: %s: %s", run_dir, type(error).__name__, error)
            return
        logger.info("govcrawl corpus: run %s ingested into %s", ", ".join(result.ingested) or "(already there)", output)


class UnlistedReports(_SwitchedExtension):
    setting = "CORPUS_REVISIT"
    handlers = {"request_scheduled": signals.request_scheduled, "spider_idle": signals.spider_idle}

    @classmethod
    def from_crawler(cls, crawler):
        if crawler.settings.get("REDIS_URL"):
            raise NotConfigured("a run shared through Redis does not revisit unlisted reports")
        return super().from_crawler(crawler)

    def __init__(self, crawler):
        super().__init__(crawler)
        self.requested: set[str] = set()
        self.revisited = False

    def request_scheduled(self, request, spider):
        self.requested.add(request.url)

    def spider_idle(self, spider):
        if self.revisited:
            return
        self.revisited = True
        path = output_dir(self.crawler.settings) / CATALOGUE_FILE
        if not path.is_file():
            return
        with SQLiteCatalogue(path) as catalogue:
            known = catalogue.report_urls_seen(spider.name, spider.portals, GONE_STATUSES)
        unlisted = {url: portal for url, portal in known.items()
                    if url not in self.requested and url not in spider.done_urls}
        if not unlisted:
            return
        logger.info("govcrawl corpus: %d report page(s) the corpus knows are no longer listed; asking for them", len(unlisted))
        self.crawler.stats.set_value("govcrawl/corpus/unlisted", len(unlisted))
        for url, portal in sorted(unlisted.items()):
            self.crawler.engine.crawl(scrapy.Request(
                url, callback=spider.parse_report, errback=self.gone_or_error,
                cb_kwargs={"portal": portal, "unit": None, "listing": {}}))
        raise DontCloseSpider

    def gone_or_error(self, failure):
        if failure.check(HttpError) and failure.value.response.status in GONE_STATUSES:
            self.crawler.stats.inc_value("govcrawl/corpus/gone")
            logger.warning("govcrawl corpus: %s, no longer listed, answers HTTP %d (gone, unless the report moved)",
                           failure.request.url, failure.value.response.status)
            return None
        return self.crawler.spider.on_error(failure)
