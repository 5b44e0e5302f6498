"""What one document may cost the engine, and the refusal when it asks for more.

A small file can ask for a lot: a DOCX whose XML inflates a thousandfold, a one-line XLSX merge
covering every cell of a sheet, an HTML table of cells spanning 100 × 100, a PDF page of tens of
thousands of drawn rectangles. Each is checked against a limit *before* the costly step (the
unpacking, the span expansion, the table finder), so the refusal is cheap, and the refusal is a
`LimitExceeded` naming the limit, the document and the figure it reached.

The defaults are far above every real report in ../shared (tests/test_limits.py checks the
margin) and low enough that a document just under all of them is read within the crawl's
per-document time and memory limits (govcrawl/workers.py). Each limit is the setting
`EXTRACT_<FIELD NAME IN CAPITALS>` of the crawl and of `govcrawl parse`.

`seconds` is the engine's own deadline, checked inside the readers (between PDF pages and before
each page's table finder, while walking an HTML tree, row by row in a workbook): a document that
is slow everywhere stops with a clean error. A single step that runs long (one C call) cannot be
interrupted from inside; the worker process is stopped from outside for that.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from govcrawl.extract.errors import ExtractionError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    # Wall time for one document (the page, or one attachment), checked inside the readers.
    seconds: float = 60.0
    # An HTML or text page's bytes (the real reports here: under 0.4 MB; 19 MB of HTML took 32 s).
    max_html_bytes: int = 5 * MB
    # One XML part of a DOCX or XLSX, unpacked (the real DOCX here: 0.25 MB), and the elements of
    # all its XML parts together (the real DOCX: 8,250). mammoth's cost follows the elements:
    # 250,000 take it 20 s and 250 MB; a 19 MB document.xml took it 79 s and 1.4 GB.
    max_xml_bytes: int = 8 * MB
    max_xml_elements: int = 250_000
    # Table cells after span expansion, all tables of a document together (rowspan × colspan each;
    # the real reports here: at most 424).
    max_table_cells: int = 200_000
    # A workbook's cells (rows × columns of its visible sheets): beyond it a file is a data dump.
    max_sheet_cells: int = 1_000_000
    # A workbook's merged ranges, counted before any is expanded.
    max_merged_ranges: int = 10_000
    # Drawn objects (rectangles, lines, curves) on one PDF page, and its characters: the table
    # finder's cost grows with the square of the rulings (the real PDF here: at most 166 and 549;
    # 6,000 rectangles took 16 s, 9,000 took 47 s).
    max_pdf_graphics_per_page: int = 3_000
    max_pdf_chars_per_page: int = 50_000

    def check(self, name: str, value: int, what: str) -> None:
        """Refuse when `value` (of `what`, e.g. "PDF page 3 has … drawn objects") exceeds limit `name`."""
        limit = getattr(self, name)
        if value > limit:
            raise LimitExceeded(name, f"{what}: {value:,}, more than the limit of {limit:,}")

    def deadline(self) -> Deadline:
        return Deadline(self.seconds)


class LimitExceeded(ExtractionError):
    """A document refused because reading it would cost more than a limit allows."""

    def __init__(self, limit: str, message: str):
        self.limit = limit
        self.message = message
        super().__init__(f"{message} ({setting_name(limit)})")

    def __reduce__(self):  # raised in worker processes, unpickled in the parent
        return LimitExceeded, (self.limit, self.message)


def setting_name(limit: str) -> str:
    """The crawl setting (and `govcrawl parse` option) that sets a limit."""
    return f"EXTRACT_{limit.upper()}"


@dataclass
class Deadline:
    seconds: float
    started: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        return max(self.seconds - (time.monotonic() - self.started), 0.0)

    def check(self, where: str) -> None:
        elapsed = time.monotonic() - self.started
        if elapsed > self.seconds:
            raise LimitExceeded("seconds", f"reading took more than {self.seconds:g} s, at {where}")
