"""From a source grid with row/column spans to *lines*: per row, the texts of its cells in order.

The statutory tables are read from lines, not from grid columns: real pages put colspans on
different columns in header and data rows, so "the n-th value cell of the row" is right where the
grid column is wrong (report-format.md §6.13). Spans still matter vertically: a label cell with a
rowspan (「（三）不予公开」 over eight rows) names every row it covers, so it is repeated in each of
them. A value cell with a rowspan is kept in its first row only — copying a number into rows the
source did not write it in would invent data. A text front end can produce the same lines directly.
"""

from __future__ import annotations

from typing import NamedTuple

from govcrawl.extract.document import Cell
from govcrawl.extract.tables.values import is_value

Line = list[str]


class Slot(NamedTuple):
    """One grid position and the source cell covering it. A tuple: every table has one for each
    position, and a frozen dataclass takes three times as long to make."""

    cell_id: int  # the index of the source cell in reading order
    text: str
    first_row: bool  # the position lies in the cell's own row, not in a row it spans into


def expand(rows: list[list[Cell]]) -> list[list[Slot]]:
    """The rectangular-as-possible grid: every position a cell covers holds that cell's slot.
    Rows spanned into beyond the last source row are not rows of the table. A cell's positions
    share its two slots (its own row's, the rows' it spans into): one tuple made per cell, not
    per position."""
    grid: list[dict[int, Slot]] = [{} for _ in rows]  # per row: column → slot
    cell_id = 0
    for r, row in enumerate(rows):
        taken = grid[r]
        c = 0
        for cell in row:
            while c in taken:
                c += 1
            columns = range(c, c + cell.colspan)
            own = Slot(cell_id, cell.text, True)
            for column in columns:
                taken.setdefault(column, own)
            if cell.rowspan > 1:
                below = Slot(cell_id, cell.text, False)
                for covered in grid[r + 1 : r + cell.rowspan]:
                    for column in columns:
                        covered.setdefault(column, below)
            c += cell.colspan
            cell_id += 1
    return [[columns[c] for c in sorted(columns)] for columns in grid]


def lines(rows: list[list[Cell]]) -> list[Line]:
    # A cell's positions in one row hold one slot: its first position stands for all of them.
    return [
        [slot.text for slot in dict.fromkeys(grid_row) if slot.first_row or not is_value(slot.text)]
        for grid_row in expand(rows)
    ]
