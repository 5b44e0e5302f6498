"""A report page saved as text → Document: one text block per non-empty line.

Linearised tables (one cell per line, or tab-separated rows) stay text lines for now.
"""

from __future__ import annotations

from govcrawl.extract.document import Block, Document


def document_from_text(text: str) -> Document:
    lines = (line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return Document(blocks=[Block("text", line) for line in lines if line], media_type="text/plain")
