"""Faults that tests inject into real crawls (an item pipeline loaded by `-s ITEM_PIPELINES=…`)."""

from __future__ import annotations

from govcrawl.items import Report


class BreakOneRecord:
    """Makes the first record violate the schema: its year as text, as a careless change might."""

    broken = False

    def process_item(self, item):
        if isinstance(item, Report) and not self.broken:
            self.broken = True
            item.record["year"] = str(item.record["year"])
        return item


# -- faulty web servers: replica endpoints that answer as broken portals do -----------------

import gzip  # noqa: E402
import time  # noqa: E402


def redirect_loop(request):
    return 302, "text/html", b"", {"Location": request.path}


def redirect_off_the_portal(request):
    return 302, "text/html", b"", {"Location": "http://www.elsewhere.example/report.html"}


def gzip_bomb(size: int):
    """A small body that inflates to `size` bytes of zeros."""
    body = gzip.compress(b"\0" * size, compresslevel=9)
    return lambda request: (200, "text/html", body, {"Content-Encoding": "gzip"})


def huge_body(size: int):
    return lambda request: (200, "text/html", b"<html>" + b" " * size)


def huge_body_without_length(size: int):
    """Headers with no Content-Length, then `size` bytes and the connection closed (HTTP/1.0)."""

    def answer(request):
        request.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n")
        chunk = b" " * 65536
        try:
            for _ in range(size // len(chunk) + 1):
                request.wfile.write(chunk)
        except OSError:  # the crawler gave up on it, as it should
            pass
        request.close_connection = True

    return answer


def server_error(request):
    return 500, "text/html", b"<html><body>Internal Server Error</body></html>"


def hang(seconds: float):
    def answer(request):
        time.sleep(seconds)
        return 200, "text/html", b"<html>too late</html>"

    return answer
