"""Assembly: a decoded Document → the record of schema.md and its cell-feed lines."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import govcrawl
from govcrawl.extract.body import report_body
from govcrawl.extract.checks import run_checks
from govcrawl.extract.document import Block, Document
from govcrawl.extract.flags import source_flags
from govcrawl.extract.metadata import (
    is_not_report_title,
    is_report_title,
    labelled_date,
    labelled_source,
    published_from,
    statistics_period,
    title_year,
    unit_from,
)
from govcrawl.extract.sections import Section, find_sections
from govcrawl.extract.stats import stated_figures
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
    raw: bytes
    url: str | None
    source_file: str | None
    portal: str
    unit_hint: dict | None
    fetched_at: str | None
    via: str  # "html" | "text" | "pdf" | "docx": where tables would come from
    image_only: bool = False  # a PDF without a text layer (a scan): nothing in it can be read


def build_extraction(document: Document, source: Source, converted_from_traditional: bool) -> Extraction:
    body = report_body(document)
    text, offsets = _text_and_offsets(body.blocks)
    sections = find_sections(text)
    stats = stated_figures(text)
    table_blocks = [b for b in body.blocks if b.kind == "table"]
    reading = read_tables(table_blocks) if table_blocks else TableReading()

    title = document.title or body.title_line
    year = title_year(title) or title_year(body.title_line)
    period = statistics_period(text)
    if year is None and period is not None:
        year = period.start_year
    blank_form = year is None and _all_blank(reading)
    if blank_form:
        reading = TableReading(format=reading.format)
    unit = unit_from(title, source.unit_hint)
    header = document.meta.get("lines", "").split("\n") + body.header_lines
    tables_read = any(table is not None for table in reading.tables.values())
    checks = run_checks(reading, stats)
    is_report = (
        not blank_form
        and bool(title)
        and is_report_title(title)
        and not is_not_report_title(title)
        and (sum(1 for s in sections if s.key) >= MIN_REPORT_SECTIONS or tables_read)
    )
    flags = source_flags(
        is_report=is_report,
        blocks_by_section=_blocks_by_section(body.blocks, offsets, sections),
        tables_read=tables_read,
        converted_from_traditional=converted_from_traditional,
        period_consistent=period is None or period.consistent,
    )
    if source.image_only:
        # Nothing can be read, so nothing is claimed about the content either: not even that
        # it is no report.
        flags = ["tables_as_images"]
    elif blank_form:
        flags.append("blank_form")
    report_id = hashlib.sha1((source.url or "").encode() if source.url else source.raw).hexdigest()
    fmt = reading.format or _format_by_year(year)
    record = {
        "id": report_id,
        "portal": source.portal,
        "url": source.url,
        "source_file": source.source_file,
        "title": title,
        "unit": unit.as_dict(),
        "year": year,
        "published": published_from(document.meta.get("PubDate")) or labelled_date(header) or body.signed_on,
        "publisher": document.meta.get("ContentSource") or labelled_source(header) or body.signed_by,
        "format": fmt,
        "script": document.script,
        "text": text,
        "sections": [s.as_dict(text) for s in sections],
        "tables": dict(reading.tables),
        "stats": stats,
        "checks": checks,
        "flags": flags,
        "attachments": [],
        "via": source.via if tables_read else None,
        "fetched_at": source.fetched_at,
        "sha256": hashlib.sha256(source.raw).hexdigest(),
        "extractor": govcrawl.__version__,
    }
    cells = [
        {"report_id": report_id, "unit": unit.name, "region_code": unit.region_code, "year": year, "format": fmt}
        | {key: cell.get(key) for key in CELL_KEYS}
        for cell in reading.cells
    ]
    return Extraction(record, cells)


def _all_blank(reading: TableReading) -> bool:
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


def _blocks_by_section(blocks: list[Block], offsets: list[int], sections: list[Section]) -> list[tuple[str | None, Block]]:
    """Each block with the key of the section it starts in. An image or table has no text of its
    own, so it is placed by the character before it: an image just before 「三、」 belongs to 二."""
    paired = []
    for block, offset in zip(blocks, offsets):
        probe = offset if block.kind == "text" else offset - 1
        key = next((s.key for s in sections if s.start <= probe < s.end), None)
        paired.append((key, block))
    return paired
