"""Text in a picture's cells: RapidOCR (PaddleOCR's Chinese detection and recognition models in ONNX,
shipped inside the rapidocr-onnxruntime wheel), on the CPU, offline.

The engine is loaded once per process, on first use (about 0.2 s and 100 MB), and only then:
a crawl that meets no table image never loads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from govcrawl.extract.ocr_cache import remembered


@dataclass(frozen=True)
class Word:
    """One line of text as recognised, with the recogniser's confidence (0–1)."""

    text: str
    confidence: float


# A page's text is found on the page shrunk to this many pixels on its longer side.
DETECTION_SIDE = 1200
# Lines recognised with less confidence are specks and smudges (RapidOCR's own text_score).
MIN_LINE_CONFIDENCE = 0.5


@lru_cache(maxsize=1)
def engine():
    from rapidocr_onnxruntime import RapidOCR  # imported here: its import alone costs 0.5 s

    # One thread: a crawl reads documents in one worker process per core already, and a second
    # thread per worker only contends for those cores (one of seed 000's pictures: 6.9 CPU-s and
    # 7.3 s with one thread, 10 CPU-s and 8 s with two).
    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)


def read_line(image: np.ndarray) -> Word | None:
    """The text of a BGR image that holds one line of a cell. Recognition only: the lines are
    found from the cell's ink (image_tables.py), since the detector misses lone small digits."""
    result, _ = engine()(image, use_det=False, use_cls=False, use_rec=True)
    if not result:
        return None
    text, confidence = result[0]
    return Word(text, float(confidence)) if text.strip() else None


@dataclass(frozen=True)
class TextLine:
    """A text line found and recognised in a page picture: its corners (clockwise from the top
    left, pixels) as the detector drew them, its text and the recogniser's confidence."""

    corners: np.ndarray
    text: str
    confidence: float


@remembered
def read_page(image: np.ndarray) -> list[TextLine]:
    """Every text line of a BGR page picture. The detector works on the page shrunk to at most
    DETECTION_SIDE pixels a side (body text stays 15–20 px high, which it finds as well; a page
    costs it the same whatever its resolution, and its memory stays within the worker's: on a
    200 dpi A4 page at full size it took 550 MB more address space); each line found is then cut
    from the full picture and recognised on its own, as a table cell's line is."""
    scale = min(1.0, DETECTION_SIDE / max(image.shape[:2]))
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    boxes, _ = engine()(small, use_det=True, use_cls=False, use_rec=False)
    lines = []
    for box in boxes or ():
        corners = np.asarray(box, dtype=np.float32) / scale
        (crop,) = engine().get_crop_img_list(image, [corners])
        word = read_line(crop)
        if word is not None and word.confidence >= MIN_LINE_CONFIDENCE:
            lines.append(TextLine(corners, word.text, word.confidence))
    return lines
