"""Document → the report body: chrome removed, the page header and the page's tail cut off.

The page header is everything before the report's title line (site name, date banners,
breadcrumbs); the tail is everything after the report's closing signature (chart data and
widgets appended to the article). Both are found from the report's own structure, so no
portal needs a rule of its own here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from govcrawl.extract.chrome import clean_lines
from govcrawl.extract.document import Block, Document
from govcrawl.extract.metadata import ORGAN_SUFFIX, is_report_title, signature, title_year
from govcrawl.extract.decoding import nfkc

# The title is looked for among the first lines only: later title-like lines are quotations.
TITLE_SEARCH_LINES = 12
# Lines after the title that may still be the article's header (source, date, subtitle).
HEADER_LINES_AFTER_TITLE = 4
MAX_HEADER_LINE_CHARS = 80
# A title broken over two lines: 「天桥区人民政府」 / 「2020年政府信息公开工作年度报告」, or
# 「天津市红桥区人民政府2024年」 / 「政府信息公开年度报告」.
TITLE_STARTS_WITH_YEAR = re.compile(r"^(19|20)\d{2}年")
HEAD_ENDS_WITH_YEAR = re.compile(r"(19|20)\d{2}年度?$")
MAX_TITLE_HEAD_CHARS = 24
# The closing signature stands among the last lines; a date line earlier is part of the text.
SIGNATURE_SEARCH_LINES = 15


@dataclass
class ReportBody:
    blocks: list[Block]
    title_line: str | None  # the report title as the body writes it
    header_lines: list[str]  # short lines around the title: where 来源 and 发布时间 are written
    signed_by: str | None
    signed_on: str | None  # ISO date of the closing signature


def report_body(document: Document) -> ReportBody:
    blocks = _without_chrome(document.blocks)
    lines = [b.text for b in blocks]
    title_index, title_line = _title_line(lines)
    header = _raw_header_lines(document.blocks, title_line)
    if title_index is not None:
        blocks = blocks[title_index:]
    texts = [b.text if b.kind == "text" else "" for b in blocks]
    tail_start = max(len(texts) - SIGNATURE_SEARCH_LINES, 0)
    signed = signature(texts[tail_start:])
    signed_by = signed_on = None
    if signed is not None:
        index, signed_by, signed_on = signed
        blocks = blocks[: tail_start + index + 1]
    return ReportBody(blocks, title_line, header, signed_by, signed_on)


def _without_chrome(blocks: list[Block]) -> list[Block]:
    kept = []
    for block in blocks:
        if block.kind != "text":
            kept.append(block)
            continue
        kept.extend(Block(block.kind, line, block.rows) for line in clean_lines([block.text]))
    return kept


def _title_line(lines: list[str]) -> tuple[int | None, str | None]:
    for index, line in enumerate(lines[:TITLE_SEARCH_LINES]):
        if not is_report_title(line):
            continue
        head = nfkc(lines[index - 1]).strip() if index else ""
        if 0 < len(head) <= MAX_TITLE_HEAD_CHARS and (
            (TITLE_STARTS_WITH_YEAR.match(nfkc(line)) and ORGAN_SUFFIX.search(head))
            or (title_year(line) is None and HEAD_ENDS_WITH_YEAR.search(head))
        ):
            return index - 1, lines[index - 1].strip() + line
        return index, line
    return None, None


def _raw_header_lines(blocks: list[Block], title_line: str | None) -> list[str]:
    """Short lines up to a few lines after the title, before chrome removal drops the 来源 line."""
    lines = [b.text.strip() for b in blocks if b.kind == "text" and b.text.strip()]
    end = HEADER_LINES_AFTER_TITLE
    for index, line in enumerate(lines[:TITLE_SEARCH_LINES]):
        if title_line and title_line.endswith(line.strip()):
            end = index + 1 + HEADER_LINES_AFTER_TITLE
            break
    return [line for line in lines[:end] if len(line) <= MAX_HEADER_LINE_CHARS]
