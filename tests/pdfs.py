"""Report PDFs built for the tests with reportlab, the way word processors lay them out: prose
paragraphs, and tables with or without ruling lines, cells centred in their column (and over the
rows they span), labels too wide for their column wrapped onto more lines, a table running onto
the next page with its header repeated. The font is the Adobe-GB1 CID font every PDF reader
knows (STSong-Light), so no font file is needed and the text layer holds real Unicode text."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
SIZE = 10.5
LEADING = 15.0
MARGIN = 60.0
CELL_PADDING = 4.0
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


@dataclass
class PdfCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class PdfTable:
    widths: list[float]  # column widths, pt
    rows: list[list[PdfCell | str]]
    header_rows: int = 0  # repeated at the top of a continuation page
    ruled: bool = False


def _wrap(text: str, width: float) -> list[str]:
    lines, line = [], ""
    for char in text:
        if line and pdfmetrics.stringWidth(line + char, FONT, SIZE) > width:
            lines.append(line)
            line = ""
        line += char
    return lines + [line] if line else lines or [""]


class _Writer:
    def __init__(self):
        self.buffer = io.BytesIO()
        self.pdf = canvas.Canvas(self.buffer, pagesize=A4)
        self.width, self.height = A4
        self.y = self.height - MARGIN

    def new_page(self):
        self.pdf.showPage()
        self.y = self.height - MARGIN

    def paragraph(self, text: str):
        for number, line in enumerate(_wrap(text, self.width - 2 * MARGIN - 2 * SIZE)):
            if self.y < MARGIN + LEADING:
                self.new_page()
            self.pdf.setFont(FONT, SIZE)
            self.pdf.drawString(MARGIN + (2 * SIZE if number == 0 else 0), self.y, line)
            self.y -= LEADING

    def table(self, table: PdfTable):
        grid = _placed(table)
        heights = [_row_height(table, grid, r) for r in range(len(table.rows))]
        lefts = [MARGIN + sum(table.widths[:c]) for c in range(len(table.widths) + 1)]
        header = list(range(table.header_rows))
        start = 0
        while start < len(table.rows):
            if start and table.header_rows and start >= table.header_rows:
                rows = header + list(range(start, len(table.rows)))
            else:
                rows = list(range(start, len(table.rows)))
            top = self.y
            drawn = []
            for r in rows:
                if drawn and top - heights[r] < MARGIN and r >= table.header_rows:
                    break
                drawn.append((r, top))
                top -= heights[r]
            self._draw(table, grid, heights, lefts, drawn)
            start = drawn[-1][0] + 1
            self.y = top - LEADING
            if start < len(table.rows):
                self.new_page()

    def _draw(self, table, grid, heights, lefts, drawn):
        tops = dict(drawn)
        for r, top in drawn:
            for c, cell in grid[r]:
                # a cell spanning rows is drawn in the rows of this page only
                span_rows = [s for s in range(r, r + cell.rowspan) if s in tops]
                height = sum(heights[s] for s in span_rows)
                x0, x1 = lefts[c], lefts[c + cell.colspan]
                lines = _wrap(cell.text, x1 - x0 - 2 * CELL_PADDING)
                first = top - (height - len(lines) * LEADING) / 2 - SIZE
                self.pdf.setFont(FONT, SIZE)
                for k, line in enumerate(lines):
                    width = pdfmetrics.stringWidth(line, FONT, SIZE)
                    self.pdf.drawString((x0 + x1 - width) / 2, first - k * LEADING, line)
                if table.ruled:
                    self.pdf.rect(x0, top - height, x1 - x0, height)

    def bytes(self) -> bytes:
        self.pdf.save()
        return self.buffer.getvalue()


def _placed(table: PdfTable) -> list[list[tuple[int, PdfCell]]]:
    """Each row's cells with the grid column they start at (rowspans above taken into account)."""
    taken: set[tuple[int, int]] = set()
    grid = []
    for r, row in enumerate(table.rows):
        c, placed = 0, []
        for cell in row:
            cell = cell if isinstance(cell, PdfCell) else PdfCell(cell)
            while (r, c) in taken:
                c += 1
            placed.append((c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
        grid.append(placed)
    return grid


def _row_height(table: PdfTable, grid, r: int) -> float:
    lefts = [sum(table.widths[:c]) for c in range(len(table.widths) + 1)]
    lines = [
        len(_wrap(cell.text, lefts[c + cell.colspan] - lefts[c] - 2 * CELL_PADDING))
        for c, cell in grid[r]
        if cell.rowspan == 1
    ]
    return max(lines or [1]) * LEADING + 2 * CELL_PADDING


def report_pdf(parts: list[str | PdfTable]) -> bytes:
    """A PDF of paragraphs (str) and tables in order."""
    writer = _Writer()
    for part in parts:
        if isinstance(part, PdfTable):
            writer.table(part)
        else:
            writer.paragraph(part)
    return writer.bytes()
