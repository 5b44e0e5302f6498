"""Text in a picture: RapidOCR (PaddleOCR's Chinese detection and recognition models in ONNX,
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
    """One line of text the detector found: its box (left, top, right, bottom), text and confidence."""

    box: tuple[float, float, float, float]
    text: str
    confidence: float

    @property
    def centre(self) -> tuple[float, float]:
        left, top, right, bottom = self.box
        return (left + right) / 2, (top + bottom) / 2


@lru_cache(maxsize=1)
def engine():
    from rapidocr_onnxruntime import RapidOCR  # imported here: its import alone costs 0.5 s

    # One thread each for the session's ops: the crawl's machines share their cores.
    return RapidOCR(intra_op_num_threads=2, inter_op_num_threads=1)


def read_words(image: np.ndarray) -> list[Word]:
    """Every text line in a greyscale or BGR image."""
    result, _ = engine()(image)
    words = []
    for points, text, confidence in result or []:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        words.append(Word((min(xs), min(ys), max(xs), max(ys)), text, float(confidence)))
    return words


def read_line(image: np.ndarray) -> Word | None:
    """The text of an image that holds one short line (a cell), without the detector: lone
    digits are small enough for the detector to miss."""
    result, _ = engine()(image, use_det=False, use_cls=False, use_rec=True)
    if not result:
        return None
    text, confidence = result[0]
    height, width = image.shape[:2]
    return Word((0, 0, width, height), text, float(confidence)) if text.strip() else None
