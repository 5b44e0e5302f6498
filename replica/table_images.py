"""The statutory tables as pictures: a table grid (replica/tables.py cells) drawn as a PNG in a CJK
font, as editors publish them, and a scanned copy (slight rotation, noise, blur, JPEG); and a whole
report printed on A4 pages and scanned, as a PDF of page pictures without a text layer.

The font is Debian's WenQuanYi Micro Hei (fonts-wqy-microhei) or Noto Sans CJK (fonts-noto-cjk),
whichever is installed.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from replica.documents import NO_BREAK_BEFORE, TOKEN, Block, Table
from replica.tables import Cell

FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
FONT_SIZE = 18
PADDING = 8  # around the text inside a cell
LINE = 2  # ruling line width
MARGIN = 20
MAX_LABEL_CHARS = 16  # a wide label wraps at this many characters
MIN_COLUMN_CHARS = 4
PALETTE_GREYS = 4
# A printed report scanned: A4 at 200 dpi (document scanners' usual setting), 2.5 cm margins, the
# body in 12 pt and the title in 18 pt as documents.pdf prints them, 1.5 lines apart.
SCAN_DPI = 200
A4_PIXELS = (round(210 / 25.4 * SCAN_DPI), round(297 / 25.4 * SCAN_DPI))
PAGE_MARGIN = round(2.5 / 2.54 * SCAN_DPI)
BODY_PIXELS, TITLE_PIXELS = round(12 / 72 * SCAN_DPI), round(18 / 72 * SCAN_DPI)
LEADING = 1.5
BLOCK_GAP = BODY_PIXELS // 2  # before and after a table
# Grey-level noise of a page scan: a flatbed's on paper, milder than the worst picture's (and
# JPEG keeps noise at great cost: 10 makes a three-page report 1.9 MB, 4 makes it 0.8 MB).
PAGE_NOISE = 4.0
SCANNED_ON = datetime(2021, 3, 1, 9, 0)  # a scan's creation date where none is given


@lru_cache(maxsize=4)
def font(size: int = FONT_SIZE) -> ImageFont.FreeTypeFont:
    for path in FONT_FILES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    raise FileNotFoundError(f"no CJK font for the table images: install fonts-wqy-microhei ({', '.join(FONT_FILES)})")


@dataclass(frozen=True)
class Placed:
    cell: Cell
    row: int
    col: int


def place(rows: list[list[Cell]]) -> tuple[list[Placed], int]:
    """Every cell at its grid position (row/column spans as an HTML table lays them out), and the width."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            taken.update((r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            placed.append(Placed(cell, r, c))
            c += cell.colspan
    return placed, max(c for _, c in taken) + 1


def _wrap(text: str, chars: int) -> list[str]:
    return [text[i : i + chars] for i in range(0, len(text), chars)] or [""]


def _text_width(text: str) -> int:
    return int(font().getlength(text))


def render_png(rows: list[list[Cell]]) -> bytes:
    """The table as a clean PNG: black ruling lines, centred text, labels wrapped to their cell."""
    placed, width = place(rows)
    char = _text_width("国")
    widths = [MIN_COLUMN_CHARS * char] * width
    for p in placed:
        if p.cell.colspan == 1:
            widths[p.col] = max(widths[p.col], min(len(p.cell.text), MAX_LABEL_CHARS) * char)
    widths = [w + 2 * PADDING for w in widths]
    line_height = int(char * 1.4)
    heights = [line_height + 2 * PADDING] * len(rows)
    for p in placed:  # rows grow for wrapped text; a spanning cell's text is spread over its rows
        span_width = sum(widths[p.col : p.col + p.cell.colspan]) - 2 * PADDING
        needed = len(_wrap(p.cell.text, max(1, span_width // char))) * line_height + 2 * PADDING
        spanned = range(p.row, p.row + p.cell.rowspan)
        short = needed - sum(heights[r] for r in spanned)
        if short > 0:
            for r in spanned:
                heights[r] += -(-short // p.cell.rowspan)
    xs = np.cumsum([MARGIN, *widths]).tolist()
    ys = np.cumsum([MARGIN, *heights]).tolist()
    image = Image.new("L", (xs[-1] + MARGIN, ys[-1] + MARGIN), 255)
    draw = ImageDraw.Draw(image)
    for p in placed:
        left, top = xs[p.col], ys[p.row]
        right, bottom = xs[p.col + p.cell.colspan], ys[p.row + p.cell.rowspan]
        draw.rectangle((left, top, right, bottom), outline=0, width=LINE)
        lines = _wrap(p.cell.text, max(1, (right - left - 2 * PADDING) // char))
        y = (top + bottom) / 2 - len(lines) * line_height / 2
        for line in lines:
            draw.text(((left + right) / 2 - _text_width(line) / 2, y + (line_height - char) / 2), line, font=font(), fill=0)
            y += line_height
    out = io.BytesIO()
    # Four greys (a 2-bit palette, as web graphics are often saved): a third of the 8-bit size.
    image.quantize(colors=PALETTE_GREYS).save(out, "PNG", optimize=True)
    return out.getvalue()


def scanned(png: bytes, rng: random.Random, noise: float = 10.0) -> bytes:
    """The picture as a scanner gives it back: turned by up to a degree, blurred, speckled with
    noise (its standard deviation in grey levels) on a not-quite-white page, saved as JPEG."""
    image = Image.open(io.BytesIO(png)).convert("L")
    image = image.rotate(rng.uniform(-1.0, 1.0), resample=Image.BICUBIC, expand=True, fillcolor=255)
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.8)))
    pixels = np.asarray(image, dtype=np.float32) * rng.uniform(0.85, 0.95) + rng.uniform(5, 20)
    noise = np.random.default_rng(rng.getrandbits(32)).normal(0, noise, pixels.shape)
    image = Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=rng.randint(55, 75))
    return out.getvalue()


def scanned_pdf(pngs: list[bytes], rng: random.Random, dpi: int = 144, noise: float = 10.0,
                saved: datetime = SCANNED_ON) -> bytes:
    """A PDF without a text layer, one scanned picture per page (as a scanner's PDF holds them),
    each page as large as the picture is at `dpi`; `saved` is its creation date (so that the same
    pictures always give the same bytes)."""
    pages = [Image.open(io.BytesIO(scanned(png, rng, noise))) for png in pngs]
    out = io.BytesIO()
    stamp = saved.timetuple()
    pages[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=pages[1:], creationDate=stamp, modDate=stamp)
    return out.getvalue()


def printed_pages(blocks: list[Block]) -> list[bytes]:
    """A report (documents.py blocks) printed on A4 at SCAN_DPI, one PNG per page: paragraphs
    justified with their first line indented, centred or right-aligned as the block says, bold
    as a heavier stroke; tables drawn by render_png, shrunk to the text width where wider."""
    width = A4_PIXELS[0] - 2 * PAGE_MARGIN
    pages = [Image.new("L", A4_PIXELS, 255)]
    y = PAGE_MARGIN

    def room(height: int) -> None:
        nonlocal y
        if y + height > A4_PIXELS[1] - PAGE_MARGIN:
            pages.append(Image.new("L", A4_PIXELS, 255))
            y = PAGE_MARGIN

    for block in blocks:
        if isinstance(block, Table):
            table = Image.open(io.BytesIO(render_png(block.rows))).convert("L")
            if table.width > width:
                table = table.resize((width, round(table.height * width / table.width)), Image.LANCZOS)
            room(table.height + 2 * BLOCK_GAP)
            pages[-1].paste(table, (PAGE_MARGIN + (width - table.width) // 2, y + BLOCK_GAP))
            y += table.height + 2 * BLOCK_GAP
            continue
        size = TITLE_PIXELS if block.align == "center" and block.bold else BODY_PIXELS
        indent = 2 * size if block.indent and block.align == "both" else 0
        lines = _wrap_pixels(block.text, size, width, indent)
        for n, line in enumerate(lines):
            room(round(size * LEADING))
            draw = ImageDraw.Draw(pages[-1])
            natural = sum(_advance(char, size) for char in line)
            left = {"center": (width - natural) / 2, "right": width - natural}.get(block.align, indent if n == 0 else 0)
            # Justified lines but the last reach the right margin: the spare width goes between characters.
            spare = (width - left - natural) / max(1, len(line) - 1) if block.align == "both" and n < len(lines) - 1 else 0
            x = PAGE_MARGIN + left
            for char in line:
                draw.text((x, y), char, font=font(size), fill=0, stroke_width=1 if block.bold else 0, stroke_fill=0)
                x += _advance(char, size) + spare
            y += round(size * LEADING)
    out = []
    for page in pages:
        png = io.BytesIO()
        page.save(png, "PNG", compress_level=1)  # scanned() decodes it at once: speed over size
        out.append(png.getvalue())
    return out


@lru_cache(maxsize=4096)
def _advance(char: str, size: int) -> float:
    """A character's width (CJK text is set without kerning, so a line is the sum of its characters)."""
    return font(size).getlength(char)


def _wrap_pixels(text: str, size: int, width: int, indent: int) -> list[str]:
    lines, line, used = [], "", 0.0
    for token in TOKEN.findall(text):
        limit = width - (indent if not lines else 0)
        advance = sum(_advance(char, size) for char in token)
        if line and used + advance > limit and token not in NO_BREAK_BEFORE:
            lines.append(line)
            line, used = "", 0.0
        line, used = line + token, used + advance
    return [*lines, line]
