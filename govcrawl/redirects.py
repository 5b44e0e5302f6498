"""Redirects that lose a page say so (a downloader middleware, before Scrapy's RedirectMiddleware).

Scrapy drops a redirect loop through its duplicate filter and a redirect off the portal through
its offsite filter, both without calling the request's errback, so the page would vanish from
the crawl without a trace. Seen here first, each becomes an IgnoreRequest whose message the
spider's errback turns into an error entry.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.url import url_is_from_any_domain


class RedirectGuard:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        location = response.headers.get("Location")
        if not (300 <= response.status < 400 and location):
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            raise IgnoreRequest("redirect loop: " + " → ".join([*chain[chain.index(target):], target]))
        allowed = getattr(self.crawler.spider, "allowed_domains", None)
        if allowed and not url_is_from_any_domain(target, allowed):
            raise IgnoreRequest(f"redirected off the portal to {urlsplit(target).hostname} ({target})")
        return response
