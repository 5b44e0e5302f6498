"""Text in a picture's cells: RapidOCR (PaddleOCR's Chinese detection and recognition models in ONNX,
shipped inside the rapidocr-onnxruntime wheel), on the CPU, offline.

The engine is loaded once per process, on first use (about 0.2 s and 100 MB), and only then:
a crawl that meets no table image never loads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np


@dataclass(frozen=True)
class Word:
    """One line of text as recognised, with the recogniser's confidence (0–1)."""

    text: str
    confidence: float


@lru_cache(maxsize=1)
def engine():
    from rapidocr_onnxruntime import RapidOCR  # imported here: its import alone costs 0.5 s

    # At most two threads per operator: the crawl's own work shares the machine's cores.
    return RapidOCR(intra_op_num_threads=2, inter_op_num_threads=1)


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


def read_page(image: np.ndarray) -> list[TextLine]:
    """Every text line of a BGR page picture: detection, then recognition of each line. The
    detector works on the page shrunk to at most 2000 pixels a side (RapidOCR's max_side_len), so
    a page costs about the same whatever its resolution; recognition costs per line."""
    result, _ = engine()(image, use_det=True, use_cls=False, use_rec=True)
    return [TextLine(np.asarray(corners, dtype=np.float32), text, float(confidence))
            for corners, text, confidence in result or () if text.strip()]
