"""An HTTP server for the offline replica: site trees chosen by the request's Host header.

The crawler sends every request to 127.0.0.1:PORT with the real portal's name in `Host`
(govcrawl/downloaders.py), so `SITES/{hostname}/{path}` answers as the real portal would:
directory index pages, 301 to the slash form of a directory, 404 pages, robots.txt, and
conditional requests: every file carries a strong ETag (from its sha256) and Last-Modified (its
modification time, which the builder sets to a date of the model, so a rebuilt tree gives the
same validators), and If-None-Match / If-Modified-Since get 304 as from nginx or Apache.
By hand, `/` with an unknown Host lists the sites and `/_site/{hostname}/{path}` serves one.

It serves its site trees and nothing else: a host or `/_site/` name must be one of the sites
present, every path is resolved and must stay inside its site (so `..`, its encoded forms and
symlinks out of the tree are refused), and it listens on loopback unless told otherwise.
"""

from __future__ import annotations

import hashlib
import html
import ipaddress
import json
import socket
import sys
import threading
from collections.abc import Callable
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from replica import dynamic
from replica.build import built
from replica.pages import NOT_FOUND_PAGE

# The project's own trees, built on first use (replica/build.py).
_BUILT = built()
DEFAULT_SITES = _BUILT.sites
DEFAULT_MANIFEST = _BUILT.manifest

INDEX_FILES = ("index.html", "index.shtml", "index.htm")
STOP_POLL_SECONDS = 0.05
CONTENT_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".shtml": "text/html",
    ".txt": "text/plain", ".css": "text/css", ".js": "application/javascript",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".pdf": "application/pdf", ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# Dynamic endpoints (list APIs, POST search forms) that some portals need: (hostname, path) →
# a function taking the request handler and returning (status, content_type, body[, headers]),
# or None when it answered on its own (see _answer). A site tree
# may also name its own in `_site.json` ({"dynamic": {path: handler name}}, handlers in
# dynamic.py, reading the tree's `_data/`). Static files answer every other request.
DynamicHandler = Callable[["ReplicaRequestHandler"], "tuple | None"]
DYNAMIC_HANDLERS: dict[tuple[str, str], DynamicHandler] = {}


def load_manifest(path: Path = DEFAULT_MANIFEST) -> dict:
    """What the replica contains, as its builder rendered it (see replica/build.py)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


class ReplicaRequestHandler(BaseHTTPRequestHandler):
    server: _ReplicaHTTPServer
    server_version = "TRS-WCM-Replica/1.0"
    body = b""  # a POST's body, read by its Content-Length

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length > 0 else b""
        handler = self._dynamic(self._host(), unquote(urlsplit(self.path).path))
        if handler is None:
            self._send(405, "text/html; charset=utf-8", b"", extra={"Allow": "GET, HEAD"})
        else:
            self._answer(handler)

    # -- routing --------------------------------------------------------------------------

    def _host(self) -> str:
        return (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()

    def _dynamic(self, host: str, path: str) -> DynamicHandler | None:
        """The dynamic endpoint registered for (host, path), or named by the site's _site.json."""
        if (host, path) in DYNAMIC_HANDLERS:
            return DYNAMIC_HANDLERS[(host, path)]
        if not self.server.is_site(host):
            return None
        root = self.server.sites_dir / host
        name = self.server.site_config(root).get("dynamic", {}).get(path)
        return (lambda request: dynamic.HANDLERS[name](request, root)) if name else None

    def _respond(self, send_body: bool) -> None:
        self._send_body = send_body
        host, path = self._host(), unquote(urlsplit(self.path).path)
        handler = self._dynamic(host, path)
        if handler is not None:
            self._answer(handler)
        elif self.server.is_site(host):
            self._serve_file(host, path, redirect_base=f"{self._scheme()}://{host}")
        elif path.startswith("/_site/"):
            site, _, rest = path[len("/_site/"):].partition("/")
            self._serve_file(site, "/" + rest, redirect_base=f"/_site/{site}")
        elif path == "/":
            self._send(200, "text/html; charset=utf-8", self._site_listing())
        else:
            self._not_found()

    def _scheme(self) -> str:
        # The crawler asks for https://…; its redirects must come back in the same scheme.
        return self.headers.get("X-Forwarded-Proto", "http")

    def _serve_file(self, site: str, path: str, redirect_base: str) -> None:
        if not self.server.is_site(site):
            return self._not_found()
        root = self.server.sites_dir / site
        parts = [p for p in path.split("/") if p]
        # `..` and hidden or private names (`_site.json`, `_data/`), backslashes and NULs never
        # name a page; what is left must still resolve inside the site (no symlink out of it).
        if any(p.startswith(("_", ".")) or "\\" in p or "\0" in p for p in parts):
            return self._not_found()
        target = root.joinpath(*parts)
        if not target.resolve().is_relative_to(root):
            return self._not_found()
        if target.is_dir():
            if not path.endswith("/"):
                query = urlsplit(self.path).query
                location = f"{redirect_base}{path}/" + (f"?{query}" if query else "")
                return self._send(301, "text/html; charset=utf-8", b"", extra={"Location": location})
            target = next((target / name for name in INDEX_FILES if (target / name).is_file()), target)
        if not target.is_file():
            return self._not_found()
        content_type = CONTENT_TYPES.get(target.suffix.lower(), "application/octet-stream")
        charset = self.server.site_charset(root)
        if content_type == "text/html" and charset:
            content_type += f"; charset={charset}"
        data = target.read_bytes()
        validators = {"ETag": f'"{hashlib.sha256(data).hexdigest()[:32]}"',
                      "Last-Modified": formatdate(int(target.stat().st_mtime), usegmt=True)}
        if self._not_modified(validators):
            return self._send_not_modified(validators)
        self._send(200, content_type, data, extra=validators)

    def _not_modified(self, validators: dict[str, str]) -> bool:
        """Whether a conditional GET or HEAD gets 304, as nginx and Apache decide (RFC 9110 §13.2.2):
        If-None-Match, when sent, alone decides (any listed tag, weak or not, or *); otherwise
        If-Modified-Since not before Last-Modified. A date that does not parse is ignored."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or validators["ETag"] in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since is None:
            return False
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        return since.tzinfo is not None and parsedate_to_datetime(validators["Last-Modified"]) <= since

    def _site_listing(self) -> bytes:
        sites = sorted(p.name for p in self.server.sites_dir.iterdir() if p.is_dir())
        items = "".join(f'<li><a href="/_site/{html.escape(s)}/">{html.escape(s)}</a></li>' for s in sites)
        return (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>govcrawl replica</title></head>'
            f"<body><h1>govcrawl replica</h1><ul>{items}</ul></body></html>"
        ).encode("utf-8")

    # -- responses ------------------------------------------------------------------------

    def _answer(self, handler: DynamicHandler) -> None:
        """A dynamic endpoint's answer: (status, content type, body[, extra headers]), or None
        when it wrote to the socket itself (faults no well-formed response can express)."""
        answer = handler(self)
        if answer is None:
            self.server.record(self.command, self._host(), self.path, 0, self.headers.get("User-Agent", ""), self.body)
        else:
            self._send(*answer)

    def _not_found(self) -> None:
        self._send(404, "text/html; charset=utf-8", NOT_FOUND_PAGE)

    def _send_not_modified(self, validators: dict[str, str]) -> None:
        """304: the validators again, no body and no Content-Length (the client keeps its copy)."""
        self.server.record(self.command, self._host(), self.path, 304, self.headers.get("User-Agent", ""), self.body)
        self.send_response(304)
        for name, value in validators.items():
            self.send_header(name, value)
        self.end_headers()

    def _send(self, status: int, content_type: str, body: bytes, extra: dict | None = None) -> None:
        # Recorded before answering, so a client that has its response finds the request listed.
        self.server.record(self.command, self._host(), self.path, status, self.headers.get("User-Agent", ""), self.body)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if getattr(self, "_send_body", True):
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        # Request lines are logged by _ReplicaHTTPServer.record when verbose; errors go here.
        if self.server.verbose:
            super().log_message(format, *args)

    def log_request(self, code="-", size="-") -> None:
        pass


class _ReplicaHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], sites_dir: Path, verbose: bool):
        super().__init__(address, ReplicaRequestHandler)
        self.sites_dir = Path(sites_dir).resolve()
        self._site_names: set[str] = set()
        self.verbose = verbose
        self.requests: list[tuple[str, str, str, int]] = []
        self.bodies: list[tuple[str, str, bytes]] = []  # (host, path with query, body) of requests with a body
        self.user_agents: set[str] = set()
        self._lock = threading.Lock()
        self._configs: dict[Path, dict] = {}

    def is_site(self, name: str) -> bool:
        """Whether `name` is one of the site trees: a plain host name, as a folder of sites_dir."""
        if not name or name.startswith(".") or not all(c.isalnum() or c in "-." for c in name):
            return False
        with self._lock:
            if name not in self._site_names:  # read the folder again: trees may be added while serving
                self._site_names = {p.name for p in self.sites_dir.iterdir() if p.is_dir() and not p.is_symlink()}
            return name in self._site_names

    def site_config(self, root: Path) -> dict:
        """A site's `_site.json` (charset, dynamic endpoints), {} when it has none."""
        with self._lock:
            if root not in self._configs:
                config = root / "_site.json"
                self._configs[root] = json.loads(config.read_text(encoding="utf-8")) if config.is_file() else {}
            return self._configs[root]

    def site_charset(self, root: Path) -> str | None:
        """The charset a site's `_site.json` declares for its HTML, if any."""
        return self.site_config(root).get("charset")

    def record(self, method: str, host: str, path: str, status: int, user_agent: str, body: bytes = b"") -> None:
        with self._lock:
            self.requests.append((method, host, path, status))
            self.user_agents.add(user_agent)
            if body:
                self.bodies.append((host, path, body))
        if self.verbose:
            print(f"{method} {host}{path} {status}", file=sys.stderr, flush=True)


class ReplicaServer:
    """The replica served from a background thread; use as a context manager."""

    def __init__(self, sites_dir: Path = DEFAULT_SITES, host: str = "127.0.0.1", port: int = 0, verbose: bool = False):
        self._httpd = _ReplicaHTTPServer((host, port), sites_dir, verbose)
        self.host = host
        self.port = self._httpd.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self._thread: threading.Thread | None = None

    @property
    def requests(self) -> list[tuple[str, str, str, int]]:
        """Every request served so far: (method, host, path with query, status)."""
        with self._httpd._lock:
            return list(self._httpd.requests)

    @property
    def bodies(self) -> list[tuple[str, str, bytes]]:
        """The body of every request that had one (POSTs): (host, path with query, body)."""
        with self._httpd._lock:
            return list(self._httpd.bodies)

    @property
    def user_agents(self) -> set[str]:
        """Every User-Agent header seen so far."""
        with self._httpd._lock:
            return set(self._httpd.user_agents)

    def start(self) -> ReplicaServer:
        # `stop` waits for the serving loop to look at its stop flag: every STOP_POLL_SECONDS (the
        # default half a second was most of what a test with a server of its own took).
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(STOP_POLL_SECONDS,), name="replica", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def is_loopback(host: str) -> bool:
    try:
        return all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
    except (OSError, ValueError):
        return False


def serve_forever(sites_dir: Path = DEFAULT_SITES, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve in the foreground, one log line per request, until interrupted."""
    if not is_loopback(host):
        print(f"warning: serving the replica on {host}, beyond this machine: anyone who can reach it can read its "
              f"site trees (and nothing else)", file=sys.stderr)
    server = ReplicaServer(sites_dir, host, port, verbose=True)
    hosts = sorted(p.name for p in Path(sites_dir).iterdir() if p.is_dir())
    print(f"replica of {', '.join(hosts)} at {server.url} (send Host: <site>, or browse {server.url}/)", file=sys.stderr)
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._httpd.server_close()
