"""A report page saved as text → Document: one text block per non-empty line, and a table block
for every statutory table written in the text as a linearised table (linear.py)."""

from __future__ import annotations

from govcrawl.extract.document import Document
from govcrawl.extract.linear import tables_in_lines


def document_from_text(text: str) -> Document:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return Document(blocks=tables_in_lines(lines), media_type="text/plain")
