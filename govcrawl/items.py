"""Items passed from spiders through the pipelines to the feeds.

A spider yields a `ReportPage` (the fetched bytes and what the crawl knows about them); the
extraction pipeline turns it into a `Report` (the schema record and its table cells) or a
`CrawlError`. Feeds select items by class.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import ClassVar

# UTF-8 text rather than \u escapes; the lines are byte for byte what json.dumps writes.
encode_json = json.JSONEncoder(ensure_ascii=False).encode


def json_lines(values: list) -> bytes:
    """The values as the lines of a JSON-lines feed, each ended by a newline."""
    return "".join(f"{encode_json(value)}\n" for value in values).encode("utf-8")


def utc_now() -> str:
    """The time stamp of fetches and error entries: ISO 8601, UTC, whole seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class ReportPage:
    url: str  # the real portal URL, also when the crawl ran against the replica
    portal: str  # spider name
    body: bytes
    media_type: str  # from the Content-Type header, e.g. "text/html"
    fetched_at: str  # ISO 8601 UTC
    unit: dict | None = None  # what the portal definition or the column says: name, region_code, level
    listing: dict = field(default_factory=dict)  # the list page it came from: list_url, link_text, list_date
    file_urls: list[str] = field(default_factory=list)  # attachments the page links to
    file_names: dict[str, str] = field(default_factory=dict)  # attachment URL → its link text
    files: list[dict] = field(default_factory=list)  # per attachment: url, body and raw-store path, or url and error


@dataclass
class Report:
    record: dict  # one line of reports.jsonl (../shared/spec/schema.md)
    cells: list[dict]  # its lines of cells.jsonl
    # `cells` as those lines, when the extraction worker encoded them (govcrawl/workers.py): encoding
    # a crawl's tens of thousands of cells took a tenth of the crawl thread's own work. Not an item
    # field (ClassVar): feeds, validation and item adapters see record and cells. None: the
    # exporter encodes the cells (a pipeline of the user's own that changes `cells` sets it to None).
    cell_lines: ClassVar[bytes | None] = None


@dataclass
class CrawlError:
    """An error entry: a page or attachment that could not be fetched or read."""

    url: str
    portal: str
    stage: str  # "list" | "download" | "extract" | "attachment"
    error: str
    detail: str = ""
    at: str = ""
