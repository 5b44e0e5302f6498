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

from govcrawl.browser import replica_request_url


class GovcrawlDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        self._replica_url = crawler.settings.get("REPLICA_URL", "").rstrip("/")
        self._browser = None  # scrapy-playwright's handler, made for the first page that needs a browser
        self._browser_lock = asyncio.Lock()

    async def _browser_handler(self):
        """scrapy-playwright's handler with its Playwright driver started, made on first use: most
        crawls never need a browser, and neither importing Playwright's client (0.13–0.17 CPU-s of
        the crawl's thread before its first request) nor the driver (a node process, about 0.3 CPU-s and 120 MB, which
        scrapy-playwright would start for each of the http and https handlers when the engine
        starts) is then paid."""
        async with self._browser_lock:
            if self._browser is None:
                from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

                # Made after the engine started, so the launch it ties to engine_started never runs: it is done here.
                browser = ScrapyPlaywrightDownloadHandler.from_crawler(self._crawler)
                await browser._maybe_future_from_coro(browser._launch())
                self._browser = browser
        return self._browser

    async def download_request(self, request: Request) -> Response:
        if request.meta.get("playwright"):
            return await (await self._browser_handler()).download_request(request)
        if not self._replica_url:
            return await super().download_request(request)
        routed_url, host = replica_request_url(request.url, self._replica_url)
        routed = request.replace(url=routed_url)
        routed.headers["Host"] = host
        # The replica builds redirects for the scheme the crawler asked for.
        routed.headers["X-Forwarded-Proto"] = urlsplit(request.url).scheme
        response = await super().download_request(routed)
        return response.replace(url=request.url, request=request)

    async def close(self) -> None:
        await super().close()
        if self._browser is not None:
            await self._browser.close()
