"""The three statutory tables (表二, 表三, 表四) read from table blocks.

CONTRACT (implemented by the tables work):

    read_tables(blocks: list[Block]) -> TableReading

finds 表二/表三/表四 among the document's table blocks by their labels (never by position
alone), reads them with the label tables of ../shared/spec/report-format.md, and returns the
format detected from the labels.

Every table block is turned into lines (grid.py). A line that carries a table's marker — a
「第二十条第（N）项」 block header, an enumerated 表三 label or the check note, the 行政复议/行政诉讼
header — starts that table's lines; following lines belong to it until another marker. Lines of
one table from several blocks (a table split over two `<table>`s, 表二 blocks as separate tables)
are read together. Lines before any marker (layout, contact or chart tables) are ignored.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from govcrawl.extract.document import Block
from govcrawl.extract.tables.active_disclosure import read_active_disclosure, starts_block
from govcrawl.extract.tables.applications import is_applications_line, read_applications
from govcrawl.extract.tables.grid import Line, lines
from govcrawl.extract.tables.review_litigation import is_review_header, read_review_litigation
from govcrawl.extract.tables.statistics import read_statistics

TABLE_NAMES = ("active_disclosure", "applications", "review_litigation")
READERS = {
    "active_disclosure": read_active_disclosure,
    "applications": read_applications,
    "review_litigation": read_review_litigation,
}


@dataclass
class TableReading:
    format: str | None = None  # "gov2019" | "gov2021" from the labels; None when no statutory table was found
    tables: dict[str, dict | None] = field(default_factory=lambda: dict.fromkeys(TABLE_NAMES))
    cells: list[dict] = field(default_factory=list)  # {"table","row","col","value","raw","label"}
    extra_rows: list[dict] = field(default_factory=list)  # local rows outside the national format, raw labels
    # The pre-2019 statistics table (tables/statistics.py): §5.3 key → the year's value, and
    # raw label → value for its rows without a key.
    statistics: dict[str, int | float] = field(default_factory=dict)
    statistics_extra: dict[str, int | float] = field(default_factory=dict)

    @property
    def read_any(self) -> bool:
        """A statutory table or the statistics table was read."""
        return bool(self.statistics) or any(table is not None for table in self.tables.values())


def read_tables(blocks: list[Block]) -> TableReading:
    table_lines: dict[str, list[Line]] = {name: [] for name in TABLE_NAMES}
    for block in blocks:
        if block.kind != "table":
            continue
        current = None
        for line in lines(block.rows):
            current = _table_started_by(line) or current
            if current:
                table_lines[current].append(line)
    reading = TableReading()
    statistics = read_statistics([block.rows for block in blocks if block.kind == "table"])
    reading.statistics, reading.statistics_extra = statistics.stats, statistics.extra
    reading.cells.extend(statistics.cells)
    results = {name: READERS[name](table_lines[name]) for name in TABLE_NAMES}
    for name, result in results.items():
        if result is not None:
            reading.tables[name] = result.values
            reading.cells.extend(result.cells)
            reading.extra_rows.extend(result.extra_rows)
    # 表二's labels tell the format; 表三's （六） rows only when 表二 is missing, since some
    # gov2021 copies keep （六）其他处理 as one row (hongze 2023).
    for name in ("active_disclosure", "applications"):
        if results[name] is not None and results[name].formats:
            reading.format = _majority(results[name].formats)
            break
    return reading


def _table_started_by(line: Line) -> str | None:
    if starts_block(line):
        return "active_disclosure"
    if is_review_header(line):
        return "review_litigation"
    if is_applications_line(line):
        return "applications"
    return None


def _majority(formats: list[str]) -> str | None:
    ranked = Counter(formats).most_common(2)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]
