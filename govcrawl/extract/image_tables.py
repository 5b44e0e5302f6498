"""Tables published as pictures → the same table blocks as an HTML `<table>`.

The structure comes from the ruling lines, not from the text: the picture is straightened (a
scan is turned by a degree or so), the horizontal and vertical lines are found by morphology,
their positions give a base grid, and a missing line segment between two base cells merges
them (the row and column spans of the source). Each cell is then read on its own: its text
lines are found by the ink's profile and each one is recognised (ocr.py). A cell's confidence is
its least confident line.

The blocks go through the same label tables as every other input (tables/), so keys and checks
are identical; whether a reading is accepted is decided in ocr_acceptance.py from the report's own
arithmetic, never here.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

import cv2
import numpy as np

from govcrawl.extract.cell_text import CellText
from govcrawl.extract.document import Block, Cell, Document
from govcrawl.extract.errors import ExtractionError
from govcrawl.extract.limits import Deadline
from govcrawl.extract.ocr import read_line
from govcrawl.extract.ocr_cache import remembered

# A ruling line is a straight run at least this share of the picture's width (or height), and
# at least this many pixels: longer than any stroke of a character.
LINE_SHARE = 1 / 40
MIN_LINE_PIXELS = 25
# Line detections closer than this are one line (a 2 px line after blurring is 3–4 px wide).
SAME_LINE_PIXELS = 6
# A segment between two base cells is a border when its line covers at least this share of it.
BORDER_COVER = 0.6
# A table has at least this many base cells; smaller grids are frames or underlines.
MIN_ROWS, MIN_COLS = 2, 2
# Turns below this (degrees) are left alone; above MAX_SKEW the picture is not a skewed table.
MIN_SKEW, MAX_SKEW = 0.05, 5.0
# A text line in a cell is a band of rows holding ink; bands separated by fewer blank rows are one.
MIN_GAP_ROWS = 3
MIN_INK_PIXELS = 12
# A text line no higher than this and at least DASH_RATIO times as wide is a dash: a digit or a
# character line is as high as the font (18 px and more), a dash 1–2 px (4–6 after a scan's blur).
MAX_DASH_HEIGHT, DASH_RATIO, MIN_DASH_WIDTH = 7, 2.5, 6
MIN_LINE_HEIGHT = 3  # less ink than this in a cell is noise: the cell is blank
# Larger pictures are refused before decoding (an A4 page at 600 dpi is 35 million pixels).
MAX_PIXELS = 40_000_000
# Recognition works on text lines of this height; a picture whose text is smaller is enlarged.
TEXT_HEIGHT = 32



@dataclass(frozen=True)
class GridCell:
    top: int
    left: int
    bottom: int  # exclusive base-grid indices
    right: int


def document_from_image(raw: bytes, media_type: str) -> Document:
    """A picture file (PNG, JPEG) as a document of the tables drawn in it."""
    return Document(blocks=table_blocks(decode_image(raw)), media_type=media_type)


def with_picture_tables(document: Document, deadline: Deadline) -> Document | None:
    """The document with each embedded picture (a Word file's, `Document.pictures`) that holds
    ruled tables replaced, where it stands, by those tables; None when no picture holds one. A
    picture that cannot be decoded is left as it is (an image block)."""
    blocks, found = [], False
    for block in document.blocks:
        raw = document.pictures.get(block.text) if block.kind == "image" else None
        tables = []
        if raw is not None:
            deadline.check(f"the document's {block.text}")
            try:
                tables = table_blocks(decode_image(raw))
            except ExtractionError:
                pass  # it stays a picture
        found = found or bool(tables)
        blocks += tables or [block]
    return replace(document, blocks=blocks, pictures={}) if found else None


def decode_image(raw: bytes) -> np.ndarray:
    from PIL import Image, UnidentifiedImageError  # reads the size from the header, before decoding

    try:
        width, height = Image.open(io.BytesIO(raw)).size
    except (UnidentifiedImageError, OSError) as error:
        raise ExtractionError(f"the image cannot be decoded: {error}") from error
    if width * height > MAX_PIXELS:
        raise ExtractionError(f"the image is {width}×{height} pixels, more than the limit of {MAX_PIXELS}")
    image = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise ExtractionError("the image cannot be decoded")
    return image


@dataclass(frozen=True)
class PlacedTable:
    """A table read from a picture and where it stands in it (pixels of the straightened picture)."""

    block: Block
    left: int
    top: int
    right: int
    bottom: int


def table_blocks(image: np.ndarray) -> list[Block]:
    """Every ruled table in a greyscale picture, top to bottom, as table blocks."""
    return [table.block for table in placed_tables(straightened(image))]


@remembered
def placed_tables(image: np.ndarray) -> list[PlacedTable]:
    """Every ruled table in a straightened greyscale picture, top to bottom."""
    ink = _ink(image)
    horizontal, vertical = _lines(ink, horizontal=True), _lines(ink, horizontal=False)
    count, _, stats, _ = cv2.connectedComponentsWithStats(horizontal | vertical, connectivity=8)
    regions = sorted((stats[i] for i in range(1, count)), key=lambda s: s[cv2.CC_STAT_TOP])
    tables = []
    for x, y, w, h, _ in regions:
        box = (slice(y, y + h + 1), slice(x, x + w + 1))
        rows = _read_grid(image[box], ink[box], horizontal[box], vertical[box])
        if rows:
            tables.append(PlacedTable(Block("table", rows=rows), int(x), int(y), int(x + w), int(y + h)))
    return tables


def straightened(image: np.ndarray) -> np.ndarray:
    """The picture turned so that its table's lines are level."""
    angle = skew(image)
    if abs(angle) < MIN_SKEW:
        return image
    height, width = image.shape
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(image, turn, (width, height), flags=cv2.INTER_CUBIC, borderValue=255)


@remembered
def skew(image: np.ndarray) -> float:
    """The angle (degrees) of the picture's longest lines: their median, within MAX_SKEW of level; 0 without such lines."""
    ink = _ink(image)
    segments = cv2.HoughLinesP(ink, 1, np.pi / 1800, threshold=200, minLineLength=image.shape[1] // 4, maxLineGap=5)
    if segments is None:
        return 0.0
    angles = [np.degrees(np.arctan2(y2 - y1, x2 - x1)) for x1, y1, x2, y2 in segments.reshape(-1, 4)]
    level = [a for a in angles if abs(a) < MAX_SKEW]
    return float(np.median(level)) if level else 0.0


def _ink(image: np.ndarray) -> np.ndarray:
    """Dark pixels as 255 (Otsu's threshold after a light blur against scan noise)."""
    _, ink = cv2.threshold(cv2.GaussianBlur(image, (3, 3), 0), 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return ink


def _lines(ink: np.ndarray, *, horizontal: bool) -> np.ndarray:
    length = max(MIN_LINE_PIXELS, int(ink.shape[1 if horizontal else 0] * LINE_SHARE))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
    lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    # Bridge the gaps noise and blur leave in a line.
    return cv2.dilate(lines, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 3) if horizontal else (3, 5)))


def _positions(mask: np.ndarray, axis: int) -> list[int]:
    """Where the lines of a mask lie across `axis` (0: rows of horizontal lines, 1: columns)."""
    profile = mask.max(axis=1 - axis) > 0
    positions, start = [], None
    for i, on in enumerate([*profile, False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            positions.append((start + i - 1) // 2)
            start = None
    merged: list[int] = []
    for p in positions:
        if merged and p - merged[-1] < SAME_LINE_PIXELS:
            merged[-1] = (merged[-1] + p) // 2
        else:
            merged.append(p)
    return merged


def _covered(mask: np.ndarray) -> bool:
    """A border segment (a thin strip of a line mask, along its length) is drawn."""
    return mask.size > 0 and float((mask.max(axis=0 if mask.shape[0] < mask.shape[1] else 1) > 0).mean()) >= BORDER_COVER


def _read_grid(image: np.ndarray, ink: np.ndarray, horizontal: np.ndarray, vertical: np.ndarray) -> list[list[Cell]]:
    ys, xs = _positions(horizontal, 0), _positions(vertical, 1)
    if len(ys) <= MIN_ROWS or len(xs) <= MIN_COLS:
        return []
    cells = _merged_cells(ys, xs, horizontal, vertical)
    rows: list[list[Cell]] = [[] for _ in range(len(ys) - 1)]
    for cell in sorted(cells, key=lambda c: (c.top, c.left)):
        box = (slice(ys[cell.top], ys[cell.bottom]), slice(xs[cell.left], xs[cell.right]))
        text = _cell_text(image[box], ink[box] & ~(horizontal[box] | vertical[box]))
        rows[cell.top].append(Cell(text, rowspan=cell.bottom - cell.top, colspan=cell.right - cell.left))
    return rows


def _merged_cells(ys: list[int], xs: list[int], horizontal: np.ndarray, vertical: np.ndarray) -> list[GridCell]:
    """The base grid's cells joined where the line between them is missing (union-find)."""
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = list(range(n_rows * n_cols))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    half = SAME_LINE_PIXELS // 2
    for r in range(n_rows):
        for c in range(n_cols):
            top, bottom, left, right = ys[r], ys[r + 1], xs[c], xs[c + 1]
            inset_y, inset_x = (bottom - top) // 5, (right - left) // 5
            if c + 1 < n_cols and not _covered(vertical[top + inset_y : bottom - inset_y, right - half : right + half + 1]):
                parent[root(r * n_cols + c)] = root(r * n_cols + c + 1)
            if r + 1 < n_rows and not _covered(horizontal[bottom - half : bottom + half + 1, left + inset_x : right - inset_x]):
                parent[root(r * n_cols + c)] = root((r + 1) * n_cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            groups.setdefault(root(r * n_cols + c), []).append((r, c))
    return [
        GridCell(min(r for r, _ in g), min(c for _, c in g), max(r for r, _ in g) + 1, max(c for _, c in g) + 1)
        for g in groups.values()
    ]


def _cell_text(image: np.ndarray, ink: np.ndarray) -> str:
    """The cell's text lines, each recognised on its own; "" for a blank cell."""
    if int(np.count_nonzero(ink)) < MIN_INK_PIXELS:
        return CellText("", 1.0)
    texts, confidences = [], []
    for top, bottom in _bands(ink.max(axis=1) > 0):
        columns = np.flatnonzero(ink[top:bottom].max(axis=0))
        if columns.size == 0:
            continue
        if _is_dash(bottom - top, columns[-1] - columns[0] + 1):
            # A lone dash (zero written as "—" or "-") is a stroke the recogniser reads as 一 or 1.
            texts.append("—")
            confidences.append(1.0)
            continue
        if bottom - top < MIN_LINE_HEIGHT:
            continue  # a speck of scan noise
        margin = max(4, (bottom - top) // 3)
        crop = image[max(0, top - margin) : bottom + margin, max(0, columns[0] - margin) : columns[-1] + margin + 1]
        if crop.shape[0] < TEXT_HEIGHT:
            scale = TEXT_HEIGHT / crop.shape[0]
            crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        word = read_line(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR))
        if word is None:
            # Ink that reads as nothing: the cell is neither blank nor known, so it must not
            # count as a zero. "?" is no value, which leaves its row unread.
            texts.append("?")
            confidences.append(0.0)
            continue
        texts.append(word.text.strip())
        confidences.append(word.confidence)
    return CellText("\n".join(texts), min(confidences, default=1.0))


def _is_dash(height: int, width: int) -> bool:
    return height <= MAX_DASH_HEIGHT and width >= max(MIN_DASH_WIDTH, DASH_RATIO * height)


def _bands(rows_with_ink: np.ndarray) -> list[tuple[int, int]]:
    bands: list[list[int]] = []
    for i in np.flatnonzero(rows_with_ink):
        if bands and i - bands[-1][1] <= MIN_GAP_ROWS:
            bands[-1][1] = i + 1
        else:
            bands.append([i, i + 1])
    return [(top, bottom) for top, bottom in bands]
