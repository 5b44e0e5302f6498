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

import asyncio
import re
from functools import partial
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Response
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from scrapy_playwright.page import PageMethod


def replica_request_url(url: str, replica_url: str) -> tuple[str, str]:
    """The replica URL for a real URL, and the Host header that selects the real site."""
    real = urlsplit(url)
    replica = urlsplit(replica_url)
    routed = urlunsplit((replica.scheme, replica.netloc, real.path or "/", real.query, ""))
    return routed, real.hostname or ""


def browser_pages(response) -> list[str]:
    """The HTML of each page of a list read in the browser page by page (browser_meta(every_page))."""
    methods = response.meta.get("playwright_page_methods", []) if response.request is not None else []
    return next((m.result for m in methods if m.method is read_every_page and m.result), [])


def is_decoration(request) -> bool:
    """Browser requests not needed to read a list (PLAYWRIGHT_ABORT_REQUEST)."""
    return request.resource_type in ("image", "media", "font", "stylesheet")


# The pager control that shows a list's next page (下一页, 下页, 后页).
NEXT_PAGE_TEXT = re.compile(r"^\s*(下一页|下页|后页)\s*$")
MAX_BROWSER_PAGES = 200
PAGE_CHANGE_TIMEOUT = 10_000  # ms a click on 下一页 may take to show the next page


async def read_every_page(page) -> list[str]:
    """The list's HTML on each of its pages, as the page's own pager shows them: click 下一页
    until there is none, it is dead (no link or button, or disabled), or it no longer changes
    the page."""
    contents = [await page.content()]
    for _ in range(MAX_BROWSER_PAGES - 1):
        following = page.get_by_text(NEXT_PAGE_TEXT).first
        if not await following.count() or not await following.is_visible():
            break
        live = await following.evaluate(
            "e => !!e.closest('a, button') && !e.closest('[disabled], .disabled') && !e.hasAttribute('disabled')")
        if not live:
            break
        shown = await page.evaluate("document.body.innerHTML")
        await following.click()
        try:
            await page.wait_for_function("shown => document.body.innerHTML !== shown", arg=shown, timeout=PAGE_CHANGE_TIMEOUT)
        except PlaywrightTimeoutError:
            break
        await page.wait_for_load_state("networkidle")
        contents.append(await page.content())
    return contents


def browser_meta(settings, every_page: bool = False) -> dict:
    """Request meta that has a page read in Chromium (scrapy-playwright); with `every_page`, all
    pages of its list, through its pager (read_every_page). The browser context is made on first
    use (no browser for crawls that need none) and names the project like the crawler does."""
    # The page's script fills the list after `load`, from its own data request: read the page
    # once the network has gone quiet, not at `load`.
    methods = [PageMethod("wait_for_load_state", "networkidle")] + ([PageMethod(read_every_page)] if every_page else [])
    meta = {
        "playwright": True,
        "playwright_context_kwargs": {"user_agent": settings.get("USER_AGENT")},
        "playwright_page_methods": methods,
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
