"""表二 主动公开政府信息情况: blocks headed 「第二十条第（N）项」, each with a 「信息内容」 header row.

Within a block the n-th value cell of a data row belongs to the n-th column label of the
header row: the header and the data rows may put their colspans on different columns
(report-format.md §6.13), so grid columns cannot be trusted.

A transposed copy writes a block the other way round: the header row names the contents
(信息内容 | 规章 | 行政规范性文件) and each data row a figure (本年制发件数 | 2 | 5). The same
labels read it; which way a block runs is told by what its header row names.
"""

from __future__ import annotations

from govcrawl.extract.tables.grid import Line
from govcrawl.extract.tables.labels import (
    ACTIVE_DISCLOSURE_BLOCKS,
    ACTIVE_DISCLOSURE_COLUMNS,
    ACTIVE_DISCLOSURE_HEADER,
    ACTIVE_DISCLOSURE_ROWS,
    MONEY_COLUMNS,
    article_20_item,
    best_match,
    label_key,
    normalise,
    source_label,
)
from govcrawl.extract.tables.result import TableResult, split_line
from govcrawl.extract.tables.values import as_count, as_wan_yuan, parse_value

Column = tuple[str, str | None, str | None]  # key, format, money unit


def starts_block(line: Line) -> bool:
    return bool(line) and article_20_item(line[0]) is not None


def read_active_disclosure(lines: list[Line]) -> TableResult | None:
    table = TableResult("active_disclosure")
    block: str | None = None
    columns: list[Column | None] | None = None
    transposed: Transposed | None = None
    for line in lines:
        while line and article_20_item(line[0]) is not None:
            if transposed:
                transposed.flush(table)
            block, columns, transposed = ACTIVE_DISCLOSURE_BLOCKS.get(article_20_item(line[0])), None, None
            line = line[1:]
        if not line:
            continue
        if label_key(line[0]) == ACTIVE_DISCLOSURE_HEADER:
            columns = [_column(text) for text in line[1:]]
            if not any(columns):
                transposed, columns = Transposed.from_header(block, line[1:], table), None
            table.formats.extend(column[1] for column in columns or () if column and column[1])
            continue
        if transposed is not None:
            transposed.read(line)
            continue
        if columns is None:
            continue
        labels, raws = split_line(line, len(columns))
        named = [text for text in labels if text.strip()]
        if not named or raws is None:
            continue
        _read_row(table, block, named[0], raws, columns)
    if transposed:
        transposed.flush(table)
    return table if table.values else None


class Transposed:
    """A block whose header row names the contents and whose data rows name the figures."""

    def __init__(self, rows: list[tuple[str, str] | None]):
        self.rows = rows  # per value cell: (row key, the content's label as printed), or None
        self.entries: dict[str, list[tuple[str, str, int | float | None]]] = {}
        self.formats: list[str] = []  # the formats the figures' labels tell

    @classmethod
    def from_header(cls, block: str | None, texts: list[str], table: TableResult) -> Transposed | None:
        rows = []
        for text in texts:
            match = _row_key(block, text)
            if match is not None and match[1]:
                table.formats.append(match[1])
            rows.append((match[0], text) if match else None)
        return cls(rows) if any(rows) else None

    def read(self, line: Line) -> None:
        labels, raws = split_line(line, len(self.rows))
        named = [text for text in labels if text.strip()]
        column = _column(named[0]) if named and raws is not None else None
        if column is None:
            return
        if column[1]:
            self.formats.append(column[1])
        for row, raw in zip(self.rows, raws):
            if row is not None:
                self.entries.setdefault(row[0], []).append((column[0], raw, _value(raw, column)))

    def flush(self, table: TableResult) -> None:
        table.formats.extend(self.formats)
        labels = {row: label for row, label in filter(None, self.rows)}
        for row, entries in self.entries.items():
            table.add_row(row, labels[row], entries)
        self.entries, self.formats = {}, []


def _row_key(block: str | None, label: str) -> tuple[str, str | None] | None:
    """The row key (and the format its label tells) of a content label within a block."""
    candidates = [((key, fmt), None, canonical) for key, canonical, fmt in ACTIVE_DISCLOSURE_ROWS.get(block, ())]
    return best_match(source_label(label), candidates)


def _read_row(table: TableResult, block: str | None, label: str, raws: list[str], columns: list[Column | None]) -> None:
    match = _row_key(block, label)
    if match is None:
        table.add_extra_row(label, raws, block=block)
        return
    row, fmt = match
    if fmt:
        table.formats.append(fmt)
    entries = [(column[0], raw, _value(raw, column)) for raw, column in zip(raws, columns) if column]
    table.add_row(row, label, entries)


def _column(header: str) -> Column | None:
    candidates = [((key, fmt, unit), None, canonical) for key, canonical, fmt, unit in ACTIVE_DISCLOSURE_COLUMNS]
    match = best_match(source_label(header), candidates)
    if match is None:
        return None
    key, fmt, unit = match
    written = normalise(header)
    # The header's own unit (采购总金额(万元,保留四位小数), 采购总金额（元）) overrides the format's.
    if "万元" in written:
        unit = "万元"
    elif "元" in written:
        unit = "元"
    return key, fmt, unit


def _value(raw: str, column: Column) -> int | float | None:
    key, _, unit = column
    value = parse_value(raw)
    return as_wan_yuan(value, unit) if key in MONEY_COLUMNS else as_count(value)
