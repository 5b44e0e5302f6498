"""Tables without ruling lines in a PDF (Word and WPS exports that draw no borders), read from
where the words stand.

A text line is cut into segments wherever the gap between two characters is wider than a
character (a column gap; the spaces of justified prose and around numbers are narrower). A run
of lines with several segments each, with the header lines above it, some of them holding numbers, is a table
candidate (a statutory 表四 has a single data line). Its columns are the x-intervals the data lines' segments occupy, merged where they
overlap; every line becomes a row with one cell per column, a column without a segment giving an
empty cell (blank, as in a ruled table), and a segment wider than its column (a header over
several columns) one cell with a column span. A line without numbers after the first data line
that neither starts a row (an enumerated label, a table marker) nor spans columns is the wrapped
rest of a label: it is joined to the nearest data line's cell in its column.

The candidate becomes a table block only when the table readers read a statutory or statistics
table from it, or when it may be the rest of a table begun on the page before (at the top of the
page, or under a repeated header); otherwise its lines stay text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from govcrawl.extract.document import Block, Cell
from govcrawl.extract.sections import HEADING, section_key
from govcrawl.extract.tables import read_tables
from govcrawl.extract.tables.applications import is_applications_line
from govcrawl.extract.tables.labels import (
    ACTIVE_DISCLOSURE_HEADER,
    LITIGATION_HEADING,
    article_20_item,
    label_key,
    source_label,
)
from govcrawl.extract.tables.review_litigation import is_review_header
from govcrawl.extract.tables.statistics import is_statistics_header
from govcrawl.extract.tables.values import is_value

# A gap wider than this share of the font size between two characters separates two cells.
COLUMN_GAP_EM = 0.9
# Positions closer than this (pt) overlap.
OVERLAP_TOLERANCE = 1.0
# A segment reaching this far (pt) into a column's share of the line lies over it.
MIN_OVERLAP = 2.0
# A line this close under a table's last line (share of the font size) is still the table's.
TRAILING_GAP_EM = 0.6
# Lines of one segment inside a table (a header word, a wrapped label); more in a row end it.
MAX_SINGLE_LINES_INSIDE = 3
MAX_CELL_CHARS = 80
MAX_HEADER_LINE_CHARS = 40
# A line above a table that is no header line: a sentence, a lead-in (…如下：) or the table's
# caption (附表：政府信息公开情况统计表).
PROSE_MARK = re.compile(r"[。：:；;！？!?]|表$|^附表")


@dataclass
class Segment:
    x0: float
    x1: float
    text: str
    size: float = 10.0

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
            found.append(Segment(char["x0"], char["x1"], char["text"], size))
    return found


def layout_tables(lines: list[dict]) -> list[LayoutTable]:
    """The tables drawn without rulings among a page's text lines (pdfplumber lines with chars)."""
    cut = [segments(line) for line in lines]
    tables = []
    index = done = 0
    while index < len(lines):
        end = _run_end(lines, cut, index)
        if end > index:
            start = _run_start(lines, cut, index, done)
            table = _table(lines, cut, start, end)
            if table is not None:
                tables.append(table)
                index = done = end
                continue
        index += 1
    return tables


def _is_numeric(segment: Segment) -> bool:
    return is_value(segment.text)


def _ends_run(line: dict, parts: list[Segment], headings_end: bool = True) -> bool:
    """A long line, or a report section heading — except in a statistics table, whose numbered
    rows (「一、主动公开情况」) read like headings."""
    text = line["text"].strip()
    heading = HEADING.fullmatch(text)
    is_heading = heading is not None and section_key(heading.group("title")) is not None and len(parts) == 1
    return len(text) > MAX_CELL_CHARS or (headings_end and is_heading)


def _run_start(lines: list[dict], cut: list[list[Segment]], start: int, limit: int) -> int:
    """The run with the header lines above its first line of several cells: short lines of one
    cell (a header word over several columns, the wrapped 表三 check note), up to a heading or
    the end of a paragraph."""
    while start > limit and start - 1 >= 0 and len(cut[start - 1]) == 1:
        text = lines[start - 1]["text"].strip()
        if not _is_marker(text) and (
            _ends_run(lines[start - 1], cut[start - 1])
            or len(text) > MAX_HEADER_LINE_CHARS
            or PROSE_MARK.search(text)
        ):
            break
        start -= 1
    return start


def _run_end(lines: list[dict], cut: list[list[Segment]], start: int) -> int:
    """The end of the run of table-like lines starting at `start` (start itself when none)."""
    if len(cut[start]) < 2:
        return start
    end, singles = start + 1, 0
    statistics = any(is_statistics_header(segment.text) for segment in cut[start])
    for index in range(start + 1, len(lines)):
        if _ends_run(lines[index], cut[index], headings_end=not statistics):
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


def _edges(columns: list[tuple[float, float]]) -> list[float]:
    """Where one column's share of the line ends and the next one's begins: mid-gap."""
    return [(columns[i][1] + columns[i + 1][0]) / 2 for i in range(len(columns) - 1)]


def _column_at(x: float, columns: list[tuple[float, float]]) -> int:
    return sum(1 for edge in _edges(columns) if x > edge)


def _covered(segment: Segment, columns: list[tuple[float, float]]) -> list[int]:
    """The columns a segment lies over, each column reaching to the middle of the gaps beside
    it (a header word centred over three narrow columns covers the three); at least one."""
    edges = _edges(columns)
    lefts, rights = [float("-inf")] + edges, edges + [float("inf")]
    over = [i for i in range(len(columns)) if min(segment.x1, rights[i]) - max(segment.x0, lefts[i]) > MIN_OVERLAP]
    if over:
        return over
    return [min(range(len(columns)), key=lambda i: abs((columns[i][0] + columns[i][1]) / 2 - segment.center))]


def _starts_row(parts: list[Segment]) -> bool:
    """A line of its own: several cells, an enumerated label (（三）不予公开, 1.…) or a table
    marker."""
    return len(parts) > 1 or source_label(parts[0].text).level is not None or _is_marker(parts[0].text)


def _is_marker(text: str) -> bool:
    """A table's marker: 第二十条第（N）项, 信息内容, a 表三 or 表四 header word, the 表三 check
    note, a statistics table's header."""
    return (
        article_20_item(text) is not None
        or label_key(text) in (ACTIVE_DISCLOSURE_HEADER, LITIGATION_HEADING)
        or is_applications_line([text])
        or is_review_header([text, LITIGATION_HEADING])
        or is_statistics_header(text)
    )


Placed = tuple[int, int, Segment]  # (first column, columns spanned, segment)


def _stack_header(rows: dict[float, list[Placed]], header: range) -> None:
    """The header lines above the first data line as the rows a grid has: cells over several
    columns (行政诉讼) and lines of one table marker (第二十条第（一）项, 申请人情况) rows of their
    own, and one row of the other cells, their words joined down each column (商业 / 企业, 序 / 号,
    a note wrapped over three lines)."""
    if not header:
        return
    leaf: dict[int, Placed] = {}
    for i in header:
        if len(rows[i]) == 1 and _starts_row([rows[i][0][2]]):
            continue  # a marker line (第二十条第（一）项, 申请人情况) is a row as it stands
        own = []
        for column, span, segment in rows.pop(i):
            if span > 1:
                own.append((column, span, segment))
            elif column in leaf:
                leaf[column][2].text += segment.text
            else:
                leaf[column] = (column, span, Segment(segment.x0, segment.x1, segment.text))
        if own:
            rows[i] = own
    if leaf:
        rows[header[-1] + 0.5] = sorted(leaf.values(), key=lambda item: item[2].x0)


def _label_columns(rows: dict[float, list[Placed]], data_at: list[int], width: int) -> set[int]:
    """The columns no data line has a number in: the row labels' (and a vertical group cell's)."""
    numeric = {column for i in data_at for column, _, segment in rows[i] if _is_numeric(segment)}
    return set(range(width)) - numeric


def _join_label_parts(lines: list[dict], rows: dict[float, list[Placed]], data_at: list[int], labels: set[int],
                      header_end: int, columns: list[tuple[float, float]]) -> None:  # fmt: skip
    """Lines that hold only label words (a label wrapped over lines, the numbers centred on one of
    them) go into a data line: a line starting a row label (（二）…, 1.…) into the data line right
    under it when that line's label does not start one itself, any other into the nearest data
    line. A word joins the label it stands over in the same column, else is a cell of its own."""
    for i in sorted(i for i in rows if isinstance(i, int) and i >= header_end and i not in data_at):
        placed = rows[i]
        # by where its words are centred: a wide label may reach into the 序号 column's share
        if any(_column_at(segment.center, columns) not in labels for _, _, segment in placed):
            continue
        if any(_starts_row([segment]) for _, _, segment in placed):
            below = rows.get(i + 1) if i + 1 in data_at else None
            if below is None or any(_starts_row([s]) for c, _, s in below if c in labels):
                continue
            owner = i + 1
        elif i > data_at[0]:
            owner = min(data_at, key=lambda d: (abs(lines[d]["top"] - lines[i]["top"]), -d))
        else:
            continue
        for _, _, part in rows.pop(i):
            same = next((s for c, _, s in rows[owner] if part.x0 < s.x1 and part.x1 > s.x0
                         and _column_at(s.center, columns) == _column_at(part.center, columns)), None)
            if same is None:  # a cell of its own, in the column its words are centred in
                rows[owner] = sorted(rows[owner] + [(_column_at(part.center, columns), 1, part)], key=lambda item: item[2].x0)
            elif i < owner:
                same.text = part.text + same.text
            else:
                same.text += part.text


def _trailing_end(lines: list[dict], cut: list[list[Segment]], end: int) -> int:
    """The run with the short lines right under its last line: one cell each, closer than a line
    gap (the end of a vertical cell's text), or a table marker that ends the page (第二十条第（五）项
    whose rows go on on the next page)."""
    while end < len(lines) and len(cut[end]) == 1 and not _ends_run(lines[end], cut[end]):
        close = lines[end]["top"] - lines[end - 1]["bottom"] <= TRAILING_GAP_EM * cut[end][0].size
        if not close and not (end == len(lines) - 1 and _starts_row(cut[end])):
            break
        end += 1
    return end


def _under_header(placed: list[Placed], header_spans: dict[int, int]) -> list[Placed]:
    """A data line's numbers under a header cell over several columns (本年收费金额 over three)
    are that one column's: the number is one cell with the header's span. Two numbers there are
    left as they are (the row then has too many values and is not read)."""
    merged = list(placed)
    for first, span in header_spans.items():
        inside = [item for item in merged if first <= item[0] < first + span]
        if len(inside) == 1:
            merged[merged.index(inside[0])] = (first, span, inside[0][2])
    return merged


def _grid_row(placed: list[Placed], width: int) -> list[Cell]:
    """One cell per column, several where several segments share one, an empty cell where a
    column has none."""
    row: list[Cell] = []
    column = 0
    while column < width:
        here = [(span, segment) for c, span, segment in placed if c == column]
        if here:
            row.extend(Cell(segment.text) for _, segment in here[:-1])
            span = here[-1][0]
            row.append(Cell(here[-1][1].text, colspan=span))
            column += span
        else:
            row.append(Cell(""))
            column += 1
    return row


def _table(lines: list[dict], cut: list[list[Segment]], start: int, end: int) -> LayoutTable | None:
    data_at = [i for i in range(start, end) if any(_is_numeric(s) for s in cut[i])]
    if not data_at:
        return None
    columns = _columns([cut[i] for i in data_at])
    if len(columns) < 2:
        return None
    end = _trailing_end(lines, cut, end)
    rows: dict[float, list[Placed]] = {}
    for i in range(start, end):
        rows[i] = [(covered[0], len(covered), segment) for segment in cut[i] for covered in [_covered(segment, columns)]]
    header_end = next((i for i in range(start, data_at[0]) if source_label(cut[i][0].text).level is not None), data_at[0])
    _stack_header(rows, range(start, header_end))
    _join_label_parts(lines, rows, data_at, _label_columns(rows, data_at, len(columns)), header_end, columns)
    grid_rows = []
    header_spans: dict[int, int] = {}
    for i in sorted(rows):
        placed = rows[i]
        if len(placed) == 1 and not _is_numeric(placed[0][2]):
            grid_rows.append([Cell(placed[0][2].text, colspan=len(columns))])  # a line of its own
            continue
        if i in data_at:
            placed = _under_header(placed, header_spans)
        elif len(placed) > 1:
            header_spans = {column: span for column, span, _ in placed if span > 1}
        grid_rows.append(_grid_row(placed, len(columns)))
    block = Block("table", rows=grid_rows)
    # The rest of a table the page before began (at the top of the page, or under the header it
    # repeats) may be too short to be read alone: it is kept, to be joined to that table.
    continued = start == 0 or any(_is_marker(segment.text) for segment in cut[start])
    if not continued and not read_tables([block]).read_any:
        return None
    return LayoutTable(block, range(start, end), columns[0][0], columns[-1][1], lines[start]["top"])
