"""What every site builder of the replica shares: units, the record of what was rendered (per
spider), TRS dates, ids and URLs, list pagination, and synthetic gov2019/gov2021 report pages."""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from replica import prose
from replica import tables as t

NO_TABLES = {"active_disclosure": None, "applications": None, "review_litigation": None}


@dataclass(frozen=True)
class Unit:
    name: str
    region_code: str
    level: str
    short: str         # how the unit names itself in prose
    title_prefix: str  # what precedes "{year}年…" in its titles
    scale: int         # applications finished in a year, roughly
    title_format: str = "{prefix}{year}年政府信息公开工作年度报告"

    def record(self) -> dict:
        return {"name": self.name, "region_code": self.region_code, "level": self.level}

    def title(self, year: int) -> str:
        return self.title_format.format(prefix=self.title_prefix, year=year)


@dataclass
class UnitHistory:
    """What one unit's next report continues from: carried-over applications, documents in force."""
    carried: dict[str, int] = field(default_factory=dict)
    in_force: dict[str, int] = field(default_factory=dict)


@dataclass
class Expectations:
    """What a complete crawl by one spider must request, must yield, must not turn into records
    and must never request."""
    lists: list[str] = field(default_factory=list)
    reports: list[dict] = field(default_factory=list)
    not_reports: list[dict] = field(default_factory=list)
    off_limits: list[str] = field(default_factory=list)

    def manifest(self) -> dict:
        return {"lists": self.lists, "reports": self.reports, "not_reports": self.not_reports,
                "off_limits": self.off_limits}


class _CurrentSpider:
    """One list of the current spider's Expectations, as an attribute of the Replica."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, replica: Replica, owner: type | None = None) -> list:
        return getattr(replica.expect, self.name)

    def __set__(self, replica: Replica, value: list) -> None:  # `replica.off_limits += [...]`
        setattr(replica.expect, self.name, value)


@dataclass
class Replica:
    """The files of the site trees and, per spider, the manifest entries, as they are rendered.
    `spider` names whose expectations the calls record; `start` switches spider and RNG."""
    rng: random.Random
    files: dict[str, bytes] = field(default_factory=dict)
    spiders: dict[str, Expectations] = field(default_factory=dict)
    histories: dict[str, UnitHistory] = field(default_factory=dict)
    sources: dict[str, ReportSource] = field(default_factory=dict)  # report URL → how it was drawn
    spider: str = "tianjin"

    def start(self, spider: str, seed: int | str) -> None:
        self.spider, self.rng = spider, random.Random(seed)

    @property
    def expect(self) -> Expectations:
        return self.spiders.setdefault(self.spider, Expectations())

    lists = _CurrentSpider()
    reports = _CurrentSpider()
    not_reports = _CurrentSpider()
    off_limits = _CurrentSpider()

    def share(self, source: str, prefix: str) -> None:
        """Expect of the current spider too the lists and reports `source` has below `prefix`."""
        other = self.spiders[source]
        self.lists.extend(u for u in other.lists if u.startswith(prefix))
        self.reports.extend(r for r in other.reports if r["url"].startswith(prefix))

    def write(self, url: str, content: str | bytes, encoding: str = "utf-8", index: str = "index.html") -> None:
        parts = urlsplit(url)
        path = parts.path + (index if parts.path.endswith("/") else "")
        data = content if isinstance(content, bytes) else content.encode(encoding)
        self.files[parts.hostname + path] = data

    def write_list(self, url: str, html: str, encoding: str = "utf-8", index: str = "index.html") -> None:
        self.write(url, html, encoding, index)
        self.lists.append(url)

    def add_report(self, url: str, title: str, unit: Unit, year: int, fmt: str, published: str, publisher: str,
                   tables: dict | None, stats: dict, flags: tuple[str, ...] = (),
                   failing_checks: tuple[str, ...] = (), **extra) -> None:
        """Record a report; `extra` adds keys of the spider's own (attachments, via)."""
        self.reports.append({
            "url": url, "title": title, "unit": unit.record(), "year": year, "format": fmt,
            "published": published, "publisher": publisher, "tables": tables or dict(NO_TABLES),
            "failing_checks": list(failing_checks), "flags": list(flags), "stats": stats, **extra,
        })

    def manifest(self) -> dict:
        return {"spiders": {name: expect.manifest() for name, expect in self.spiders.items()}}


# -- dates, ids, URLs ---------------------------------------------------------------------

def iso_minute(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M}:00+08:00"


def publication_time(rng: random.Random, year: int) -> datetime:
    """When a report on `year` went online: by 31 March until the 2020 reports, by 31 January after."""
    last_day = date(year + 1, 3, 31) if year <= 2020 else date(year + 1, 1, 31)
    day = last_day - timedelta(days=rng.randint(0, 25))
    return datetime(day.year, day.month, day.day, rng.randint(9, 17), rng.randint(0, 59))


def trs_doc_id(rng: random.Random, day: date) -> int:
    """A TRS document id growing with time, near the real ids (5402052 on 2021-03-30)."""
    return 4_090_000 + (day - date(2019, 1, 1)).days * 1600 + rng.randint(0, 1599)


def article_url(column_url: str, day: date, doc_id: int, ext: str = "html") -> str:
    return f"{column_url}{day:%Y%m}/t{day:%Y%m%d}_{doc_id}.{ext}"


def relative(url: str, column_url: str) -> str:
    return "./" + url[len(column_url):]


def paginate(items: list, per_page: int, column_url: str, ext: str) -> list[tuple[str, int, int, list]]:
    """(page URL, page index, page count, items) of a TRS list: index.ext, index_1.ext, …"""
    chunks = [items[i:i + per_page] for i in range(0, len(items), per_page)] or [[]]
    return [(column_url + (f"index_{n}.{ext}" if n else ""), n, len(chunks), chunk) for n, chunk in enumerate(chunks)]


def png(width: int, height: int) -> bytes:
    """A small valid grey PNG with a grid, standing in for a screenshot of a table."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes(0 if x % 20 == 0 or y % 10 == 0 else 240 for x in range(width))
                    for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


# -- reports ------------------------------------------------------------------------------

# An article page renderer: (url, title, column, publisher, published, body) → (html, the
# publication time as the page gives it, ISO 8601).
Render = Callable[[str, str, str, str, datetime, str], tuple[str, str]]
# Where a site puts an article published at a given time (its CMS's URL shape), when not in a TRS
# column: (publication time) → URL.
Locate = Callable[[datetime], str]


@dataclass(frozen=True)
class ReportSource:
    """How a synthetic report page was drawn, kept so that a later state of the replica can draw
    the unit's next report, or the same report corrected, in the same page chrome (later.py)."""
    unit: Unit
    year: int
    column_url: str
    render: Render
    publisher: str
    published: datetime
    locate: Locate | None


@dataclass(frozen=True)
class RenderedReport:
    url: str
    title: str
    published: datetime
    html: str


def report_tables(replica: Replica, unit: Unit, year: int, fmt: str) -> dict:
    """The three tables of one report, continuing the unit's previous year."""
    rng, history = replica.rng, replica.histories.setdefault(unit.name, UnitHistory())
    finished = max(3, round(unit.scale * replica.rng.uniform(0.7, 1.3)))
    applications = t.make_applications(rng, fmt, finished, history.carried)
    history.carried = {c: applications["carried_over_out"][c] for c in t.APPLICANT_COLUMNS}
    scale = max(1, unit.scale // 100)
    return {
        "active_disclosure": t.make_active_disclosure(rng, fmt, scale, history.in_force),
        "applications": applications,
        "review_litigation": t.make_review_litigation(rng, max(1, unit.scale // 200)),
    }


def break_balance(tables: dict) -> tuple[str, ...]:
    """A real kind of source error: last year's carry-over copied wrong (+2 natural persons).
    The row total follows the wrong cell, so only the stated check of 表三 fails."""
    row = tables["applications"]["carried_over_in"]
    row["natural_person"] += 2
    row["total"] += 2
    return ("applications_balance.natural_person", "applications_balance.total")


def synthetic_report(replica: Replica, unit: Unit, year: int, column_url: str, render: Render,
                     publisher: str, published: datetime | None = None, doc_id: int | None = None,
                     broken_identity: bool = False, in_manifest: bool = True,
                     locate: Locate | None = None) -> RenderedReport:
    """A gov2019/gov2021 report page, recorded in the manifest when `in_manifest`; at a TRS
    article URL below `column_url` unless `locate` places it."""
    rng = replica.rng
    fmt = "gov2019" if year <= 2020 else "gov2021"
    published = published or publication_time(rng, year)
    url = locate(published) if locate else article_url(column_url, published.date(),
                                                       doc_id or trs_doc_id(rng, published.date()))
    tables = report_tables(replica, unit, year, fmt)
    failing = break_balance(tables) if broken_identity else ()
    body, stats = prose.gov_report_body(unit.name, unit.short, year, fmt, tables, t.TableStyle.pick(rng), rng)
    title = unit.title(year)
    html, when = render(url, title, unit.name, publisher, published, body)
    replica.write(url, html)
    if in_manifest:
        replica.add_report(url, title, unit, year, fmt, when, publisher, tables, stats, failing_checks=failing)
        replica.sources[url] = ReportSource(unit, year, column_url, render, publisher, published, locate)
    return RenderedReport(url, title, published, html)


def interpretation(replica: Replica, render: Render, column_url: str, publisher: str, report: RenderedReport,
                   title: str, delay: timedelta, locate: Locate | None = None) -> RenderedReport:
    """A 解读 of `report`, published `delay` after it in the same column: not a report, and a
    crawl that reads list titles never requests it."""
    published = report.published + delay
    url = locate(published) if locate else article_url(column_url, published.date(),
                                                       trs_doc_id(replica.rng, published.date()))
    body = prose.interpretation_body(f"《{report.title}》", replica.rng.randint(500, 9000), replica.rng.randint(50, 900))
    replica.write(url, render(url, title, "政府信息公开工作年度报告", publisher, published, body)[0])
    replica.not_reports.append({"url": url, "why": "interpretation"})
    replica.off_limits.append(url)
    return RenderedReport(url, title, published, "")
