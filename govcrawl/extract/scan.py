"""A PDF without a text layer (a scan) → Document: its ruled tables and its text, both by OCR.

Each page is drawn at the resolution it was scanned at (its picture's pixels per point, at least
144 dpi and at most 300), straightened by its ruling lines, and its tables are read as in any
picture (image_tables.py). The rest of the page — the table areas blanked — goes to the text
detector and recogniser (ocr.read_page); the lines found, turned level by their own slant where
the page had no ruling line to straighten it, become paragraphs by the rule a text layer's lines
follow (pdf.py: a line starts a paragraph when it is indented, when the line before stopped short
of the right margin, or when the size changes), and tables continued on the next page are joined
as in a text PDF. So the text, sections, metadata and stats of a scan are read by the same
readers as a text PDF's.

Text costs about 2.5 s of CPU a page (ocr.read_page); tables cost their cells. To keep the
tables within the document's time, a page's text is read only while at least TEXT_TIME_SHARE of
the time is left; a page read without its text becomes an image block ("page N"), so the record
says where content was not read.
"""

from __future__ import annotations

import cv2
import numpy as np

from govcrawl.extract.document import Block, Document
from govcrawl.extract.errors import ExtractionError
from govcrawl.extract.image_tables import MAX_PIXELS, PlacedTable, placed_tables, straightened
from govcrawl.extract.limits import Deadline
from govcrawl.extract.ocr import TextLine, read_page
from govcrawl.extract.pdf import MARGIN_BAND, PAGE_NUMBER, PageItem, joined_across_pages, paragraph_blocks, without_layout_spaces

MIN_DPI, MAX_DPI = 144, 300
TEXT_TIME_SHARE = 0.5
# Lines at least this share of the page wide tell the page's slant; smaller turns are left alone.
SLANT_LINE_SHARE = 0.25
MIN_SLANT = 0.05  # degrees
# Boxes on one line: their vertical overlap is at least this share of the shorter box's height.
SAME_LINE_OVERLAP = 0.5
# Lines within this share of the page's usual line height are of the body's size.
SAME_SIZE = 0.25


def document_from_scan(raw: bytes, deadline: Deadline) -> Document:
    import pypdfium2  # pdfplumber's own renderer

    try:
        pdf = pypdfium2.PdfDocument(raw)
    except pypdfium2.PdfiumError as error:
        raise ExtractionError(f"PDF cannot be opened: {error}") from error
    try:  # (pdf.py has already refused a PDF of more pages than a report has)
        items_by_page = []
        for number, page in enumerate(pdf, 1):
            deadline.check(f"scanned PDF page {number}")
            items_by_page.append(_page_items(page, number, deadline))
    finally:
        pdf.close()
    return Document(blocks=paragraph_blocks(joined_across_pages(items_by_page)), media_type="application/pdf")


def _page_items(page, number: int, deadline: Deadline) -> list[PageItem]:
    image = straightened(_drawn(page))
    tables = placed_tables(image)
    items = [PageItem(t.top, t.block, x0=t.left, x1=t.right) for t in tables]
    if deadline.remaining() >= deadline.seconds * TEXT_TIME_SHARE:
        items += [PageItem(line["top"], line=line, x0=line["x0"], x1=line["x1"]) for line in _text_lines(image, tables)]
    else:
        items.append(PageItem(0, Block("image", f"page {number}: text not read in the time allowed")))
    return sorted(items, key=lambda item: item.top)


def _drawn(page) -> np.ndarray:
    """The page in grey at its pictures' own resolution, within MIN_DPI–MAX_DPI and MAX_PIXELS."""
    import pypdfium2.raw as pdfium_c

    dpis = []
    for picture in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        left, _, right, _ = picture.get_bounds()
        width, _ = picture.get_px_size()
        if right > left:
            dpis.append(width / (right - left) * 72)
    dpi = min(max(max(dpis, default=MIN_DPI), MIN_DPI), MAX_DPI)
    width, height = page.get_size()
    dpi = min(dpi, 72 * (MAX_PIXELS / (width * height)) ** 0.5)
    return np.ascontiguousarray(page.render(scale=dpi / 72, grayscale=True).to_numpy())


def _text_lines(image: np.ndarray, tables: list[PlacedTable]) -> list[dict]:
    """The page's text outside its tables as lines in the form pdf.py reads (text, x0, x1, top,
    and a size through `chars`), page numbers in the top or bottom margin left out."""
    blank = image.copy()
    for t in tables:
        blank[t.top : t.bottom + 1, t.left : t.right + 1] = 255
    found = read_page(cv2.cvtColor(blank, cv2.COLOR_GRAY2BGR))
    height, width = image.shape
    boxes = _level(found, width, height)
    lines = _same_lines(boxes)
    if not lines:
        return []
    usual = float(np.median([line["bottom"] - line["top"] for line in lines]))
    band = height * MARGIN_BAND
    out = []
    for line in lines:
        own = line["bottom"] - line["top"]
        # pdf.py compares sizes within a point; a detector's box varies by a few pixels with the glyphs.
        size = usual if abs(own - usual) <= SAME_SIZE * usual else own
        in_margin = line["top"] < band or line["bottom"] > height - band
        if in_margin and PAGE_NUMBER.match(line["text"]):
            continue
        out.append(line | {"chars": [{"size": size}]})
    return out


def _level(found: list[TextLine], width: int, height: int) -> list[dict]:
    """Each line's box (x0, x1, top, bottom) after turning the page by the long lines' median slant."""
    slants = [
        np.degrees(np.arctan2(line.corners[1][1] - line.corners[0][1], line.corners[1][0] - line.corners[0][0]))
        for line in found
        if line.corners[1][0] - line.corners[0][0] >= width * SLANT_LINE_SHARE
    ]
    slant = float(np.median(slants)) if slants else 0.0
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), slant if abs(slant) >= MIN_SLANT else 0.0, 1.0)
    boxes = []
    for line in found:
        corners = cv2.transform(line.corners.reshape(-1, 1, 2), turn).reshape(-1, 2)
        boxes.append({"text": line.text.strip(), "x0": float(corners[:, 0].min()), "x1": float(corners[:, 0].max()),
                      "top": float(corners[:, 1].min()), "bottom": float(corners[:, 1].max())})
    return boxes


def _same_lines(boxes: list[dict]) -> list[dict]:
    """Boxes the detector split on one line (a wide gap: a signature, a date) joined, left to right."""
    lines: list[list[dict]] = []
    for box in sorted(boxes, key=lambda b: b["top"]):
        line = lines[-1] if lines else None
        if line is not None:
            lower = min(box["bottom"] - box["top"], line[0]["bottom"] - line[0]["top"])
            overlap = min(box["bottom"], line[0]["bottom"]) - max(box["top"], line[0]["top"])
            if overlap >= SAME_LINE_OVERLAP * lower:
                line.append(box)
                continue
        lines.append([box])
    joined = []
    for line in lines:
        line.sort(key=lambda b: b["x0"])
        joined.append({
            "text": without_layout_spaces(" ".join(b["text"] for b in line)),
            "x0": line[0]["x0"], "x1": max(b["x1"] for b in line),
            "top": min(b["top"] for b in line), "bottom": max(b["bottom"] for b in line),
        })
    return joined
