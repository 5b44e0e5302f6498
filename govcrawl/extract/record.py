"""Assembly: a decoded Document → the record of schema.md and its cell-feed lines."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import govcrawl
from govcrawl.extract.body import ReportBody, report_body
from govcrawl.extract.checks import run_checks
from govcrawl.extract.decoding import nfkc
from govcrawl.extract.document import Block, Document
from govcrawl.extract.flags import source_flags
from govcrawl.extract.cell_text import confidence_of
from govcrawl.extract.ocr_acceptance import verify
from govcrawl.extract.metadata import (
    Period,
    is_not_report_title,
    is_report_title,
    labelled_date,
    labelled_source,
    opening_year,
    published_from,
    statistics_period,
    title_year,
    unit_from,
)
from govcrawl.extract.sections import Section, find_sections
from govcrawl.extract.stats import keys_of_format, stated_figures
from govcrawl.extract.tables import TableReading, read_tables
from govcrawl.extract.tables.values import parse_value

# A report is one when its title says so and at least this many known section headings follow,
# or when the statutory tables are there.
MIN_REPORT_SECTIONS = 2
CELL_KEYS = ("table", "row", "col", "value", "raw", "label")


@dataclass
class Extraction:
    record: dict
    cells: list[dict]


@dataclass(frozen=True)
class Source:
    """The page (or file) the record is of: its bytes and what the caller knows about it."""

    raw: bytes
    url: str | None
    source_file: str | None
    portal: str
    unit_hint: dict | None
    fetched_at: str | None


@dataclass
class Reading:
    """What one document (the page, or one attachment) says, before the record is put together."""

    document: Document
    via: str  # "html" | "text" | "pdf" | "docx" | "doc" | "xlsx" | …: where its tables come from
    image_only: bool  # a scan whose text OCR could not read: nothing is claimed about its content
    traditional: bool  # written in Traditional characters, converted
    body: ReportBody
    text: str
    offsets: list[int]
    sections: list[Section]
    stats: dict
    tables: TableReading
    period: Period | None

    @property
    def title(self) -> str | None:
        return self.document.title or self.body.title_line

    @property
    def year(self) -> int | None:
        year = title_year(self.title) or title_year(self.body.title_line)
        if year is None and self.period is not None:
            year = self.period.start_year
        return year if year is not None or self.body.title_line else opening_year(self.opening)

    @property
    def opening(self) -> str | None:
        """The body's first paragraph, where a body without a title says whose year it is."""
        return next((b.text for b in self.body.blocks if b.kind == "text" and b.text.strip()), None)

    @property
    def tables_read(self) -> bool:
        return self.tables.read_any


def read_document(document: Document, *, via: str, image_only: bool = False, traditional: bool = False) -> Reading:
    body = report_body(document)
    text, offsets = _text_and_offsets(body.blocks)
    matched = nfkc(text)  # the form figures and the period are matched in (each function takes it again, at no cost)
    table_blocks = [b for b in body.blocks if b.kind == "table"]
    return Reading(
        document=document,
        via=via,
        image_only=image_only,
        traditional=traditional,
        body=body,
        text=text,
        offsets=offsets,
        sections=find_sections(text, _table_spans(body.blocks, offsets, text)),
        stats=stated_figures(matched),
        tables=read_tables(table_blocks) if table_blocks else TableReading(),
        period=statistics_period(matched),
    )


def build_extraction(page: Reading, source: Source, *, content: Reading | None = None, tables: Reading | None = None,
                     attachments: list[dict] | None = None) -> Extraction:  # fmt: skip
    """The record of `source`: metadata from the page; text, sections, stats and flags from
    `content` (the page itself, or the attachment that holds the report); the statutory tables
    from `tables` (default: `content`)."""
    content = content or page
    tables = tables or content
    title = record_title(page, content)
    year = title_year(title) or content.year
    reading = tables.tables
    blank_form = year is None and all_blank(reading)
    if blank_form:
        reading = TableReading(format=reading.format)
    unverified = None
    if tables.via == "ocr":
        verdict = verify(reading)
        reading, unverified = verdict.accepted, verdict.unverified
    unit = unit_from(title, source.unit_hint, opening=None if content.body.title_line else content.opening)
    tables_read = reading.read_any
    fmt = reading.format or _format_by_year(year)
    prose_stats = keys_of_format(content.stats, fmt)
    checks = run_checks(reading, prose_stats)
    is_report = not blank_form and reads_as_report(title, content, tables_read)
    flags = source_flags(
        is_report=is_report,
        blocks_by_section=_blocks_by_section(content.body.blocks, content.offsets, content.sections),
        tables_read=tables_read,
        converted_from_traditional=content.traditional or (tables_read and tables.traditional),
        period_consistent=content.period is None or content.period.consistent,
    )
    if content.image_only:
        # Nothing can be read, so nothing is claimed about the content either: not even that
        # it is no report.
        flags = [] if tables_read else ["tables_as_images"]
    elif blank_form:
        flags.append("blank_form")
    if tables.via == "ocr":
        flags += [f for f, holds in (("tables_from_ocr", tables_read), ("tables_as_images", unverified)) if holds and f not in flags]
    report_id = hashlib.sha1((source.url or "").encode() if source.url else source.raw).hexdigest()
    record = {
        "id": report_id,
        "portal": source.portal,
        "url": source.url,
        "source_file": source.source_file,
        "title": title,
        "unit": unit.as_dict(),
        "year": year,
        "published": _published(page) or (_published(content) if content is not page else None),
        "publisher": _publisher(page) or (_publisher(content) if content is not page else None),
        "format": fmt,
        "script": content.document.script,
        "text": content.text,
        "sections": [s.as_dict(content.text) for s in content.sections],
        "tables": dict(reading.tables),
        # The statistics table's figures win over the prose's; both are compared in the checks.
        "stats": prose_stats | reading.statistics,
        "checks": checks,
        "flags": flags,
        "attachments": list(attachments or []),
        "via": tables.via if tables_read else None,
        "fetched_at": source.fetched_at,
        "sha256": hashlib.sha256(source.raw).hexdigest(),
        "extractor": govcrawl.__version__,
        # added since version 1 (schema.md): rows of a statistics table that map to no key
        "stats_extra": reading.statistics_extra,
    }
    if unverified is not None:
        record["tables_ocr_unverified"] = unverified
    report = {"report_id": report_id, "unit": unit.name, "region_code": unit.region_code, "year": year, "format": fmt}
    cells = []
    for cell in reading.cells:
        line = report.copy()
        line.update(zip(CELL_KEYS, map(cell.get, CELL_KEYS)))  # in C: a report has hundreds of cells
        if tables.via == "ocr":
            line["confidence"] = confidence_of(cell["raw"])
        cells.append(line)
    return Extraction(record, cells)


def record_title(page: Reading, content: Reading) -> str | None:
    """The page's title when it names a report (or when the page is the content); else the
    attachment's, which is the report's own."""
    candidates = [page.title, content.title] if content is not page else [page.title]
    return next((t for t in candidates if t and is_report_title(t)), None) or next((t for t in candidates if t), None)


def reads_as_report(title: str | None, content: Reading, tables_read: bool) -> bool:
    if not title or not is_report_title(title) or is_not_report_title(title):
        return False
    if content.image_only:
        return True  # a scan under a report's title: the record says its tables are images
    return sum(1 for s in content.sections if s.key) >= MIN_REPORT_SECTIONS or tables_read


def _header(reading: Reading) -> list[str]:
    return reading.document.meta.get("lines", "").split("\n") + reading.body.header_lines


def _published(reading: Reading) -> str | None:
    meta = reading.document.meta
    return published_from(meta.get("PubDate")) or labelled_date(_header(reading)) or reading.body.signed_on


def _publisher(reading: Reading) -> str | None:
    return reading.document.meta.get("ContentSource") or labelled_source(_header(reading)) or reading.body.signed_by


def all_blank(reading: TableReading) -> bool:
    """Statutory tables with every value cell left blank. In a document that names no year this
    is the national template: a blank form, not a report of zero activity, so its tables are
    null rather than read as zeros."""
    return bool(reading.cells) and all(parse_value(cell["raw"]).blank for cell in reading.cells)


def _format_by_year(year: int | None) -> str:
    if year is None:
        return "unknown"
    if year <= 2018:
        return "pre2019"
    return "gov2019" if year <= 2020 else "gov2021"


def _text_and_offsets(blocks: list[Block]) -> tuple[str, list[int]]:
    """The record's text (paragraphs and table rows, one per line) and where each block starts."""
    parts, offsets, position = [], [], 0
    for block in blocks:
        offsets.append(position)
        if block.kind == "text":
            part = block.text
        elif block.kind == "table":
            rows = ("\t".join(cell.text.replace("\n", "") for cell in row) for row in block.rows)
            part = "\n".join(row for row in rows if row.strip())
        else:
            continue
        parts.append(part)
        position += len(part) + 1
    return "\n".join(parts), offsets


def _table_spans(blocks: list[Block], offsets: list[int], text: str) -> list[tuple[int, int]]:
    ends = offsets[1:] + [len(text)]
    return [(start, end) for block, start, end in zip(blocks, offsets, ends) if block.kind == "table"]


def _blocks_by_section(blocks: list[Block], offsets: list[int], sections: list[Section]) -> list[tuple[str | None, Block]]:
    """Each block with the key of the section it starts in. An image or table has no text of its
    own, so it is placed by the character before it: an image just before 「三、」 belongs to 二."""
    paired = []
    for block, offset in zip(blocks, offsets):
        probe = offset if block.kind == "text" else offset - 1
        key = next((s.key for s in sections if s.start <= probe < s.end), None)
        paired.append((key, block))
    return paired
