"""Tables without ruling lines in a PDF (Word and WPS exports that draw no borders), read from
where the words stand.

A text line is cut into segments wherever the gap between two characters is wider than a
character (a column gap; the spaces of justified prose and around numbers are narrower). A run
of lines with several segments each, at least MIN_DATA_LINES of them holding numbers, is a table
candidate. Its columns are the x-intervals the data lines' segments occupy, merged where they
overlap; every line becomes a row with one cell per column, a column without a segment giving an
empty cell (blank, as in a ruled table), and a segment wider than its column (a header over
several columns) one cell with a column span. A line without numbers after the first data line
that neither starts a row (an enumerated label, a table marker) nor spans columns is the wrapped
rest of a label: it is joined to the nearest data line's cell in its column.

The candidate becomes a table block only when the table readers read a statutory or statistics
table from it; otherwise its lines stay text.
"""

from __future__ import annotations

from dataclasses import dataclass

from govcrawl.extract.document import Block, Cell
from govcrawl.extract.sections import HEADING, section_key
from govcrawl.extract.tables import read_tables
from govcrawl.extract.tables.applications import is_applications_line
from govcrawl.extract.tables.labels import (
    ACTIVE_DISCLOSURE_HEADER,
    APPLICANT_HEADING,
    LITIGATION_HEADING,
    article_20_item,
    label_key,
    source_label,
)
from govcrawl.extract.tables.review_litigation import is_review_header
from govcrawl.extract.tables.statistics import is_statistics_header
from govcrawl.extract.tables.values import is_value

# A gap wider than this share of the font size between two characters separates two cells.
COLUMN_GAP_EM = 1.2
# Positions closer than this (pt) overlap.
OVERLAP_TOLERANCE = 1.0
MIN_DATA_LINES = 3
# Lines of one segment inside a table (a header word, a wrapped label); more in a row end it.
MAX_SINGLE_LINES_INSIDE = 3
MAX_CELL_CHARS = 80


@dataclass
class Segment:
    x0: float
    x1: float
    text: str

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class LayoutTable:
    block: Block
    lines: range  # the indices of the text lines it replaces
    x0: float
    x1: float
    top: float
    columns: int


def segments(line: dict) -> list[Segment]:
    """The line's cells: its visible characters cut at column gaps."""
    chars = sorted((c for c in line.get("chars", []) if c["text"].strip()), key=lambda c: c["x0"])
    found: list[Segment] = []
    for char in chars:
        size = char.get("size") or (char["x1"] - char["x0"]) or 10.0
        if found and char["x0"] - found[-1].x1 <= COLUMN_GAP_EM * size:
            found[-1].x1 = max(found[-1].x1, char["x1"])
            found[-1].text += char["text"]
        else:
            found.append(Segment(char["x0"], char["x1"], char["text"]))
    return found


def layout_tables(lines: list[dict]) -> list[LayoutTable]:
    """The tables drawn without rulings among a page's text lines (pdfplumber lines with chars)."""
    cut = [segments(line) for line in lines]
    tables = []
    index = 0
    while index < len(lines):
        end = _run_end(lines, cut, index)
        if end > index:
            table = _table(lines, cut, index, end)
            if table is not None:
                tables.append(table)
                index = end
                continue
        index += 1
    return tables


def _is_numeric(segment: Segment) -> bool:
    return is_value(segment.text)


def _ends_run(line: dict, parts: list[Segment]) -> bool:
    text = line["text"].strip()
    heading = HEADING.fullmatch(text)
    return len(text) > MAX_CELL_CHARS or (heading is not None and section_key(heading.group("title")) is not None and len(parts) == 1)


def _run_end(lines: list[dict], cut: list[list[Segment]], start: int) -> int:
    """The end of the run of table-like lines starting at `start` (start itself when none)."""
    if len(cut[start]) < 2:
        return start
    end, singles = start + 1, 0
    for index in range(start + 1, len(lines)):
        if _ends_run(lines[index], cut[index]):
            break
        if len(cut[index]) >= 2:
            end, singles = index + 1, 0
        else:
            singles += 1
            if singles > MAX_SINGLE_LINES_INSIDE:
                break
    return end


def _columns(data: list[list[Segment]]) -> list[tuple[float, float]]:
    intervals = sorted((s.x0, s.x1) for parts in data for s in parts)
    merged: list[list[float]] = []
    for x0, x1 in intervals:
        if merged and x0 <= merged[-1][1] + OVERLAP_TOLERANCE:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [(x0, x1) for x0, x1 in merged]


def _covered(segment: Segment, columns: list[tuple[float, float]]) -> list[int]:
    """The columns a segment lies over: those it overlaps, else the nearest one."""
    over = [i for i, (x0, x1) in enumerate(columns) if segment.x0 < x1 - OVERLAP_TOLERANCE and segment.x1 > x0 + OVERLAP_TOLERANCE]
    if over:
        return over
    return [min(range(len(columns)), key=lambda i: abs((columns[i][0] + columns[i][1]) / 2 - segment.center))]


def _starts_row(parts: list[Segment]) -> bool:
    """A line of its own: several cells, an enumerated label (（三）不予公开, 1.…) or a table
    marker (第二十条第（N）项, 信息内容, a 表三 or 表四 header word)."""
    text = parts[0].text
    return (
        len(parts) > 1
        or source_label(text).level is not None
        or article_20_item(text) is not None
        or label_key(text) in (ACTIVE_DISCLOSURE_HEADER, APPLICANT_HEADING, LITIGATION_HEADING)
        or is_applications_line([text])
        or is_review_header([text, LITIGATION_HEADING])
        or is_statistics_header(text)
    )


def _table(lines: list[dict], cut: list[list[Segment]], start: int, end: int) -> LayoutTable | None:
    data_at = [i for i in range(start, end) if any(_is_numeric(s) for s in cut[i])]
    if len(data_at) < MIN_DATA_LINES:
        return None
    columns = _columns([cut[i] for i in data_at])
    if len(columns) < 2:
        return None
    # cells[i][column] = texts of line i in that column (a list: several segments may share one)
    rows: dict[int, dict[int, list[str]]] = {}
    spans: dict[int, dict[int, int]] = {}
    for i in range(start, end):
        placed: dict[int, list[str]] = {}
        span: dict[int, int] = {}
        for segment in cut[i]:
            covered = _covered(segment, columns)
            placed.setdefault(covered[0], []).append(segment.text)
            if len(covered) > 1:
                span[covered[0]] = len(covered)
        rows[i], spans[i] = placed, span
    first_data = data_at[0]
    for i in range(first_data, end):
        if i in data_at or spans[i] or _starts_row(cut[i]):
            continue
        nearest = min(data_at, key=lambda d: (abs(lines[d]["top"] - lines[i]["top"]), -d))
        for column, texts in rows.pop(i).items():
            target = rows[nearest].setdefault(column, [])
            if target and i < nearest:
                target[0] = "".join(texts) + target[0]
            elif target:
                target[-1] += "".join(texts)
            else:
                target.extend(texts)
    grid_rows = []
    for i in sorted(rows):
        row: list[Cell] = []
        column = 0
        while column < len(columns):
            texts = rows[i].get(column)
            span = spans[i].get(column, 1)
            if texts:
                row.extend(Cell(text) for text in texts[:-1])
                row.append(Cell(texts[-1], colspan=span))
            else:
                row.append(Cell(""))
            column += span
        grid_rows.append(row)
    block = Block("table", rows=grid_rows)
    if not read_tables([block]).read_any:
        return None
    return LayoutTable(block, range(start, end), columns[0][0], columns[-1][1], lines[start]["top"], len(columns))
