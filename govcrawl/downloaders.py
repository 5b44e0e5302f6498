"""Routing every request to the offline replica while the crawl keeps the real URLs.

With REPLICA_URL set, a request for https://www.tj.gov.cn/zwgk/… is sent to the replica as
GET /zwgk/… with `Host: www.tj.gov.cn`, and the response comes back under the real URL. The
scheduler, the duplicate filter, robots.txt, the offsite filter, link extraction and the
records all see the real portal; only the socket goes to 127.0.0.1. Without REPLICA_URL this
is Scrapy's own HTTP/1.1 handler.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Response


def replica_request_url(url: str, replica_url: str) -> tuple[str, str]:
    """The replica URL for a real URL, and the Host header that selects the real site."""
    real = urlsplit(url)
    replica = urlsplit(replica_url)
    routed = urlunsplit((replica.scheme, replica.netloc, real.path or "/", real.query, ""))
    return routed, real.hostname or ""


class ReplicaRoutingDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        self._replica_url = crawler.settings.get("REPLICA_URL", "").rstrip("/")

    async def download_request(self, request: Request) -> Response:
        if not self._replica_url:
            return await super().download_request(request)
        routed_url, host = replica_request_url(request.url, self._replica_url)
        routed = request.replace(url=routed_url)
        routed.headers["Host"] = host
        # The replica builds redirects for the scheme the crawler asked for.
        routed.headers["X-Forwarded-Proto"] = urlsplit(request.url).scheme
        response = await super().download_request(routed)
        return response.replace(url=request.url, request=request)
