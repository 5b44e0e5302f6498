"""The few list pages only a browser can read: the request meta that has Chromium read one (all
its pages through its pager, if need be), what the browser read, and the routing of a browser
page's own requests to the offline replica. The download handler (govcrawl/downloaders.py) does
the downloading; this module is what spiders and `govcrawl doctor` need of it, without importing
the handlers, Playwright's client or Scrapy's HTTP stack (a `scrapy list` spent half its time there).
"""

from __future__ import annotations

import re
from functools import partial
from urllib.parse import urlsplit, urlunsplit

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
    from playwright.async_api import TimeoutError as PlaywrightTimeoutError  # only where a browser runs

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
