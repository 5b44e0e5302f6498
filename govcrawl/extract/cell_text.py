"""The text of a cell read by OCR, with the recogniser's confidence in it.

Kept apart from image_tables.py, whose OpenCV and numpy imports are heavy: the record and the
acceptance rule need only this, and a worker that reads no picture never loads them.
"""

from __future__ import annotations


class CellText(str):
    """A cell's OCR text with its confidence. A str, so that it flows through the label tables
    unchanged and the cell feed can keep each value's confidence (`confidence_of`)."""

    confidence: float

    def __new__(cls, text: str, confidence: float) -> CellText:
        value = super().__new__(cls, text)
        value.confidence = confidence
        return value

    def __getnewargs__(self) -> tuple[str, float]:
        # Readings travel from the worker that read them (govcrawl/workers.py) by pickle.
        return str(self), self.confidence


def confidence_of(raw: str | None) -> float | None:
    return round(raw.confidence, 4) if isinstance(raw, CellText) else None
