"""The extraction engine: the bytes of a report page or file in, the record of schema.md out.

    decoding → Document (htmlpage | plaintext) → script → body (chrome, header, tail)
    → metadata, sections, stats, tables (tables/), checks → record

No Scrapy here: the crawl's pipeline and `govcrawl parse` call the same `extract`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from govcrawl.extract.decoding import decode
from govcrawl.extract.document import Document
from govcrawl.extract.errors import ExtractionError
from govcrawl.extract.htmlpage import document_from_html, is_html
from govcrawl.extract.plaintext import document_from_text
from govcrawl.extract.record import Extraction, Source, build_extraction
from govcrawl.extract.script import is_traditional, to_simplified

__all__ = ["Extraction", "ExtractionError", "extract", "extract_file"]

MEDIA_TYPES_BY_SUFFIX = {
    ".html": "text/html",
    ".htm": "text/html",
    ".shtml": "text/html",
    ".jhtml": "text/html",
    ".txt": "text/plain",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
}
# Magic numbers of the binary formats the engine does not read yet.
BINARY_SIGNATURES = {b"%PDF": "application/pdf", b"PK\x03\x04": "application/zip", b"\xd0\xcf\x11\xe0": "application/msword"}


def extract(
    raw: bytes,
    *,
    media_type: str | None = None,
    url: str | None = None,
    source_file: str | None = None,
    portal: str = "file",
    unit: dict | None = None,
    fetched_at: str | None = None,
) -> Extraction:
    media_type = _media_type(raw, media_type, source_file, url)
    if media_type not in ("text/html", "text/plain"):
        raise ExtractionError(f"{media_type} is not read yet")
    page = decode(raw, media_type)
    is_page_html = media_type == "text/html"
    document = document_from_html(page) if is_page_html else document_from_text(page)
    traditional = is_traditional(" ".join(b.text for b in document.blocks[:200]))
    if traditional:
        document = _simplified(document)
    source = Source(raw, url, source_file, portal, unit, fetched_at, "html" if is_page_html else "text")
    return build_extraction(document, source, converted_from_traditional=traditional)


def extract_file(path: Path | str) -> Extraction:
    path = Path(path)
    return extract(path.read_bytes(), source_file=path.name)


def _media_type(raw: bytes, given: str | None, source_file: str | None, url: str | None) -> str:
    """The declared type without parameters; else by file extension; else sniffed from the bytes."""
    if given:
        return given.split(";")[0].strip().lower()
    name = source_file or (urlsplit(url).path if url else "")
    by_suffix = MEDIA_TYPES_BY_SUFFIX.get(PurePosixPath(name).suffix.lower())
    if by_suffix:
        return by_suffix
    for signature, media_type in BINARY_SIGNATURES.items():
        if raw.startswith(signature):
            return media_type
    return "text/html" if is_html(raw[:2048].decode("latin-1").lower()) else "text/plain"


def _simplified(document: Document) -> Document:
    blocks = [
        replace(b, text=to_simplified(b.text), rows=[[replace(c, text=to_simplified(c.text)) for c in row] for row in b.rows])
        for b in document.blocks
    ]
    return replace(
        document,
        blocks=blocks,
        title=to_simplified(document.title) if document.title else None,
        meta={k: to_simplified(v) for k, v in document.meta.items()},
        script="hant",
    )


