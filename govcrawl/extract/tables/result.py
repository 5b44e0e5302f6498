"""What reading one statutory table yields, before it goes into the `TableReading`."""

from __future__ import annotations

from dataclasses import dataclass, field

from govcrawl.extract.tables.grid import Line
from govcrawl.extract.tables.values import is_value, parse_value


@dataclass
class TableResult:
    name: str  # "active_disclosure" | "applications" | "review_litigation"
    values: dict[str, dict[str, int | float]] = field(default_factory=dict)
    cells: list[dict] = field(default_factory=list)
    extra_rows: list[dict] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)  # the format of each label read that tells one
    rows_read: set[str] = field(default_factory=set)

    def add_row(self, row: str, label: str, entries: list[tuple[str, str, int | float | None]]) -> None:
        """Record a row's (col, raw, value) entries. A row read twice (the table repeated on the
        page) keeps its first reading. A value of None is a cell that could not be read: it stays
        in the cell feed with its raw text and is left out of the record."""
        if row in self.rows_read:
            return
        self.rows_read.add(row)
        for col, raw, value in entries:
            self.cells.append({"table": self.name, "row": row, "col": col, "value": value, "raw": raw, "label": label})
            if value is not None:
                self.values.setdefault(row, {})[col] = value

    def add_extra_row(self, label: str, raws: list[str], **where: str | None) -> None:
        self.extra_rows.append({"table": self.name, **where, "label": label, "raw": raws})


def split_line(line: Line, count: int) -> tuple[list[str], list[str] | None]:
    """A line as (label cells, exactly `count` value cells) — the value cells being those after
    the last label cell. Blank cells just before the values are empty label cells (a blank
    sub-label cell next to 「（六）其他处理」) when the row would otherwise have too many values.
    None for the values when the row does not have `count` of them."""
    last_label = max((i for i, text in enumerate(line) if not is_value(text)), default=-1)
    labels, values = line[: last_label + 1], line[last_label + 1 :]
    extra = len(values) - count
    if extra > 0 and all(parse_value(text).blank for text in values[:extra]):
        labels, values = labels + values[:extra], values[extra:]
    return labels, (values if len(values) == count else None)


def all_blank(raws: list[str]) -> bool:
    return all(parse_value(text).blank for text in raws)
