"""Download the attachments a report page links to, whatever the raw store setting.

Scrapy's FilesPipeline fetches them through the normal downloader (robots.txt, politeness,
retries, the replica routing — never the browser) and stores each as `{sha[:2]}/{sha}`: in the
raw store (RAW_STORE_DIR) when there is one, so identical files are kept once beside the raw
pages and a later run can re-extract from the store; otherwise in a private temporary directory
that is removed when the crawl ends. Either way the bytes go on to the extraction on the item's
`files`, one entry per `file_urls` URL: `url`, `body`, `path` (in the raw store, None when
nothing is kept) — or `url` and `error` for a file that could not be fetched (404, over
ATTACHMENT_MAXSIZE, empty); the page goes on.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from pathlib import Path

from scrapy import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines.files import FilesPipeline

from govcrawl.pipelines import report_page
from govcrawl.runs import raw_store_dir

logger = logging.getLogger(__name__)


class AttachmentsPipeline(FilesPipeline):
    def __init__(self, raw_store_dir: str, *, crawler):
        # FilesPipeline needs a store; without the raw store the files only live for the crawl.
        self.temporary = None if raw_store_dir else tempfile.TemporaryDirectory(prefix="govcrawl-attachments-")
        self.kept = bool(raw_store_dir)
        self.store_dir = Path(raw_store_dir or self.temporary.name)
        # Made here: FilesPipeline's store looks before it creates, and of two crawls into one
        # OUTPUT_DIR that start at once the second then fails on the directory the first made.
        self.store_dir.mkdir(parents=True, exist_ok=True)
        super().__init__(str(self.store_dir), crawler=crawler)

    @classmethod
    def from_crawler(cls, crawler):
        # One store for every fetched byte: the attachments go where the raw pages go.
        return cls(str(raw_store_dir(crawler.settings) or ""), crawler=crawler)

    def close_spider(self):
        if self.temporary is not None:
            self.temporary.cleanup()

    def get_media_requests(self, item, info):
        page = report_page(item)
        if page is None:
            return []
        maxsize = self.crawler.settings.getint("ATTACHMENT_MAXSIZE")
        return [Request(url, callback=NO_CALLBACK, meta={"download_maxsize": maxsize}) for url in page.get("file_urls", [])]

    def file_path(self, request, response=None, info=None, *, item=None):
        if response is None:
            # Asked before downloading, to see whether the file is stored already: the content
            # decides the path, so a path that is never stored makes it download.
            return "by-url/" + hashlib.sha1(request.url.encode()).hexdigest()
        digest = hashlib.sha256(response.body).hexdigest()
        return f"{digest[:2]}/{digest}"

    def item_completed(self, results, item, info):
        page = report_page(item)
        if page is None:
            return item
        files = []
        for url, (ok, value) in zip(page.get("file_urls", []), results):
            if ok:
                # Read back from the store: the download's own result is cached for the whole
                # crawl (a page linking the same file again gets only the path).
                try:
                    body = (self.store_dir / value["path"]).read_bytes()
                except OSError as unreadable:
                    error = f"stored but not readable: {unreadable}"
                else:
                    files.append({"url": url, "body": body, "path": value["path"] if self.kept else None})
                    continue
            else:
                error = str(value.value) or f"download failed ({value.type.__name__}; see the log)"
            self.crawler.stats.inc_value("govcrawl/errors/attachment")
            logger.error("govcrawl error [attachment] %s (on %s): %s", url, page.get("url"), error)
            files.append({"url": url, "error": error})
        page["files"] = files
        return item
