"""A PDF report → Document: text paragraphs in reading order, ruled tables as table blocks.

The statutory tables are read from the PDF's ruling lines with pdfplumber's table finder where
there are rulings: layout-mode text puts a row's numbers wherever the columns happen to fall
(hongze 2023's 表四 row comes out shifted). Tables drawn without rulings (Word and WPS exports)
are read from the words' positions instead (pdf_layout.py). Three PDF quirks are handled on the way:

- Backgrounds are not rulings. Word processors paint each prose line or table cell on a filled
  rectangle; such a rectangle is only a ruling when it is thin (a line drawn as a filled bar).
- A table cut by a page break loses its closing border on both pages. Each group of vertical
  rulings is closed at its top and bottom, so the cut row is still a row.
- A table continued on the next page is one table: its parts are joined, and header rows the
  continuation repeats are dropped.

Cell text is built from the characters inside the cell. A number is never joined across a
visible gap: two digit runs apart on one line of one cell are two cells (a ruling the finder
missed), so the row no longer has the expected number of values and is not read, instead of
being read as one made-up number (report-format.md §6.15).

A PDF without a text layer (a scan) becomes image blocks only here; scan.py reads it by OCR.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from statistics import median

from govcrawl.extract.document import Block, Cell, Document
from govcrawl.extract.errors import ExtractionError
from govcrawl.extract.limits import Deadline, Limits
from govcrawl.extract.pdf_layout import layout_tables

MAX_PAGES = 200  # a longer PDF is a yearbook or a compilation, not one report

# A filled rectangle thinner than this (pt) in one direction is a ruling drawn as a bar.
RULING_MAX_THICKNESS = 2.0
# Positions closer than this (pt) are one grid line.
GRID_TOLERANCE = 2.0
# Tables on consecutive pages whose left and right edges are this close (pt) are one table.
CONTINUATION_TOLERANCE = 8.0
# Page furniture: a page number line in the top or bottom margin band (share of the page height).
MARGIN_BAND = 0.1
PAGE_NUMBER = re.compile(r"^[-—–－\s]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[-—–－\s]*$")
# An image at least this share of the page width is content (a table or chart), not an icon.
MIN_IMAGE_WIDTH_SHARE = 0.3

CJK = r"\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019\u2014\u2026"
# Spaces next to a Chinese character are layout (justified lines, autospace between 年 and 2023).
_LAYOUT_SPACE = re.compile(rf"(?<=[{CJK}])[ \t]+|[ \t]+(?=[{CJK}])")
_SPLIT_NUMBER = re.compile(r"^[+-]?\d[\d.,]*(?:[ \t]+[+-]?\d[\d.,]*)+$")
_CJK_CHAR = re.compile(rf"[{CJK}]")


@dataclass
class PageItem:
    """One thing on a page, placed by its top edge: a text line, a table or an image."""

    top: float
    block: Block | None = None  # table or image
    line: dict | None = None  # a pdfplumber text line (text, x0, x1, chars)
    x0: float = 0.0
    x1: float = 0.0
    unruled: bool = False  # a table without rulings (pdf_layout.py)


def document_from_pdf(raw: bytes, limits: Limits = Limits(), deadline: Deadline | None = None) -> Document:
    import pdfplumber  # imported here: HTML-only users of the engine do not pay for it

    deadline = deadline or limits.deadline()
    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
        with pdf:
            pages = pdf.pages
            if len(pages) > MAX_PAGES:
                raise ExtractionError(f"PDF has {len(pages)} pages, more than the {MAX_PAGES} a report can have")
            items_by_page, chars = [], 0
            for page in pages:
                deadline.check(f"PDF page {page.page_number}")
                chars += len(page.chars)
                items_by_page.append(_page_items(page, limits, deadline))
                page.flush_cache()
    except ExtractionError:
        raise
    except Exception as error:  # noqa: BLE001 — pdfminer raises many kinds of errors on broken files
        raise ExtractionError(_reason(error)) from error
    if not chars:
        # A scan: one image block per page, so that the record says where the content was.
        blocks = [Block("image", f"page {n}") for n, _ in enumerate(items_by_page, 1)]
        return Document(blocks=blocks, media_type="application/pdf")
    return Document(blocks=paragraph_blocks(joined_across_pages(items_by_page)), media_type="application/pdf")


def _reason(error: Exception) -> str:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    # pdfplumber wraps pdfminer's errors; the wrapped one tells what is wrong.
    cause = error.args[0] if error.args and isinstance(error.args[0], Exception) else error
    if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
        return f"PDF is encrypted and cannot be opened without a password ({type(cause).__name__})"
    return f"PDF is corrupt or unreadable: {type(cause).__name__}: {cause}"


def has_text_layer(document: Document) -> bool:
    return any(block.kind != "image" for block in document.blocks)


# --- one page ---------------------------------------------------------------------------------


def _page_items(page, limits: Limits, deadline: Deadline) -> list[PageItem]:
    """The page's items; a page with more objects than a report page has is refused before the
    table finder, whose cost grows with the square of the rulings."""
    limits.check("max_pdf_graphics_per_page", len(page.rects) + len(page.lines) + len(page.curves),
                 f"PDF page {page.page_number}, drawn objects")
    limits.check("max_pdf_chars_per_page", len(page.chars), f"PDF page {page.page_number}, characters")
    deadline.check(f"PDF page {page.page_number}, before its tables")
    ruled = page.filter(lambda obj: not _is_background(obj))
    tables = [t for t in ruled.find_tables(_table_settings(ruled)) if _is_data_table(t)]
    items = [PageItem(t.bbox[1], Block("table", rows=_rows(page, t)), x0=t.bbox[0], x1=t.bbox[2]) for t in tables]
    boxes = [t.bbox for t in tables]
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not any(_inside(obj, box) for box in boxes))
    band = page.height * MARGIN_BAND
    lines = []
    for line in outside.extract_text_lines(layout=False, strip=True, return_chars=True):
        text = without_layout_spaces(line["text"])
        in_margin = line["top"] < page.bbox[1] + band or line["bottom"] > page.bbox[3] - band
        if text and not (in_margin and PAGE_NUMBER.match(text)):
            lines.append(dict(line, text=text))
    in_tables: set[int] = set()
    for table in layout_tables(lines):
        items.append(PageItem(table.top, table.block, x0=table.x0, x1=table.x1, unruled=True))
        in_tables.update(table.lines)
    items += [PageItem(line["top"], line=line, x0=line["x0"], x1=line["x1"]) for i, line in enumerate(lines) if i not in in_tables]
    for image in page.images:
        if image["width"] >= page.width * MIN_IMAGE_WIDTH_SHARE and not any(_inside(image, box) for box in boxes):
            items.append(PageItem(image["top"], Block("image", f"page {page.page_number} image"), x0=image["x0"], x1=image["x1"]))
    return sorted(items, key=lambda item: item.top)


def _is_background(obj: dict) -> bool:
    return (
        obj.get("object_type") == "rect"
        and bool(obj.get("fill"))
        and not obj.get("stroke")
        and min(obj["width"], obj["height"]) > RULING_MAX_THICKNESS
    )


def _table_settings(page) -> dict:
    """Lines strategy, plus a closing border at the top and bottom of each group of vertical
    rulings (a table cut by a page break has none there)."""
    verticals = sorted((e for e in page.edges if e["orientation"] == "v"), key=lambda e: e["top"])
    closers, group = [], []

    def close():
        if group:
            x0, x1 = min(e["x0"] for e in group), max(e["x1"] for e in group)
            for y in (min(e["top"] for e in group), max(e["bottom"] for e in group)):
                closers.append({"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0, "object_type": "line"})

    for edge in verticals:
        if group and edge["top"] > max(e["bottom"] for e in group) + GRID_TOLERANCE:
            close()
            group = []
        group.append(edge)
    close()
    return {"vertical_strategy": "lines", "horizontal_strategy": "lines", "explicit_horizontal_lines": closers}


def _is_data_table(table) -> bool:
    """A ruled box around prose or a single framed line is not a data table."""
    return len(table.rows) >= 2 and max(sum(1 for c in row.cells if c is not None) for row in table.rows) >= 2


def _inside(obj: dict, box: tuple[float, float, float, float]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _rows(page, table) -> list[list[Cell]]:
    """The table's rows with spans: a cell spans the grid lines its box crosses."""
    xs = _grid([c[0] for c in table.cells] + [c[2] for c in table.cells])
    ys = _grid([c[1] for c in table.cells] + [c[3] for c in table.cells])
    chars = [c for c in page.chars if _inside(c, table.bbox)]
    rows = []
    for row in table.rows:
        cells = []
        for box in row.cells:
            if box is None:
                continue
            rowspan = max(_index(ys, box[3]) - _index(ys, box[1]), 1)
            colspan = max(_index(xs, box[2]) - _index(xs, box[0]), 1)
            text = _cell_text([c for c in chars if _inside(c, box)])
            cells.extend(_split_numbers(text, rowspan, colspan))
        rows.append(cells)
    return rows


def _grid(positions: list[float]) -> list[float]:
    lines: list[float] = []
    for position in sorted(positions):
        if not lines or position - lines[-1] > GRID_TOLERANCE:
            lines.append(position)
    return lines


def _index(lines: list[float], position: float) -> int:
    return min(range(len(lines)), key=lambda i: abs(lines[i] - position))


def _cell_text(chars: list[dict]) -> str:
    from pdfplumber.utils import extract_text

    text = extract_text(chars, x_tolerance=3, y_tolerance=3) if chars else ""
    lines = (without_layout_spaces(line) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _split_numbers(text: str, rowspan: int, colspan: int) -> list[Cell]:
    """One cell, or — when one line holds numbers apart — one cell per number, the spans on the
    first, so that the row has more values than its table and is left unread."""
    if "\n" in text or not _SPLIT_NUMBER.match(text):
        return [Cell(text, rowspan, colspan)]
    first, *rest = text.split()
    return [Cell(first, rowspan, colspan)] + [Cell(number) for number in rest]


def without_layout_spaces(text: str) -> str:
    return _LAYOUT_SPACE.sub("", text).strip()


# --- the whole document -----------------------------------------------------------------------


def joined_across_pages(items_by_page: list[list[PageItem]]) -> list[PageItem]:
    """All pages' items in order, a table continued at the top of the next page joined to the
    table that ends the page before it."""
    items: list[PageItem] = []
    for page_items in items_by_page:
        first = page_items[0] if page_items else None
        last = items[-1] if items else None
        if (
            first is not None
            and last is not None
            and first.block is not None
            and last.block is not None
            and first.block.kind == last.block.kind == "table"
            and _continues(last, first)
        ):
            last.block.rows.extend(_without_repeated_header(last.block.rows, first.block.rows))
            page_items = page_items[1:]
        items.extend(page_items)
    return items


def _continues(last: PageItem, first: PageItem) -> bool:
    """Ruled tables continue with the same left and right edges. Tables without rulings have no
    edges of their own (they are where the widest words are): one ending a page and one starting
    the next are one; the table readers still tell the statutory tables apart by their markers."""
    if last.unruled or first.unruled:
        return last.unruled and first.unruled
    return abs(first.x0 - last.x0) <= CONTINUATION_TOLERANCE and abs(first.x1 - last.x1) <= CONTINUATION_TOLERANCE


def _without_repeated_header(rows: list[list[Cell]], continuation: list[list[Cell]]) -> list[list[Cell]]:
    def texts(row):
        return [re.sub(r"\s+", "", cell.text) for cell in row]

    repeated = 0
    while repeated < min(len(rows), len(continuation)) and texts(rows[repeated]) == texts(continuation[repeated]):
        repeated += 1
    return continuation[repeated:]


def paragraph_blocks(items: list[PageItem]) -> list[Block]:
    """Text lines joined into paragraphs: a line starts a paragraph when it is indented, when
    the line before it stopped short of the right margin, or when the font size changes."""
    lines = [item.line for item in items if item.line]
    left = median(round(line["x0"]) for line in lines) if lines else 0
    right = sorted(line["x1"] for line in lines)[int(len(lines) * 0.9)] if lines else 0
    blocks: list[Block] = []
    previous = None
    for item in items:
        if item.block is not None:
            blocks.append(item.block)
            previous = None
            continue
        line = item.line
        size = _size(line)
        starts = (
            previous is None
            or previous["x1"] < right - 1.5 * _size(previous)
            or line["x0"] > left + 0.8 * size
            or abs(size - _size(previous)) > 1
        )
        if starts:
            blocks.append(Block("text", line["text"]))
        else:
            glue = "" if _CJK_CHAR.match(line["text"][:1]) or _CJK_CHAR.match(blocks[-1].text[-1:]) else " "
            blocks[-1].text += glue + line["text"]
        previous = line
    return blocks


def _size(line: dict) -> float:
    return median(char["size"] for char in line["chars"]) if line.get("chars") else 0.0
