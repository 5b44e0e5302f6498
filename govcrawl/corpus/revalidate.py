"""Conditional recrawls: the downloader middleware `ConditionalRequests`.

A report page or attachment the corpus already holds is asked for with the validators of its
latest answer (If-None-Match with its ETag, If-Modified-Since with its Last-Modified, from the
catalogue's fetches), as a browser revalidates its cache. A 304 ("not modified") becomes the
answer the corpus keeps: a 200 with the stored bytes from the raw store, flagged `not_modified`,
so everything after the downloader treats it as the page it is — the spider reads it, the
spider middleware UnchangedReports turns it into the corpus's record of those bytes (no
extraction), the attachments pipeline stores and reads the same file — and nothing takes the 304
for an error (HttpErrorMiddleware, RedirectGuard, the error share, the one-record pipeline).
The fetch log records it as 304 (stat `govcrawl/corpus/not_modified`).

List pages are never revalidated: they are how the crawl learns what changed, and the corpus
does not keep them. Neither is a URL whose bytes are not in the raw store (nothing to answer a
304 with). Switched on by CORPUS_REVALIDATE = True; False downloads every page again (a full
refetch; CORPUS_INCREMENTAL = False as well reads every page again too).
"""

from __future__ import annotations

import logging

from scrapy.exceptions import NotConfigured
from scrapy.responsetypes import responsetypes

from govcrawl.corpus.catalogue import CATALOGUE_FILE, SQLiteCatalogue
from govcrawl.runs import output_dir, raw_store_dir

logger = logging.getLogger(__name__)

NOT_MODIFIED = "not_modified"  # the flag of a response made from the corpus's bytes after a 304
REVALIDATED = "govcrawl_revalidated"  # request meta: (URL, sha256 of the bytes) the validators are for
CONDITIONAL_HEADERS = (b"If-None-Match", b"If-Modified-Since")


class ConditionalRequests:
    def __init__(self, crawler, catalogue: SQLiteCatalogue, raw_dir):
        self.crawler = crawler
        self.catalogue = catalogue
        self.raw_dir = raw_dir

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("CORPUS_REVALIDATE"):
            raise NotConfigured("CORPUS_REVALIDATE is off")
        raw_dir = raw_store_dir(crawler.settings)
        if raw_dir is None:
            raise NotConfigured("no raw store (RAW_STORE_DIR is empty): a 304 would leave nothing to read")
        path = output_dir(crawler.settings) / CATALOGUE_FILE
        if not path.is_file():
            logger.info("govcrawl corpus: no %s yet, every page is downloaded", path)
            # A first crawl is no cause for a warning: Scrapy logs "Disabled" only for a NotConfigured with a reason.
            raise NotConfigured
        return cls(crawler, SQLiteCatalogue(path), raw_dir)

    def stored(self, sha256: str):
        return self.raw_dir / sha256[:2] / sha256

    def process_request(self, request):
        if REVALIDATED in request.meta:
            validated_url, _sha256 = request.meta[REVALIDATED]
            if validated_url == request.url:
                return None
            # A redirect carries the request's headers on: another URL's validators say nothing here.
            del request.meta[REVALIDATED]
            for header in CONDITIONAL_HEADERS:
                request.headers.pop(header, None)
        if request.method != "GET":
            return None
        known = self.catalogue.validators(request.url)
        if known is None or not self.stored(known["sha256"]).is_file():
            return None
        request.meta[REVALIDATED] = (request.url, known["sha256"])
        if known["etag"]:
            request.headers[b"If-None-Match"] = known["etag"]
        if known["last_modified"]:
            request.headers[b"If-Modified-Since"] = known["last_modified"]
        return None

    def process_response(self, request, response):
        if response.status != 304 or REVALIDATED not in request.meta:
            return response
        _url, sha256 = request.meta[REVALIDATED]
        body = self.stored(sha256).read_bytes()
        self.crawler.stats.inc_value("govcrawl/corpus/not_modified")
        kind = responsetypes.from_args(headers=response.headers, url=response.url, body=body)
        return kind(url=response.url, status=200, headers=response.headers, body=body, request=request,
                    flags=[*response.flags, NOT_MODIFIED], protocol=response.protocol)
