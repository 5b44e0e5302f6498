"""The shape every input format is turned into before the report is read.

HTML pages, text files and (later) DOCX/PDF attachments all become a `Document`: the report
body as blocks in reading order. Text blocks are paragraphs; table blocks keep the source grid
with its row and column spans, because the statutory tables are read from the grid; image
blocks mark where a picture stood, so that a table published as an image is reported as such
and never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["text", "table", "image"]


@dataclass(frozen=True)
class Cell:
    """One source table cell. `text` keeps line breaks (<br>, <p>) as "\\n"."""

    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Block:
    kind: BlockKind
    text: str = ""  # a paragraph for "text"; the alt text or file name for "image"
    rows: list[list[Cell]] = field(default_factory=list)  # for "table"


@dataclass
class Document:
    """A report body, already in Simplified Chinese and without the portal's chrome."""

    blocks: list[Block]
    title: str | None = None
    meta: dict[str, str] = field(default_factory=dict)  # page metadata: ArticleTitle, PubDate, 来源, …
    script: Literal["hans", "hant"] = "hans"
    media_type: str = "text/html"
    # Pictures a Word file embeds (PNG, JPEG), by the name its image blocks carry: a table pasted
    # as a picture is read from them by OCR when the document has no table in text.
    pictures: dict[str, bytes] = field(default_factory=dict)
