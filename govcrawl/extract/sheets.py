"""Workbooks (.xlsx with openpyxl; .xls and WPS .et with xlrd) → Document.

Every visible sheet is cut into regions: runs of rows with content, a wholly empty row ending a
region. A region is one table block, merged ranges becoming rowspan/colspan, so the statutory
tables are read by the same readers as an HTML table. A region whose rows hold one cell each is
prose (a note, a title written down column A) and becomes text blocks; a report title standing
alone above a table becomes a text block too, so the document has its title line.

Values are taken as stored, never as displayed: numbers with Excel's 15 significant digits,
integers without a decimal point. A formula whose result was never computed (files written by
libraries) keeps its formula text, which is no value, so the cell is left unread instead of being
read as a blank, i.e. as 0.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from govcrawl.extract.document import Block, Cell, Document
from govcrawl.extract.errors import ExtractionError
from govcrawl.extract.formats import ET, OLE_SIGNATURE, XLS, XLSX, check_not_encrypted, check_package, check_readable_ole
from govcrawl.extract.limits import Deadline, Limits
from govcrawl.extract.metadata import is_report_title

WORKBOOK_PART = "xl/workbook.xml"
SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
KIND = {XLSX: "XLSX", XLS: "XLS", ET: "ET"}


@dataclass
class Sheet:
    """A sheet's non-empty values and merged ranges, 0-based, ranges inclusive (r0, c0, r1, c1)."""

    values: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


def document_from_workbook(raw: bytes, media_type: str = XLSX, limits: Limits = Limits(), deadline: Deadline | None = None) -> Document:
    deadline = deadline or limits.deadline()
    if media_type == XLSX:
        sheets = _xlsx_sheets(raw, limits, deadline)
    else:
        sheets = _xls_sheets(raw, KIND[media_type], limits, deadline)
    blocks = [block for sheet in sheets for block in sheet_blocks(sheet)]
    return Document(blocks=blocks, media_type=media_type)


# --- reading the workbooks --------------------------------------------------------------------


def check_merges(merges: list[tuple[int, int, int, int]], limits: Limits, kind: str) -> None:
    """Merged ranges (r0, c0, r1, c1) are counted and measured before any is expanded: one range
    can cover every cell of a sheet."""
    limits.check("max_merged_ranges", len(merges), f"{kind} merged ranges")
    area = sum((r1 - r0 + 1) * (c1 - c0 + 1) for r0, c0, r1, c1 in merges)
    limits.check("max_table_cells", area, f"{kind} cells covered by merged ranges")


def _xlsx_merges(raw: bytes) -> list[tuple[int, int, int, int]]:
    """Every worksheet's merged ranges, read from the package's XML (openpyxl expands each range
    into cell objects as it loads, so they are measured before it does)."""
    import lxml.etree
    from openpyxl.utils.cell import range_boundaries

    merges = []
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            with archive.open(name) as part:
                for _event, element in lxml.etree.iterparse(part, tag=f"{{{SPREADSHEET_NS}}}mergeCell", resolve_entities=False, no_network=True):
                    try:
                        c0, r0, c1, r1 = range_boundaries(element.get("ref", ""))
                    except (ValueError, TypeError) as error:
                        raise ExtractionError(f"XLSX {name} has a merged range that is no range: {element.get('ref')!r}") from error
                    merges.append((r0 - 1, c0 - 1, r1 - 1, c1 - 1))
                    element.clear()
    return merges


def _xlsx_sheets(raw: bytes, limits: Limits, deadline: Deadline) -> list[Sheet]:
    import openpyxl  # imported here: HTML-only users of the engine do not pay for it

    check_not_encrypted(raw, "XLSX")
    check_package(raw, "XLSX", WORKBOOK_PART, limits)
    check_merges(_xlsx_merges(raw), limits, "XLSX")
    try:
        computed = openpyxl.load_workbook(io.BytesIO(raw), data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(raw), data_only=False)
    except Exception as error:  # noqa: BLE001 — openpyxl fails in many ways on broken files
        raise ExtractionError(f"XLSX cannot be read: {type(error).__name__}: {error}") from error
    sheets, cells = [], 0
    for worksheet in computed.worksheets:
        if worksheet.sheet_state != "visible":
            continue
        written = formulas[worksheet.title]
        cells += worksheet.max_row * worksheet.max_column
        limits.check("max_sheet_cells", cells, "XLSX cells (rows × columns of its visible sheets)")
        sheet = Sheet()
        for row in worksheet.iter_rows():
            deadline.check(f"XLSX sheet {worksheet.title!r}, row {row[0].row}" if row else "XLSX")
            for cell in row:
                value = cell.value
                if value is None:
                    source = written.cell(cell.row, cell.column).value
                    value = source if isinstance(source, str) and source.startswith("=") else None
                text = cell_text(value)
                if text:
                    sheet.values[cell.row - 1, cell.column - 1] = text
        sheet.merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in worksheet.merged_cells.ranges]
        sheets.append(sheet)
    return sheets


def _xls_sheets(raw: bytes, kind: str, limits: Limits, deadline: Deadline) -> list[Sheet]:
    import xlrd

    if raw.startswith(OLE_SIGNATURE):
        check_readable_ole(raw, kind)  # every stream whole (not truncated), not password-protected
    try:
        book = xlrd.open_workbook(file_contents=raw, formatting_info=True, on_demand=True)
    except Exception as error:  # noqa: BLE001 — xlrd raises many kinds of errors on broken files
        raise ExtractionError(f"{kind} cannot be read: {type(error).__name__}: {error}") from error
    sheets, cells = [], 0
    try:
        for index in range(book.nsheets):
            worksheet = book.sheet_by_index(index)
            if worksheet.visibility != 0:
                continue
            cells += worksheet.nrows * worksheet.ncols
            limits.check("max_sheet_cells", cells, f"{kind} cells (rows × columns of its visible sheets)")
            sheet = Sheet(merges=[(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in worksheet.merged_cells])
            check_merges(sheet.merges, limits, kind)
            for r in range(worksheet.nrows):
                deadline.check(f"{kind} sheet {worksheet.name!r}, row {r + 1}")
                for c in range(worksheet.ncols):
                    text = _xls_text(book, worksheet.cell(r, c))
                    if text:
                        sheet.values[r, c] = text
            sheets.append(sheet)
    except ExtractionError:
        raise
    except Exception as error:  # noqa: BLE001
        raise ExtractionError(f"{kind} cannot be read: {type(error).__name__}: {error}") from error
    finally:
        book.release_resources()
    return sheets


def _xls_text(book, cell) -> str:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        return cell_text(xlrd.xldate_as_datetime(cell.value, book.datemode))
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return cell_text(bool(cell.value))
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERROR")
    return cell_text(cell.value)


def cell_text(value) -> str:
    """A stored value as the text a table cell would show, without formatting."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


# --- a sheet → blocks -------------------------------------------------------------------------


def sheet_blocks(sheet: Sheet) -> list[Block]:
    anchors = {(r0, c0): (r0, c0, r1, c1) for r0, c0, r1, c1 in sheet.merges}
    covering = [m for m in sheet.merges if sheet.values.get((m[0], m[1]))]
    occupied = {r for r, _ in sheet.values} | {r for r0, _, r1, _ in covering for r in range(r0, r1 + 1)}
    blocks = []
    for first, last in _runs(sorted(occupied)):
        blocks.extend(_region_blocks(sheet, anchors, first, last))
    return blocks


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def _region_blocks(sheet: Sheet, anchors: dict, first: int, last: int) -> list[Block]:
    in_rows = [(r, c) for r, c in sheet.values if first <= r <= last]
    merged = [m for m in sheet.merges if m[0] <= last and m[2] >= first and sheet.values.get((m[0], m[1]))]
    left = min([c for _, c in in_rows] + [m[1] for m in merged])
    right = max([c for _, c in in_rows] + [m[3] for m in merged])
    per_row = {r: sorted(c for rr, c in in_rows if rr == r) for r in range(first, last + 1)}
    if all(len(cols) <= 1 for cols in per_row.values()):
        return [Block("text", sheet.values[r, cols[0]]) for r, cols in per_row.items() if cols]
    blocks = []
    while first < last and len(per_row[first]) == 1 and is_report_title(sheet.values[first, per_row[first][0]]):
        blocks.append(Block("text", sheet.values[first, per_row[first][0]]))
        first += 1
    blocks.append(Block("table", rows=_rows(sheet, anchors, first, last, left, right)))
    return blocks


def _rows(sheet: Sheet, anchors: dict, first: int, last: int, left: int, right: int) -> list[list[Cell]]:
    """The region's grid as source cells: a merged range is one cell at its first position inside
    the region, with its spans clipped to the region; the positions it covers are no cells."""
    covered: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for r0, c0, r1, c1 in anchors.values():
        for r in range(max(r0, first), min(r1, last) + 1):
            for c in range(max(c0, left), min(c1, right) + 1):
                covered[r, c] = (r0, c0, r1, c1)
    rows = []
    for r in range(first, last + 1):
        row = []
        for c in range(left, right + 1):
            merge = covered.get((r, c))
            if merge is None:
                row.append(Cell(sheet.values.get((r, c), "")))
                continue
            r0, c0, r1, c1 = merge
            if (r, c) != (max(r0, first), max(c0, left)):
                continue
            text = sheet.values.get((r0, c0), "")
            row.append(Cell(text, rowspan=min(r1, last) - r + 1, colspan=min(c1, right) - c + 1))
        rows.append(row)
    return rows
