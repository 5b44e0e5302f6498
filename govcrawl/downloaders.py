"""Downloading: Scrapy's HTTP/1.1 for almost everything, Chromium for the few list pages that
only a browser can read, and routing of both to the offline replica.

With REPLICA_URL set, a request for https://www.tj.gov.cn/zwgk/… is sent to the replica as
GET /zwgk/… with `Host: www.tj.gov.cn`, and the response comes back under the real URL. The
scheduler, the duplicate filter, robots.txt, the offsite filter, link extraction and the records
all see the real portal; only the socket goes to 127.0.0.1. In the browser, every request the
page makes (the page itself and its scripts' data requests) is answered the same way.
Without REPLICA_URL both go to the real internet.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from scrapy_playwright.page import PageMethod


def replica_request_url(url: str, replica_url: str) -> tuple[str, str]:
    """The replica URL for a real URL, and the Host header that selects the real site."""
    real = urlsplit(url)
    replica = urlsplit(replica_url)
    routed = urlunsplit((replica.scheme, replica.netloc, real.path or "/", real.query, ""))
    return routed, real.hostname or ""


def is_decoration(request) -> bool:
    """Browser requests not needed to read a list (PLAYWRIGHT_ABORT_REQUEST)."""
    return request.resource_type in ("image", "media", "font", "stylesheet")


def browser_meta(settings) -> dict:
    """Request meta that has a page read in Chromium (scrapy-playwright). The browser context is
    made on first use (no browser for crawls that need none) and names the project like the
    crawler does."""
    meta = {
        "playwright": True,
        "playwright_context_kwargs": {"user_agent": settings.get("USER_AGENT")},
        # The page's script fills the list after `load`, from its own data request: read the
        # page once the network has gone quiet, not at `load`.
        "playwright_page_methods": [PageMethod("wait_for_load_state", "networkidle")],
    }
    replica_url = settings.get("REPLICA_URL", "").rstrip("/")
    if replica_url:
        meta["playwright_page_init_callback"] = partial(route_page_to_replica, replica_url=replica_url)
    return meta


async def route_page_to_replica(page, request, *, replica_url: str) -> None:
    """Answer every request of a browser page from the replica (set before the page loads)."""

    async def answer(route):
        asked = route.request
        routed, host = replica_request_url(asked.url, replica_url)
        headers = {k: v for k, v in asked.headers.items() if k.lower() != "host"}
        headers |= {"host": host, "x-forwarded-proto": urlsplit(asked.url).scheme}
        response = await page.context.request.fetch(
            routed, method=asked.method, headers=headers, data=asked.post_data_buffer, max_redirects=0
        )
        await route.fulfill(response=response)

    await page.route("**/*", answer)


class GovcrawlDownloadHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        self._replica_url = crawler.settings.get("REPLICA_URL", "").rstrip("/")

    async def download_request(self, request: Request) -> Response:
        if request.meta.get("playwright"):
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
