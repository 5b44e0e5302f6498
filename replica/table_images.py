"""The statutory tables as pictures: a table grid (replica/tables.py cells) drawn as a PNG in a CJK
font, as editors publish them, and a scanned copy (slight rotation, noise, blur, JPEG).

The font is Debian's WenQuanYi Micro Hei (fonts-wqy-microhei) or Noto Sans CJK (fonts-noto-cjk),
whichever is installed.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

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


@lru_cache(maxsize=1)
def font() -> ImageFont.FreeTypeFont:
    for path in FONT_FILES:
        if Path(path).exists():
            return ImageFont.truetype(path, FONT_SIZE)
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


def scanned(png: bytes, rng: random.Random) -> bytes:
    """The picture as a scanner gives it back: turned by up to a degree, blurred, speckled with
    noise on a not-quite-white page, saved as JPEG."""
    image = Image.open(io.BytesIO(png)).convert("L")
    image = image.rotate(rng.uniform(-1.0, 1.0), resample=Image.BICUBIC, expand=True, fillcolor=255)
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.8)))
    pixels = np.asarray(image, dtype=np.float32) * rng.uniform(0.85, 0.95) + rng.uniform(5, 20)
    noise = np.random.default_rng(rng.getrandbits(32)).normal(0, 10, pixels.shape)
    image = Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=rng.randint(55, 75))
    return out.getvalue()


def scanned_pdf(pngs: list[bytes], rng: random.Random) -> bytes:
    """A PDF without a text layer, one scanned picture per page (as a scanner's PDF holds them)."""
    pages = [Image.open(io.BytesIO(scanned(png, rng))) for png in pngs]
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=144, save_all=True, append_images=pages[1:])
    return out.getvalue()
