"""Download the attachments a report page links to and keep them by their sha256.

Scrapy's FilesPipeline fetches them through the normal downloader (robots.txt, politeness,
retries, the replica routing — never the browser). Each file is stored as `{sha[:2]}/{sha}` in
the same content-addressed store as the raw pages, so identical files are kept once and a later
run can re-extract from the store. A file that cannot be fetched (404, over
ATTACHMENT_MAXSIZE, empty) is noted on the item with its error; the page goes on.
"""

from __future__ import annotations

import hashlib
import logging

from scrapy import Request
from scrapy.pipelines.files import FilesPipeline
from scrapy.http.request import NO_CALLBACK

from govcrawl.runs import raw_store_dir
from govcrawl.items import ReportPage

logger = logging.getLogger(__name__)


class AttachmentsPipeline(FilesPipeline):
    @classmethod
    def from_crawler(cls, crawler):
        # One store for every fetched byte: the attachments go where the raw pages go.
        return cls(str(raw_store_dir(crawler.settings) or ""), crawler=crawler)

    def get_media_requests(self, item, info):
        if not isinstance(item, ReportPage):
            return []
        maxsize = self.crawler.settings.getint("ATTACHMENT_MAXSIZE")
        return [Request(url, callback=NO_CALLBACK, meta={"download_maxsize": maxsize}) for url in item.file_urls]

    def file_path(self, request, response=None, info=None, *, item=None):
        if response is None:
            # Asked before downloading, to see whether the file is stored already: the content
            # decides the path, so a path that is never stored makes it download.
            return "by-url/" + hashlib.sha1(request.url.encode()).hexdigest()
        digest = hashlib.sha256(response.body).hexdigest()
        return f"{digest[:2]}/{digest}"

    def item_completed(self, results, item, info):
        if not isinstance(item, ReportPage):
            return item
        for url, (ok, value) in zip(item.file_urls, results):
            if ok:
                item.files.append({"url": url, "path": value["path"]})
                continue
            error = str(value.value) or f"download failed ({value.type.__name__}; see the log)"
            self.crawler.stats.inc_value("govcrawl/errors/attachment")
            logger.error("govcrawl error [attachment] %s (on %s): %s", url, item.url, error)
            item.files.append({"url": url, "error": error})
        return item
