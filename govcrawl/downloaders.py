"""Downloading: Scrapy's HTTP/1.1 for almost everything, Chromium (scrapy-playwright) for the few
list pages that only a browser can read (govcrawl/browser.py says which and how), and routing of
both to the offline replica.

With REPLICA_URL set, a request for https://www.tj.gov.cn/zwgk/… is sent to the replica as
GET /zwgk/… with `Host: www.tj.gov.cn`, and the response comes back under the real URL. The
scheduler, the duplicate filter, robots.txt, the offsite filter, link extraction and the records
all see the real portal; only the socket goes to 127.0.0.1. In the browser, every request the
page makes (the page itself and its scripts' data requests) is answered the same way.
Without REPLICA_URL both go to the real internet.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from govcrawl.browser import replica_request_url


class GovcrawlDownloadHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        self._replica_url = crawler.settings.get("REPLICA_URL", "").rstrip("/")
        self._driver_lock = asyncio.Lock()

    async def _maybe_launch_in_thread(self) -> None:
        """Not when the engine starts: scrapy-playwright would start a Playwright driver (a node
        process, about 0.3 CPU-s and 120 MB) for each of the http and https handlers of every
        crawl, and most crawls never need a browser. The driver starts with the first page that does."""

    async def download_request(self, request: Request) -> Response:
        if request.meta.get("playwright"):
            async with self._driver_lock:
                if getattr(self, "browser_provider", None) is None:
                    await self._maybe_future_from_coro(self._launch())
            return await super().download_request(request)
        if not self._replica_url:
            return await HTTP11DownloadHandler.download_request(self, request)
        routed_url, host = replica_request_url(request.url, self._replica_url)
        routed = request.replace(url=routed_url)
        routed.headers["Host"] = host
        # The replica builds redirects for the scheme the crawler asked for.
        routed.headers["X-Forwarded-Proto"] = urlsplit(request.url).scheme
        response = await HTTP11DownloadHandler.download_request(self, routed)
        return response.replace(url=request.url, request=request)
