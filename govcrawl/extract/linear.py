"""Linearised tables in text: the statutory tables flattened into lines, turned back into rows.

Text files (and the text of PDF/DOC files) carry 表二/表三/表四 flattened in one of three shapes
(report-format.md §6.14):

- **blank rhythm**: one cell per line, a blank line after every cell, and one more blank line
  for every EMPTY cell (k blank lines between two cells = k − 1 empty cells). A cell written
  over several lines (「本年新」 / 「制作数量」) has no blank line inside. Rows are not marked:
  they are recovered from the labels — a row starts at a row label, and the number of value
  cells that follow it is known from the table being read (7 in 表三, 15 in 表四, in 表二 as many
  as the block's 「信息内容」 header has columns).
- **tab cells** (Word files converted to text): every cell is a line starting with a tab, an
  empty cell is a line holding just a tab, a line without a tab continues the cell above it
  (「本年新」 / 「公开数量」), and a blank line ends a table row.
- **pipe rows** (markdown-ish copies): one row per line, cells between 「|」; rowspan group
  labels are written on the first row of the group only (the 表三 reader carries them forward).

A region starts at a line carrying a table marker (a 「第二十条第（N）项」 block header, 「信息内容」,
the 表三 check note or applicant heading or an enumerated 表三 label, 「行政复议」, the header of
a pre-2019 statistics table) and runs to the next report section heading or prose line. It
becomes a table block only when the table readers (tables/) read a statutory or statistics
table from it; otherwise its lines stay text. Nothing is
filled in: a row whose value cells cannot be counted exactly is handed on in a form the readers
skip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from govcrawl.extract.chrome import without_chrome_fragments
from govcrawl.extract.document import Block, Cell
from govcrawl.extract.sections import HEADING, section_key
from govcrawl.extract.tables import read_tables
from govcrawl.extract.tables.applications import is_applications_line, is_check_note
from govcrawl.extract.tables.labels import (
    ACTIVE_DISCLOSURE_HEADER,
    APPLICANT_HEADING,
    APPLICATION_COLUMNS,
    REVIEW_GROUPS,
    REVIEW_OUTCOMES,
    article_20_item,
    label_key,
    normalise,
    source_label,
)
from govcrawl.extract.tables.statistics import (
    is_skipped_column,
    is_statistics_header,
    is_statistics_header_word,
    is_unit,
)
from govcrawl.extract.tables.values import is_value

__all__ = ["tables_in_lines"]

BLANK_RHYTHM, TAB_CELLS, PIPE_ROWS = "blank", "tab", "pipe"
ACTIVE, APPLICATIONS, REVIEW = "active_disclosure", "applications", "review_litigation"
APPLICATION_WIDTH = len(APPLICATION_COLUMNS)
REVIEW_WIDTH = len(REVIEW_GROUPS) * len(REVIEW_OUTCOMES)
REVIEW_MARKER = label_key(REVIEW_GROUPS[0][1])  # 行政复议
# A table cell is short; a longer line, or a sentence, is the prose after the table.
MAX_CELL_CHARS = 80
MAX_SENTENCE_CELL_CHARS = 30
# A line without a tab continues the tab cell above it only when it is this short.
MAX_CONTINUATION_CHARS = 12
# What a row whose values cannot be counted is handed on as: one cell that is not a value, so
# the readers' exact count fails and the row is skipped. Its text stays readable.
UNCOUNTED_SEPARATOR = " | "
_MARKDOWN_RULE = re.compile(r":?-{3,}:?")


def tables_in_lines(lines: list[str]) -> list[Block]:
    """The blocks of a text document in reading order: one text block per non-empty line
    (stripped), and one table block (`rows` of `Cell`s, no spans) for every region of lines the
    table readers read a statutory table from.

    `lines` are the document's lines as written, without line ends but with their leading tabs
    and the blank lines kept: both carry the table's structure. A PDF or DOC front end passes
    its extracted text split on "\\n".
    """
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        found = _table_at(lines, index)
        if found is not None:
            block, index = found
            blocks.append(block)
            continue
        text = lines[index].strip()
        if text:
            blocks.append(Block("text", text))
        index += 1
    return blocks


def _table_at(lines: list[str], start: int) -> tuple[Block, int] | None:
    """(the table block, the index after its region) when a table region starts at `start`.

    A pre-2019 statistics table (tables/statistics.py) starts at its header; its rows include
    numbered headings (「一、主动公开情况」), so only prose ends its region, and written one cell
    per line its rows are cut at the header's width, up to the first row that is not one of the
    table's (a label, a unit, values)."""
    first = _first_cell(lines[start])
    if first is None:
        return None
    statistics = is_statistics_header(first)
    if not statistics and not _starts_table(first):
        return None
    shape = _shape(lines, start)
    end = _region_end(lines, start, shape, headings_end=not statistics)
    region = lines[start:end]
    if shape == PIPE_ROWS:
        rows = _pipe_rows(region)
    elif shape == TAB_CELLS:
        rows = _tab_rows(region)
    elif statistics:
        rows, used = _fixed_width_rows(_rhythm_cells(region), len(region))
        end = start + used
    else:
        rows = _stream_rows([(text, soft) for text, soft, _ in _rhythm_cells(region)], blank_label_cells=False)
    block = Block("table", rows=[[Cell(text) for text in row] for row in rows if row])
    reading = read_tables([block])
    if not (reading.statistics if statistics else any(table is not None for table in reading.tables.values())):
        return None
    return block, end


def _fixed_width_rows(cells: list[tuple[str, bool, int]], region_lines: int) -> tuple[list[list[str]], int]:
    """(rows, lines used): the header is the run of header words the cells start with; each row
    after it has as many cells, a label where the header has its label and values after the unit."""
    width = next((i for i, (text, _, _) in enumerate(cells) if not is_statistics_header_word(text)), len(cells))
    header = [text for text, _, _ in cells[:width]]
    label_at = next((i for i, text in enumerate(header) if is_statistics_header(text) and not is_skipped_column(text)), 0)
    rows, begin = [header], width
    while width and begin + width <= len(cells):
        row = [text for text, _, _ in cells[begin : begin + width]]
        label, rest = row[label_at], row[label_at + 1 :]
        if not label or is_value(label) or not all(is_value(t) or is_unit(t) for t in rest):
            break
        rows.append(row)
        begin += width
    return rows, cells[begin][2] if begin < len(cells) else region_lines


# --- where a region starts and ends ------------------------------------------------------------


def _clean(text: str) -> str:
    return without_chrome_fragments(text).strip()


def _first_cell(line: str) -> str | None:
    cells = _pipe_cells(line)
    text = next((c for c in cells if c), None) if cells else _clean(line)
    return text or None


def _starts_table(text: str) -> bool:
    if len(normalise(text)) > MAX_CELL_CHARS:
        return False
    key = label_key(text)
    return (
        article_20_item(text) is not None
        or key in (ACTIVE_DISCLOSURE_HEADER, APPLICANT_HEADING, REVIEW_MARKER)
        or is_check_note(text)
        or is_applications_line([text])
    )


def _is_table_label(text: str) -> bool:
    return article_20_item(text) is not None or is_applications_line([text])


def _ends_table(text: str, headings_end: bool = True) -> bool:
    """A report section heading (「四、政府信息公开行政复议、行政诉讼情况」, not the 表三 row
    「四、结转下年度继续办理」) or a line of prose."""
    compact = normalise(text)
    if len(compact) > MAX_CELL_CHARS or ("。" in text and len(compact) > MAX_SENTENCE_CELL_CHARS):
        return True
    heading = HEADING.fullmatch(text.strip())
    return headings_end and heading is not None and section_key(heading.group("title")) is not None and not _is_table_label(text)


def _shape(lines: list[str], start: int) -> str:
    """Pipe rows when the region's first line or the next written one is a pipe row (a block
    header may stand alone above them); tab cells when it starts with a tab; else blank rhythm."""
    following = next((line for line in lines[start + 1 :] if line.strip()), "")
    if _pipe_cells(lines[start]) or _pipe_cells(following):
        return PIPE_ROWS
    return TAB_CELLS if lines[start].startswith("\t") else BLANK_RHYTHM


def _region_end(lines: list[str], start: int, shape: str, headings_end: bool = True) -> int:
    """The index of the first line after the region that starts at `start`. `headings_end`: a
    report section heading ends it (the statistics table has rows that look like headings)."""
    previous_blank = False
    for index in range(start + 1, len(lines)):
        line = lines[index]
        blank = not line.strip() and not (shape == TAB_CELLS and line.startswith("\t"))
        if blank:
            previous_blank = True
            continue
        text = _first_cell(line) or ""
        if _ends_table(text, headings_end):
            return index
        if shape == TAB_CELLS and not line.startswith("\t") and (previous_blank or not _continues(lines[index - 1], line)):
            return index
        if shape == PIPE_ROWS and not _pipe_cells(line) and not _is_table_label(text):
            return index
        previous_blank = False
    return len(lines)


# --- the three shapes --------------------------------------------------------------------------


def _pipe_cells(line: str, outer: bool | None = None) -> list[str] | None:
    """The cells of a 「a | b | c」 line, None when the line is not such a row. `outer`: the
    copy writes 「| a | b |」, so the first and last pipes are not cell borders; None when
    unknown (a lone line), where a line that starts and ends with a pipe is taken as outer."""
    text = line.strip()
    framed = len(text) > 1 and text.startswith("|") and text.endswith("|")
    if outer is None:
        outer = framed
    if outer and framed:
        parts = text[1:-1].split("|")
    else:
        parts = line.split("|")
    cells = [_clean(cell) for cell in parts]
    return cells if len(cells) >= 2 or (outer and framed) else None


def _pipe_rows(region: list[str]) -> list[list[str]]:
    """One row per line. Whether the rows are framed 「| a | b |」 is decided for the region: a
    row whose first and last cells are empty looks framed on its own."""
    piped = [line.strip() for line in region if "|" in line]
    outer = bool(piped) and all(len(t) > 1 and t.startswith("|") and t.endswith("|") for t in piped)
    rows = []
    for line in region:
        cells = _pipe_cells(line, outer)
        if cells is None:
            cells = [_clean(line)] if line.strip() else []
        if cells and not all(_MARKDOWN_RULE.fullmatch(c) for c in cells):
            rows.append(cells)
    return rows


def _continues(previous: str, line: str) -> bool:
    """A line without a tab is the rest of the tab cell above it (「本年新」 / 「公开数量」)."""
    above, text = _clean(previous), _clean(line)
    return (
        previous.startswith("\t")
        and bool(above)
        and not is_value(above)
        and not is_value(text)
        and len(text) <= MAX_CONTINUATION_CHARS
    )


def _tab_rows(region: list[str]) -> list[list[str]]:
    """Rows ended by blank lines; without any blank line the rows are recovered from the labels."""
    rows: list[list[str]] = [[]]
    for line in region:
        if line.startswith("\t"):
            rows[-1].append(_clean(line))
        elif line.strip():
            rows[-1][-1] = f"{rows[-1][-1]}\n{_clean(line)}" if rows[-1] else _clean(line)
        elif rows[-1]:
            rows.append([])
    rows = [row for row in rows if row]
    if len(rows) == 1:
        return _stream_rows([(text, False) for text in rows[0]], blank_label_cells=True)
    return rows


def _rhythm_cells(region: list[str]) -> list[tuple[str, bool, int]]:
    """The cells of a blank-rhythm region as (text, soft, index of its first line in the region):
    k blank lines between two cells are k − 1 empty cells; the empty cells the blank lines at the
    region's end would make are soft, since a page may also leave blank lines before the next
    heading."""
    cells: list[tuple[str, bool, int]] = []
    paragraph: list[str] = []
    paragraph_at = 0
    blanks = 0
    for index, line in enumerate(region):
        text = _clean(line)
        if not line.strip():
            if paragraph:
                cells.append((_paragraph_cell(paragraph), False, paragraph_at))
                paragraph = []
            blanks += 1
            continue
        if not paragraph and cells:
            cells.extend(("", False, index - blanks + 1 + k) for k in range(blanks - 1))
        if not paragraph:
            paragraph_at = index
        blanks = 0
        paragraph.append(text)
    if paragraph:
        cells.append((_paragraph_cell(paragraph), False, paragraph_at))
    else:
        cells.extend(("", True, len(region) - blanks + 1 + k) for k in range(blanks - 1))
    return cells


def _paragraph_cell(lines: list[str]) -> str:
    """Lines without a blank between them are one cell (a label broken over lines). Numbers on
    consecutive lines are not joined into one number: the cell is left unreadable."""
    if len(lines) > 1 and any(is_value(text) for text in lines):
        return UNCOUNTED_SEPARATOR.join(lines)
    return "\n".join(lines)


# --- rows from a stream of cells ---------------------------------------------------------------


@dataclass
class _State:
    table: str | None = None
    width: int | None = None  # value cells per data row of the current table or 表二 block


def _stream_rows(cells: list[tuple[str, bool]], blank_label_cells: bool) -> list[list[str]]:
    """Rows from cells in reading order: each run of label cells and the run of value cells after
    it. The label run is split into marker rows, header rows and the row's own labels by the
    table's labels; the row keeps its values only when there are exactly as many as the table
    has columns. `blank_label_cells`: empty cells just before a label are that row's empty label
    cells (a Word grid), not values of the row before."""
    rows: list[list[str]] = []
    state = _State()
    index = 0
    carried: list[str] = []  # empty label cells of the next row
    while index < len(cells):
        labels: list[str] = []
        while index < len(cells) and not is_value(cells[index][0]):
            labels.append(cells[index][0])
            index += 1
        values: list[tuple[str, bool]] = []
        while index < len(cells) and is_value(cells[index][0]):
            values.append(cells[index])
            index += 1
        own_labels = carried + _label_rows(labels, bool(values), state, rows)
        carried = []
        if blank_label_cells and index < len(cells) and state.width is not None:
            while len(values) > state.width and not values[-1][0].strip():
                carried.append(values.pop()[0])
        if values:
            rows.append(own_labels + _counted(values, state.width))
        elif own_labels:
            rows.append(own_labels)
    return rows


def _marker(text: str, table: str | None) -> tuple[str, int | None, str] | None:
    """(table, value cells per row, role) of a label that starts a table or a part of one; role
    "own" for a row of its own, "header" for the start of a header run, "row" for a row label."""
    key = label_key(text)
    if article_20_item(text) is not None:
        return ACTIVE, None, "own"
    if key == ACTIVE_DISCLOSURE_HEADER:
        return ACTIVE, None, "header"
    if is_check_note(text) or key == APPLICANT_HEADING:
        return APPLICATIONS, APPLICATION_WIDTH, "header"
    if key == REVIEW_MARKER:
        return REVIEW, REVIEW_WIDTH, "header"
    if table != APPLICATIONS and is_applications_line([text]):
        return APPLICATIONS, APPLICATION_WIDTH, "row"
    return None


def _label_rows(labels: list[str], has_values: bool, state: _State, rows: list[list[str]]) -> list[str]:
    """Append the marker and header rows found in a run of label cells to `rows`, update the
    table state, and return the labels of the data row the run ends with."""
    pending: list[str] = []
    header: list[str] | None = None
    for text in labels:
        marker = _marker(text, state.table)
        if marker is None:
            (header if header is not None else pending).append(text)
            continue
        rows.extend(done for done in (pending, header) if done)
        state.table, state.width, role = marker
        pending, header = ([text], None) if role == "row" else ([], [text]) if role == "header" else ([], None)
        if role == "own":
            rows.append([text])
    if header is not None:
        cut = _header_end(header, has_values, state)
        if header[:cut]:
            rows.append(header[:cut])
        pending = header[cut:] + pending
    if len(pending) > 1 and state.table in (APPLICATIONS, ACTIVE):
        # 表三 row labels are enumerated (（三）不予公开 / 1.属于国家秘密); a 表二 row has one.
        enumerated = (i for i, text in enumerate(pending) if source_label(text).level is not None)
        cut = next(enumerated, len(pending) - 1) if state.table == APPLICATIONS else len(pending) - 1
        if pending[:cut]:
            rows.append(pending[:cut])
        pending = pending[cut:]
    return pending


def _header_end(header: list[str], has_values: bool, state: _State) -> int:
    """Where a header run ends and the first data row's labels begin, setting 表二's width."""
    if state.table == REVIEW:
        return len(header)
    if state.table == ACTIVE:
        cut = len(header) - 1 if has_values and len(header) > 1 else len(header)
        state.width = cut - 1 if label_key(header[0]) == ACTIVE_DISCLOSURE_HEADER and cut > 1 else None
        return cut
    first_row = next((i for i, text in enumerate(header) if i and source_label(text).level is not None), None)
    return first_row if first_row is not None else len(header)


def _counted(values: list[tuple[str, bool]], width: int | None) -> list[str]:
    """The row's value cells when their count is the table's, else one cell the readers skip.
    Soft empty cells at the end (blank lines before the next heading) count only as needed."""
    texts = [text for text, _ in values]
    hard = len([1 for _, soft in values if not soft])
    if width is None or len(texts) == width:
        return texts
    if hard <= width < len(texts):
        return texts[:width]
    return [UNCOUNTED_SEPARATOR.join(texts)] if len(texts) > (width or 0) else texts
